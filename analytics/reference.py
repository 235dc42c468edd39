"""Reference figures shipped with the app (analytics/reference/*.csv, each naming its source in its header),
loaded into `ref_*` tables so metrics can compare chain figures with them. Never reads ../shared at run time."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow as pa

from analytics.db import AnalyticsDB, registered

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# table -> (csv file, column types)
REFERENCES: dict[str, tuple[str, dict[str, pa.DataType]]] = {
    "ref_rpw_corridors": ("rpw_corridors_2025q1.csv", {
        "corridor": pa.string(), "source_country": pa.string(), "destination_country": pa.string(),
        "source_code": pa.string(), "destination_code": pa.string(), "source_name": pa.string(),
        "destination_name": pa.string(), "avg_cost_pct_200usd": pa.float64(), "avg_cost_pct_500usd": pa.float64(),
        "avg_fx_margin_200usd": pa.float64(), "num_providers": pa.int32()}),
    "ref_remittance_targets": ("remittance_targets.csv", {"benchmark": pa.string(), "pct": pa.float64(), "source": pa.string()}),
    "ref_credit_reasons": ("credit_reasons.csv", {"reason": pa.int32(), "text_en": pa.string(), "text_zh": pa.string()}),
    "ref_donation_purposes": ("donation_purposes.csv", {"purpose": pa.int32(), "name": pa.string(), "is_overhead": pa.bool_()}),
}


def read_reference(filename: str) -> list[dict[str, str]]:
    """Rows of a reference CSV (lines starting with '#' are its provenance notes)."""
    with open(REFERENCE_DIR / filename, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _convert(value: str, t: pa.DataType) -> Any:
    if value == "":
        return None
    if pa.types.is_integer(t):
        return int(value)
    if pa.types.is_floating(t):
        return float(value)
    if pa.types.is_boolean(t):
        return value.lower() == "true"
    return value


def reference_table(table: str) -> pa.Table:
    filename, types = REFERENCES[table]
    rows = read_reference(filename)
    return pa.table({c: pa.array([_convert(r[c], t) for r in rows], t) for c, t in types.items()})


def load_references(db: AnalyticsDB) -> None:
    """(Re)load every ref_* table from its CSV, in one transaction."""
    with db.transaction() as con:
        for table in REFERENCES:
            with registered(con, ref_data=reference_table(table)):
                db.run(f"refresh/{table}", None, con)
