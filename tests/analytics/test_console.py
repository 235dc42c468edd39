"""The read-only SQL console: only SELECT, no files or extensions, a time limit, a row limit, clear errors."""
from __future__ import annotations

import time

import pytest

from analytics.console import ConsoleError, SqlConsole, check_statement
from analytics.db import AnalyticsDB
from analytics.indexer import index


@pytest.fixture()
def console(transfer_chain, tmp_path):
    db = AnalyticsDB(tmp_path / "a.duckdb")
    index(transfer_chain.client, db)
    c = SqlConsole(db, timeout_s=0.5, max_rows=3)
    yield c
    c.close()
    db.close()


def test_select_runs_on_a_snapshot(console):
    r = console.execute("SELECT kind, count(*) AS n FROM transfers GROUP BY kind ORDER BY kind")
    assert r.table.to_pylist() == [{"kind": "cash_in", "n": 1}, {"kind": "cash_out", "n": 1}, {"kind": "transfer", "n": 3}]
    assert r.as_of_block == 6 and not r.truncated


def test_rows_are_limited(console):
    r = console.execute("SELECT * FROM range(10)")
    assert r.table.num_rows == 3 and r.truncated


@pytest.mark.parametrize("sql", [
    "INSERT INTO blocks SELECT * FROM blocks",
    "DELETE FROM transfers",
    "UPDATE accounts SET free = 0",
    "DROP TABLE events",
    "CREATE TABLE x AS SELECT 1",
    "COPY transfers TO '/tmp/puhui-leak.csv'",
    "ATTACH '/tmp/other.duckdb'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "PRAGMA database_size",
    "EXPORT DATABASE '/tmp/x'",
])
def test_non_select_statements_are_refused(console, sql):
    with pytest.raises(ConsoleError, match="only SELECT"):
        console.execute(sql)


def test_one_statement_at_a_time(console):
    with pytest.raises(ConsoleError, match="one statement"):
        console.execute("SELECT 1; DELETE FROM transfers")


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
])
def test_files_and_network_are_refused(console, sql):
    with pytest.raises(ConsoleError, match="cannot be used from the console"):
        console.execute(sql)


def test_a_path_is_not_a_table(console):
    with pytest.raises(ConsoleError, match="tables: .*transfers"):
        console.execute("SELECT * FROM '/etc/passwd'")


def test_long_statements_are_stopped(console):
    t = time.perf_counter()
    with pytest.raises(ConsoleError, match="took too long"):
        console.execute("SELECT count(*) FROM range(1000000) a, range(1000000) b")
    assert time.perf_counter() - t < 5


def test_syntax_errors_are_readable():
    with pytest.raises(ConsoleError, match="syntax error"):
        check_statement("SELEC * FROM blocks")
    with pytest.raises(ConsoleError, match="nothing to run"):
        check_statement("   ")


def test_snapshot_follows_the_index(transfer_chain, tmp_path):
    with AnalyticsDB(tmp_path / "b.duckdb") as db:
        index(transfer_chain.client, db, until=2)
        c = SqlConsole(db, refresh_every_s=0)
        try:
            assert c.execute("SELECT max(block_number) AS m FROM blocks").table.to_pylist() == [{"m": 2}]
            index(transfer_chain.client, db)
            assert c.execute("SELECT max(block_number) AS m FROM blocks").table.to_pylist() == [{"m": 6}]
            # the live database was never writable through the console
            assert db.sql("SELECT count(*) FROM blocks").fetchone() == (7,)
        finally:
            c.close()


def test_in_memory_database_can_be_queried(transfer_chain):
    with AnalyticsDB() as db:
        index(transfer_chain.client, db)
        c = SqlConsole(db)
        try:
            assert c.execute("SELECT count(*) AS n FROM transfers").table.to_pylist() == [{"n": 5}]
        finally:
            c.close()
