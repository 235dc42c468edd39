"""The index writer's process: index.sqlite batches written off the node's process.

Indexing a batch is SQLite B-tree work plus Python glue (sorting rows, binding them). In a thread of
the node's process that glue competes for the GIL, and `executemany` releases and retakes the GIL for
every row it steps, which makes a CPU-bound block builder wait on each switch (the "convoy effect"):
a year-long scenario ran some 40% slower with its index written in-process. So one helper process per
node process (started on first use: a fresh interpreter, inheriting none of the parent's threads or
connections) writes the batches; the store's indexer thread only hands it a block range and waits,
which releases the GIL.

The index file is written with synchronous=OFF: its commits never wait for the disk, so they do not
queue up in front of the appender's fsync of chain.sqlite (with NORMAL, a year-long scenario's appends
spent 60 s waiting on fsyncs behind index writeback; the helper's disk writes fell from 5.0 to 1.8 GB).
A killed process loses nothing that way; an OS crash or power loss can damage index.sqlite, and the
store then says to delete it: everything in it is rebuilt from the blocks. chain.sqlite (the `ch`
schema, checkpointed here) keeps its own synchronous=FULL.

`index_batch` reads the blocks back from chain.sqlite (committed before they are handed over;
checksums verified) and writes one index transaction: the extrinsic index, the state history, the
materialized state and the progress marker. It keeps its connection between batches, and opens it
again when the index or chain file is no longer the one it was opened on (`_connection`), so a deleted
and rebuilt index.sqlite is never written through a stale handle. Errors come back as text: the store
reports them like any indexing failure (`StoreError: ... indexing stopped: ...`).
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from chain.crypto import SPAWN_LOCK, background_worker_init
from chain.errors import ChainError
from chain.hashing import blake2_256
from chain.store_files import sqlite_uri, transaction
from chain.store_format import BLOCK_COLS, decode_row

UPSERT_STATE = "INSERT INTO state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"
_FRAME = struct.Struct("<I")
# The index is derived data that may lag (backpressure bounds it), while the signature checks and the
# bulk signing are on the block builder's critical path: the helper gets what they leave idle. A year of
# the large scenario (it uses some 85 s of CPU): 171.0 s with it at their priority (nice 5), 162.3 s at 19,
# one run each of the same code.
INDEX_NICE = 19


class _Helper:
    """The helper process and its pipes: requests and replies are length-prefixed pickles. A plain
    subprocess (`python -m chain.store_index_worker`), not multiprocessing: nothing of the caller's
    main module is re-imported, and the helper exits when its stdin closes, i.e. when the node's process
    is gone, even killed."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
        with SPAWN_LOCK:  # no worker pool forks while this Popen is between its fork and exec
            self.proc = subprocess.Popen([sys.executable, "-m", "chain.store_index_worker"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env)

    def call(self, request: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """Send a request and wait for its reply (releasing the GIL); None if the helper died."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            _send(self.proc.stdin, request)
            return _receive(self.proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            return None


def _send(out: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_FRAME.pack(len(data)) + data)
    out.flush()


def _receive(inp: IO[bytes]) -> Any:
    head = inp.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    data = inp.read(_FRAME.unpack(head)[0])
    return pickle.loads(data)


_lock = threading.Lock()
_helper: _Helper | None = None


def run(index_path: str, chain_path: str, first: int, head: int, max_rows: int) -> tuple[int, bytes]:
    """Index blocks first.. (up to `head`, at most `max_rows` rows unless one block holds more) in the
    helper process and return (last block indexed, its hash). If the index's progress marker is not at
    first - 1 (the helper of a killed process finished a batch meanwhile: it exits only between
    batches), nothing is written and the marker's block comes back instead, with an empty hash. A helper that died midway (its
    transaction rolled back) is replaced and the batch retried once. RuntimeError with the helper's
    message on failure."""
    global _helper
    with _lock:  # one batch at a time, whichever store of this process asks
        for _ in range(2):
            if _helper is None or _helper.proc.poll() is not None:
                _helper = _Helper()
            result = _helper.call((index_path, chain_path, first, head, max_rows))
            if result is None:
                _helper = None
                continue
            if result[0] == "ok":
                return result[1], result[2]
            if result[0] == "moved":
                return result[1], b""
            raise RuntimeError(result[1])
        raise RuntimeError("the index writer process died twice")


def release(index_path: str, chain_path: str) -> None:
    """The store is closing: the helper (if running) closes its connection to these files, so the last
    connection to each closes in the store itself (which checkpoints and removes the WAL files)."""
    with _lock:
        if _helper is not None and _helper.proc.poll() is None:
            _helper.call(("close", index_path, chain_path))


def main() -> None:
    """(the helper) Serve requests from stdin until it closes: index a batch, or close a store's files."""
    background_worker_init(INDEX_NICE)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            request = _receive(inp)
        except EOFError:
            return
        if request[0] == "close":
            _forget(request[1], request[2])
            _send(out, ("ok",))
        else:
            _send(out, index_batch(*request))


_open: dict[tuple[str, str], tuple[sqlite3.Connection, tuple[int, ...]]] = {}  # (index, chain) -> connection, files' ids
_OPEN_MAX = 4


def _files_id(index_path: str, chain_path: str) -> tuple[int, ...]:
    a, b = os.stat(index_path), os.stat(chain_path)
    return a.st_dev, a.st_ino, b.st_dev, b.st_ino


def _connection(index_path: str, chain_path: str) -> sqlite3.Connection:
    """(in the helper) The connection for this index and chain, kept between batches: its page cache stays
    warm, and closing the last connection to a WAL database checkpoints it, which with a connection a
    batch wrote every page twice (a year-long scenario's index wrote 2.6 GB per 60 days instead of 0.2).
    It is opened again when either file is no longer the one it was opened on (an index deleted and
    rebuilt), so a stale handle never writes to a deleted file."""
    key = (index_path, chain_path)
    ident = _files_id(index_path, chain_path)
    held = _open.get(key)
    if held is not None:
        if held[1] == ident:
            return held[0]
        del _open[key]
        held[0].close()
    while len(_open) >= _OPEN_MAX:  # another store's, least recently opened
        _open.pop(next(iter(_open)))[0].close()
    ix = sqlite3.connect(sqlite_uri(Path(index_path), "rw"), uri=True, isolation_level=None, timeout=30.0)
    try:
        ix.execute("PRAGMA main.synchronous=OFF")  # derived data (see the module doc)
        ix.execute("PRAGMA cache_size=-65536")
        ix.execute("ATTACH DATABASE ? AS ch", (sqlite_uri(Path(chain_path), "rw"),))
    except BaseException:
        ix.close()
        raise
    _open[key] = (ix, ident)
    return ix


def _forget(index_path: str, chain_path: str) -> None:
    held = _open.pop((index_path, chain_path), None)
    if held is not None:
        held[0].close()


def index_batch(index_path: str, chain_path: str, first: int, head: int, max_rows: int) -> tuple[Any, ...]:
    """(in the helper process) Index a batch of blocks in one transaction; see the module doc."""
    try:
        ix = _connection(index_path, chain_path)
    except (sqlite3.Error, OSError) as e:
        return ("error", f"open {index_path}: {e}")
    try:
        last, last_hash = write_batch(ix, first, head, max_rows)
        ix.execute("PRAGMA ch.wal_checkpoint(PASSIVE)")  # keeps the appender free of checkpoints
        return ("ok", last, last_hash)
    except IndexMoved as e:
        return ("moved", e.at)
    except ChainError as e:  # a corrupt block met on the way: its own message names it
        _forget(index_path, chain_path)
        return ("error", str(e))
    except Exception as e:  # noqa: BLE001  (reported by the store as an indexing failure)
        _forget(index_path, chain_path)
        return ("error", f"indexing blocks from #{first}: {type(e).__name__}: {e}")


class IndexMoved(Exception):
    """The index's progress marker is not where this batch starts: another writer indexed meanwhile."""

    def __init__(self, at: int):
        super().__init__(f"the index is at #{at}")
        self.at = at


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
    with transaction(ix, "BEGIN IMMEDIATE"):
        at = ix.execute("SELECT number FROM progress").fetchone()[0]
        if at != first - 1:  # another writer got there first (the helper of a process being killed)
            raise IndexMoved(at)
        ix.executemany("INSERT INTO xt_index(hash, number, idx) VALUES(?,?,?)", xts)
        ix.executemany("INSERT INTO history(key, number, value) VALUES(?,?,?)", hist)
        ix.executemany(UPSERT_STATE, ((k, v) for k, v in latest.items() if v is not None))
        ix.executemany("DELETE FROM state WHERE key=?", ((k,) for k, v in latest.items() if v is None))
        ix.execute("UPDATE progress SET number=?, hash=?", (last.number, last.block_hash))
    return last.number, last.block_hash


if __name__ == "__main__":
    main()
