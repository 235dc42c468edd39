"""The index writer's process: index.sqlite batches written off the node's process.

Indexing a batch is SQLite B-tree work plus Python glue (sorting rows, binding them). In a thread of
the node's process that glue competes for the GIL, and `executemany` releases and retakes the GIL for
every row it steps, which makes a CPU-bound block builder wait on each switch (the "convoy effect"):
a year-long scenario ran some 40% slower with its index written in-process. So one helper process per
node process (started on first use, `spawn`ed: nothing of the parent's threads or connections is
inherited) writes the batches; the store's indexer thread only hands it a block range and waits,
which releases the GIL.

`index_batch` reads the blocks back from chain.sqlite (committed before they are handed over;
checksums verified) and writes one index transaction: the extrinsic index, the state history, the
materialized state and the progress marker. It opens its own connections each call, so a deleted and
rebuilt index.sqlite is never written through a stale handle. Errors come back as text: the store
reports them like any indexing failure (`StoreError: ... indexing stopped: ...`).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sqlite3
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from chain.errors import ChainError
from chain.hashing import blake2_256
from chain.store_files import sqlite_uri, transaction
from chain.store_format import BLOCK_COLS, decode_row

UPSERT_STATE = "INSERT INTO state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None


def _new_executor() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent)


def _exit_with_parent() -> None:
    """(in the helper, at start) Exit as soon as the node's process is gone, even if it was killed
    (SIGKILL runs no cleanup): a leftover helper would hold the node's stdout and stderr open. An
    index transaction cut short this way is rolled back by SQLite."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def submit(index_path: str, chain_path: str, first: int, head: int, max_rows: int) -> "Future[tuple]":
    """Index blocks first.. (up to `head`, at most `max_rows` rows unless one block holds more) in the
    helper process; the future's result is ("ok", last, last_hash) or ("error", message)."""
    global _executor
    with _lock:
        if _executor is None:
            _executor = _new_executor()
        try:
            return _executor.submit(index_batch, index_path, chain_path, first, head, max_rows)
        except (BrokenProcessPool, RuntimeError):  # the helper died (killed): start a new one
            _executor = _new_executor()
            return _executor.submit(index_batch, index_path, chain_path, first, head, max_rows)


def run(index_path: str, chain_path: str, first: int, head: int, max_rows: int) -> tuple[int, bytes]:
    """`submit` and wait; a helper that died midway (its transaction rolled back) is replaced and the
    batch retried once. Raises RuntimeError with the helper's message on failure."""
    for attempt in range(2):
        try:
            result: tuple[Any, ...] = submit(index_path, chain_path, first, head, max_rows).result()
        except BrokenProcessPool:
            if attempt:
                raise RuntimeError("the index writer process died twice") from None
            continue
        if result[0] == "ok":
            return result[1], result[2]
        raise RuntimeError(result[1])
    raise AssertionError("unreachable")


def index_batch(index_path: str, chain_path: str, first: int, head: int, max_rows: int) -> tuple[Any, ...]:
    """(in the helper process) Index a batch of blocks in one transaction; see the module doc."""
    try:
        ix = sqlite3.connect(sqlite_uri(Path(index_path), "rw"), uri=True, isolation_level=None, timeout=30.0)
    except sqlite3.Error as e:
        return ("error", f"open {index_path}: {e}")
    try:
        ix.execute("PRAGMA synchronous=NORMAL")  # derived data: rebuilt from the blocks if lost
        ix.execute("PRAGMA cache_size=-65536")
        ix.execute("ATTACH DATABASE ? AS ch", (sqlite_uri(Path(chain_path), "rw"),))
        last, last_hash = write_batch(ix, first, head, max_rows)
        ix.execute("PRAGMA ch.wal_checkpoint(PASSIVE)")  # keeps the appender free of checkpoints
        return ("ok", last, last_hash)
    except ChainError as e:  # a corrupt block met on the way: its own message names it
        return ("error", str(e))
    except Exception as e:  # noqa: BLE001  (reported by the store as an indexing failure)
        return ("error", f"indexing blocks from #{first}: {type(e).__name__}: {e}")
    finally:
        ix.close()


def write_batch(ix: sqlite3.Connection, first: int, head: int, max_rows: int) -> tuple[int, bytes]:
    """Read blocks first..head from `ch.blocks` until `max_rows` rows (at least one block) and write
    them to the index tables in one transaction; returns (last block indexed, its hash)."""
    todo = []
    rows = 0
    for n in range(first, head + 1):
        row = ix.execute(f"SELECT {BLOCK_COLS} FROM ch.blocks WHERE number=?", (n,)).fetchone()
        b = decode_row(row, n)
        size = len(b.extrinsics) + len(b.state_changes)
        if todo and rows + size > max_rows:
            break
        todo.append(b)
        rows += size
    xts = sorted((blake2_256(x), b.number, i) for b in todo for i, x in enumerate(b.extrinsics))
    hist = sorted((k, b.number, v) for b in todo for k, v in b.state_changes.items())
    latest = {k: v for k, _, v in hist}  # sorted by (key, number): the last write wins
    last = todo[-1]
    with transaction(ix):
        ix.executemany("INSERT INTO xt_index(hash, number, idx) VALUES(?,?,?)", xts)
        ix.executemany("INSERT INTO history(key, number, value) VALUES(?,?,?)", hist)
        ix.executemany(UPSERT_STATE, ((k, v) for k, v in latest.items() if v is not None))
        ix.executemany("DELETE FROM state WHERE key=?", ((k,) for k, v in latest.items() if v is None))
        ix.execute("UPDATE progress SET number=?, hash=?", (last.number, last.block_hash))
    return last.number, last.block_hash
