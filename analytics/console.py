"""The dashboard's SQL console: user-written SQL, read-only, sandboxed, time-limited.

User SQL never runs on the indexer's database. It runs on a snapshot copy opened by a separate DuckDB
instance that is read-only, has file/network/extension access disabled and its configuration locked,
one thread and a memory cap. On top of that each statement is parsed first (DuckDB's own parser) and
only a single SELECT (or EXPLAIN of one) is accepted; a watchdog interrupts it after `timeout_s`;
at most `max_rows` rows come back. Errors come back as `ConsoleError` with a message for people.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from analytics.db import AnalyticsDB

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class ConsoleError(Exception):
    """A user's statement was refused or failed; the message says why in plain words."""


@dataclass(frozen=True)
class ConsoleResult:
    table: pa.Table
    truncated: bool  # more rows existed than max_rows
    seconds: float
    as_of_block: int  # the snapshot the statement ran on

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    def df(self):  # type: ignore[no-untyped-def]
        return self.table.to_pandas()


def check_statement(sql: str) -> str:
    """The one SELECT in `sql`, or ConsoleError saying why it is refused."""
    try:
        stmts = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ConsoleError(f"SQL syntax error: {_first_line(exc)}") from None
    if not stmts:
        raise ConsoleError("nothing to run: write a SELECT statement")
    if len(stmts) > 1:
        raise ConsoleError(f"one statement at a time please ({len(stmts)} found)")
    st = stmts[0]
    if st.type not in ALLOWED:
        kind = st.type.name.replace("_", " ")
        raise ConsoleError(f"only SELECT queries are allowed here; {kind} statements are refused (the console is read-only)")
    return st.query


class SqlConsole:
    """Read-only SQL over a snapshot of `db`. Thread-safe; the snapshot refreshes when the index moved."""

    def __init__(self, db: AnalyticsDB, *, timeout_s: float = 5.0, max_rows: int = 10_000,
                 memory_limit: str = "512MB", refresh_every_s: float = 30.0, workdir: str | Path | None = None):
        self.db = db
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.memory_limit = memory_limit
        self.refresh_every_s = refresh_every_s
        self._tmp = tempfile.TemporaryDirectory(prefix="puhui-console-", dir=workdir)
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._path: Path | None = None
        self._as_of = -2
        self._refreshed_at = 0.0
        self._serial = 0

    # -- snapshot -------------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> int:
        """Re-snapshot if the index moved (at most every refresh_every_s unless forced); returns its block."""
        with self._lock:
            now = time.monotonic()
            if self._con is not None and not force and now - self._refreshed_at < self.refresh_every_s:
                return self._as_of
            last = self.db.last_block()
            if self._con is not None and last == self._as_of:
                self._refreshed_at = now
                return self._as_of
            self._serial += 1
            path = Path(self._tmp.name) / f"snapshot-{self._serial}.duckdb"
            last = self._copy_to(path)
            con = duckdb.connect(str(path), read_only=True, config={
                "enable_external_access": False, "autoinstall_known_extensions": False,
                "autoload_known_extensions": False, "threads": 1, "memory_limit": self.memory_limit,
                "lock_configuration": True})
            old, old_path = self._con, self._path
            self._con, self._path, self._as_of, self._refreshed_at = con, path, last, now
            if old is not None:
                old.close()
            if old_path is not None:
                _remove(old_path)
            return last

    def _copy_to(self, path: Path) -> int:
        """A consistent copy of the database at `path`; returns its last indexed block."""
        db = self.db
        with db.write_lock:  # no batch is written while we copy
            last = db.last_block()
            if db.path == ":memory:" or db.read_only:
                db.con.execute("ATTACH ? AS console_snapshot", [str(path)])
                try:
                    db.con.execute(f"COPY FROM DATABASE {_current_db(db)} TO console_snapshot")
                finally:
                    db.con.execute("DETACH console_snapshot")
            else:
                db.con.execute("CHECKPOINT")
                shutil.copyfile(db.path, path)
                wal = Path(db.path + ".wal")
                if wal.exists() and wal.stat().st_size:
                    shutil.copyfile(wal, str(path) + ".wal")
        return last

    # -- running --------------------------------------------------------------------------------------
    def execute(self, sql: str) -> ConsoleResult:
        query = check_statement(sql)
        with self._lock:
            self.refresh()
            assert self._con is not None
            cur = self._con.cursor()
            as_of = self._as_of
        timer = threading.Timer(self.timeout_s, cur.interrupt)
        t0 = time.perf_counter()
        timer.start()
        try:
            rel = cur.sql(query)
            if rel is None:
                raise ConsoleError("the statement returned no result")
            reader = rel.to_arrow_reader(min(self.max_rows + 1, 100_000))
            batches, rows = [], 0
            for b in reader:
                batches.append(b)
                rows += b.num_rows
                if rows > self.max_rows:
                    break
            table = pa.Table.from_batches(batches, schema=reader.schema) if batches else reader.schema.empty_table()
        except duckdb.InterruptException:
            raise ConsoleError(f"stopped after {self.timeout_s:g} s: the query took too long; "
                               "filter (WHERE), aggregate (GROUP BY) or LIMIT it") from None
        except duckdb.OutOfMemoryException:
            raise ConsoleError(f"the query needed more than {self.memory_limit} of memory; aggregate or LIMIT it") from None
        except duckdb.PermissionException:
            raise ConsoleError("files, network and extensions cannot be used from the console; query the tables") from None
        except duckdb.CatalogException as exc:
            raise ConsoleError(f"{_first_line(exc)} (tables: {', '.join(self.tables())})") from None
        except duckdb.Error as exc:
            raise ConsoleError(_first_line(exc)) from None
        finally:
            timer.cancel()
            cur.close()
        truncated = table.num_rows > self.max_rows
        if truncated:
            table = table.slice(0, self.max_rows)
        return ConsoleResult(table, truncated, time.perf_counter() - t0, as_of)

    def tables(self) -> list[str]:
        with self._lock:
            self.refresh()
            assert self._con is not None
            rows = self._con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            self._tmp.cleanup()


def _current_db(db: AnalyticsDB) -> str:
    name = db.con.execute("SELECT current_database()").fetchall()[0][0]
    return '"' + name.replace('"', '""') + '"'


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _remove(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        try:
            os.remove(p)
        except FileNotFoundError:
            pass
