"""The analytics database: one DuckDB file a chain, one writer, readers through cursors.

DuckDB allows one process to hold a database file for writing; inside that process any number of
connections (cursors) may read. So the app owns one `AnalyticsDB`; the indexer writes through
`transaction()` (serialized by a lock), pages read through `cursor()` (one per thread) or `query()`.

The database is derived data: everything in it can be rebuilt from the chain. When the schema version
changes, the tables are dropped and the next indexer run rebuilds them from block 0.
"""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.sqlfiles import load_sql, names

# Bump when a table's columns change (or a derived table is added): the database is then rebuilt.
SCHEMA_VERSION = 4


def table_of(schema_name: str) -> str:
    """`schema/04_transfers` -> `transfers` (the file stem after its order prefix)."""
    stem = schema_name.rsplit("/", 1)[-1]
    return stem.split("_", 1)[1] if stem[:2].isdigit() else stem


TABLES: tuple[str, ...] = tuple(table_of(n) for n in names("schema"))


def block_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables with a block_number column (what a rollback to an earlier block deletes from)."""
    rows = con.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'block_number' "
                       "AND table_schema = 'main' ORDER BY table_name").fetchall()
    return [r[0] for r in rows]


class AnalyticsDB:
    """A DuckDB database of indexed blocks. Thread-safe: writes serialize, reads use their own cursor."""

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False, threads: int | None = None,
                 memory_limit: str | None = None):
        self.path = str(path)
        self.read_only = read_only
        # Row order in a table means nothing here (every query orders what it shows), and not keeping it makes
        # bulk appends about a fifth faster.
        config: dict[str, Any] = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                  "preserve_insertion_order": False}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(self.path, read_only=read_only, config=config)
        self.write_lock = threading.RLock()
        self._local = threading.local()
        if not read_only:
            self.ensure_schema()

    # -- schema -------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create missing tables; drop and recreate them all if the schema version changed."""
        with self.write_lock:
            version = self._schema_version()
            if version is not None and version != SCHEMA_VERSION:
                for t in TABLES:
                    self.con.execute(f'DROP TABLE IF EXISTS "{t}"')  # names come from our own schema files
            for name in names("schema"):
                self.con.execute(load_sql(name))
        from analytics.reference import load_references  # late: reference imports this module

        load_references(self)

    def _schema_version(self) -> int | None:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'index_state'").fetchone()
        if not exists or not exists[0]:
            return None
        row = self.con.execute("SELECT schema_version FROM index_state WHERE id = 1").fetchone()
        return None if row is None else int(row[0])

    # -- connections ---------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's reading connection (created on first use). A result left half-read by an earlier
        call (fetchone) is dropped first: DuckDB refuses relations and registrations while one is pending."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self.con.cursor()
            self._local.cursor = cur
        else:
            cur.abort()
        return cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one writer: BEGIN .. COMMIT on a dedicated connection, ROLLBACK on any error."""
        if self.read_only:
            raise PermissionError(f"{self.path} is open read-only")
        with self.write_lock:
            con = getattr(self, "_writer", None)
            if con is None:
                con = self._writer = self.con.cursor()
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- named SQL ------------------------------------------------------------------------------------
    def run(self, name: str, params: Mapping[str, Any] | None = None,
            con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
        """Execute the SQL file `name` with bound parameters (only those the statement uses)."""
        c = con or self.cursor()
        for sql in statements(name):
            c.execute(sql, bind(sql, params))
        return c

    def query(self, name: str, /, **params: Any) -> pd.DataFrame:
        """A named query's result as a DataFrame (HUGEINT amounts arrive as float64: chart edge only)."""
        return self.run(name, params).df()

    def query_arrow(self, name: str, /, **params: Any) -> pa.Table:
        """A named query's result as Arrow (HUGEINT amounts exact as decimal128)."""
        return self.run(name, params).to_arrow_table()

    def query_rows(self, name: str, /, **params: Any) -> list[tuple]:
        """A named query's rows as Python values (amounts exact ints)."""
        return self.run(name, params).fetchall()

    def sql(self, text: str, params: Mapping[str, Any] | list | None = None) -> duckdb.DuckDBPyConnection:
        """Internal fixed SQL (tests, small lookups); user SQL goes through analytics.console."""
        return self.cursor().execute(text, params or [])

    # -- state ------------------------------------------------------------------------------------------
    def index_state(self) -> dict[str, Any] | None:
        cur = self.cursor().execute("SELECT * FROM index_state WHERE id = 1")
        rows = cur.fetchall()  # all: a half-read result keeps a read transaction open, and DuckDB checkpoints
        if not rows:           # the WAL into the file only at a commit when no other transaction is open
            return None
        return dict(zip([d[0] for d in cur.description], rows[0]))

    def last_block(self) -> int:
        st = self.index_state()
        return -1 if st is None else int(st["last_block"])

    def table_names(self) -> list[str]:
        rows = self.cursor().execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name").fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        for c in (getattr(self, "_writer", None),):
            if c is not None:
                c.close()
        self.con.close()

    def __enter__(self) -> "AnalyticsDB":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@lru_cache(maxsize=None)
def statements(name: str) -> tuple[str, ...]:
    """The statements of one SQL file (a file may hold a few, e.g. DELETE then INSERT)."""
    return tuple(st.query for st in duckdb.extract_statements(load_sql(name)))


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class MissingParameter(KeyError):
    """Raised when a named query needs a parameter the caller did not give."""

    def __str__(self) -> str:
        return f"the query needs parameter(s) {', '.join(self.args[0])}"


def bind(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Only the named parameters the statement mentions ($name), so one dict can serve many files."""
    wanted = set(_PARAM.findall(sql))
    given = dict(params or {})
    missing = sorted(wanted - set(given))
    if missing:
        raise MissingParameter(missing)
    return {k: given[k] for k in wanted}


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: Any) -> Iterator[None]:
    """Register Arrow tables / DataFrames under names for the statements run inside the block."""
    con.abort()  # drop any half-read result: DuckDB refuses to register while one is pending
    for name, t in tables.items():
        con.register(name, t)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)
