"""Export any table, named query or result set to CSV or Parquet, to a path or as bytes (downloads).

Amounts stay exact: CSV writes HUGEINT as its full decimal text; Parquet has no 128-bit integer, so
HUGEINT columns are written as DECIMAL(38,0) (DuckDB would otherwise write them as DOUBLE).
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.db import AnalyticsDB, bind
from analytics.sqlfiles import load_sql

FORMATS = ("csv", "parquet")
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


class ExportError(ValueError):
    """Raised for an unknown table or format."""


def _check_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use csv or parquet")
    return fmt


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _write(rel: duckdb.DuckDBPyRelation, path: Path, fmt: str) -> Path:
    if fmt == "parquet":
        exprs = [f"CAST({_quote(c)} AS DECIMAL(38,0)) AS {_quote(c)}" if str(t) in ("HUGEINT", "UHUGEINT") else _quote(c)
                 for c, t in zip(rel.columns, rel.types)]
        rel.project(", ".join(exprs)).write_parquet(str(path), compression="zstd")
    else:
        rel.write_csv(str(path), header=True)
    return path


def _to_bytes(write: Any, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="puhui-export-") as d:
        p = Path(d) / f"export.{fmt}"
        write(p)
        return p.read_bytes()


def export_table(db: AnalyticsDB, table: str, path: str | Path | None, fmt: str = "csv") -> Path | bytes:
    """Write a whole table to `path` (returns the path), or return the file's bytes if path is None."""
    fmt = _check_format(fmt)
    if table not in db.table_names():
        raise ExportError(f"no table {table!r}; tables: {', '.join(db.table_names())}")
    rel = db.cursor().sql(f"SELECT * FROM {_quote(table)}")  # a name from the catalog, quoted
    if path is None:
        return _to_bytes(lambda p: _write(rel, p, fmt), fmt)
    return _write(rel, Path(path), fmt)


def export_query(db: AnalyticsDB, name: str, path: str | Path | None, fmt: str = "csv", /, **params: Any) -> Path | bytes:
    """Write the result of a named query (analytics/sql/<name>.sql) with bound parameters."""
    fmt = _check_format(fmt)
    sql = load_sql(name)
    rel = db.cursor().sql(sql, params=bind(sql, params) or None)
    if path is None:
        return _to_bytes(lambda p: _write(rel, p, fmt), fmt)
    return _write(rel, Path(path), fmt)


def export_frame(data: pa.Table | pd.DataFrame, path: str | Path | None, fmt: str = "csv") -> Path | bytes:
    """Write a result already in memory (a console result, a metric DataFrame)."""
    fmt = _check_format(fmt)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.register("export_data", data)
        rel = con.sql("SELECT * FROM export_data")
        if path is None:
            return _to_bytes(lambda p: _write(rel, p, fmt), fmt)
        return _write(rel, Path(path), fmt)
    finally:
        con.close()
