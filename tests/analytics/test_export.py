"""Export of tables, named queries and in-memory results to CSV and Parquet, exact amounts."""
from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics.db import AnalyticsDB
from analytics.export import ExportError, export_frame, export_query, export_table
from analytics.indexer import index
from tests.analytics.chains import PUI, acct


@pytest.fixture(scope="module")
def db(transfer_chain, tmp_path_factory):
    d = AnalyticsDB(tmp_path_factory.mktemp("export") / "a.duckdb")
    index(transfer_chain.client, d)
    yield d
    d.close()


def test_table_to_csv_file_keeps_amounts_exact(db, tmp_path):
    path = export_table(db, "transfers", tmp_path / "t.csv", "csv")
    df = pd.read_csv(path, dtype=str)
    assert len(df) == 5
    assert df.loc[df.block_number == "1", "amount"].item() == str(10 * PUI)


def test_table_to_parquet_bytes_keeps_amounts_exact(db):
    data = export_table(db, "accounts", None, "parquet")
    t = pq.read_table(io.BytesIO(data))
    assert pa.types.is_decimal(t.schema.field("free").type)
    row = [r for r in t.to_pylist() if r["account"] == acct("Ferdie")][0]
    assert int(row["free"]) == 1_000_000 * PUI + 2 * PUI


def test_named_query_with_parameters(db, tmp_path):
    # KESP (asset 1): day 0 holds the cash-in of 500.00, the transfer of 120.00 and the cash-out of 50.00
    path = export_query(db, "metrics/transfer_volume_by_day", tmp_path / "q.csv", "csv", asset=1)
    rows = pd.read_csv(path, dtype=str).to_dict("records")
    assert rows == [{"day": "0", "transfers": "1", "transferred": "12000", "cash_ins": "1", "cashed_in": "50000",
                     "cash_outs": "1", "cashed_out": "5000", "senders": "2", "receivers": "2"}]
    data = export_query(db, "metrics/transfer_volume_by_day", None, "parquet", asset=-1)
    t = pq.read_table(io.BytesIO(data))
    assert int(t.column("transferred")[0].as_py()) == 12 * PUI


def test_frame_export_and_errors(db, tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert export_frame(df, None, "csv").decode().splitlines() == ["a,b", "1,x", "2,y"]
    export_frame(pa.table({"a": [1]}), tmp_path / "f.parquet", "parquet")
    assert pq.read_table(tmp_path / "f.parquet").to_pylist() == [{"a": 1}]
    with pytest.raises(ExportError, match="unknown format"):
        export_table(db, "transfers", None, "xlsx")
    with pytest.raises(ExportError, match="no table"):
        export_table(db, "nope; DROP TABLE blocks", None, "csv")
