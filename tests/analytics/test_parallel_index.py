"""Indexing with decoding worker processes, in a thread from columns, and from DecodedBlocks (the reference
path of any ChainClient) gives identical tables."""
from __future__ import annotations

import pytest

from analytics.db import AnalyticsDB
from analytics.indexer import Indexer
from tests.analytics.test_indexer import dump


class BlocksOnly:
    """A client seen only through the ChainClient protocol: no speed paths, decoded blocks only."""

    def __init__(self, inner):  # type: ignore[no-untyped-def]
        self.inner = inner

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


@pytest.mark.parametrize("fixture", ["lending", "community"])
def test_workers_thread_and_reference_paths_give_identical_tables(fixture, request, tmp_path):
    chain, db = request.getfixturevalue(fixture)  # indexed in a thread, from columns (the default for small chains)
    expected = dump(db)
    with AnalyticsDB(tmp_path / "workers.duckdb") as par, AnalyticsDB(tmp_path / "reference.duckdb") as ref:
        ix = Indexer(chain.client, par, workers=2, parallel_min_blocks=0, first_range_blocks=3, batch_rows=300)
        rep = ix.run()
        assert rep.last_block == chain.client.head() and ix.timings["fetch"] > 0
        Indexer(BlocksOnly(chain.client), ref, batch_rows=300).run()
        assert dump(par) == expected
        assert dump(ref) == expected


def test_a_worker_error_reaches_the_caller_and_keeps_whole_batches(lending, tmp_path, monkeypatch):
    """A failing worker (here: a data directory that is not there) raises in run(); nothing half-written."""
    chain, _ = lending
    with AnalyticsDB(tmp_path / "x.duckdb") as db:
        ix = Indexer(chain.client, db, workers=1, parallel_min_blocks=0)
        monkeypatch.setattr(type(chain.client), "reader_spec", lambda self: ("embedded", str(tmp_path / "missing"), ()))
        with pytest.raises(Exception):
            ix.run()
        assert db.last_block() == -1 and db.sql("SELECT count(*) FROM events").fetchone() == (0,)


def test_integer_columns_keep_exact_values():
    import pyarrow as pa

    from analytics.batch import value_array

    assert value_array([1, None, -5]).type == pa.int64()
    assert value_array([2**63, 0]).to_pylist() == [2**63, 0] and value_array([2**63]).type == pa.uint64()
    assert value_array([2**64, None, -1]).to_pylist() == ["18446744073709551616", None, "-1"]  # JSON number text
    assert value_array([True, 1]).to_pylist() == ["true", "1"]  # mixed types: JSON per value
