"""The background indexer of `index.sqlite`: the data derived from the blocks, kept by the writer.

Tables (all rebuilt from the blocks if lost):
  state(key, value)                  the state at the indexed head (materialized)
  history(key, number, value|NULL)   the value a key got in block `number` (NULL = deleted)
  xt_index(hash, number, idx)        blake2_256(extrinsic) -> where it is (every occurrence)
  progress(number, hash)             the last indexed block, updated in the same transaction

A separate file has its own write lock, so indexing (~5x the cost of appending a big block: tens of
thousands of random-key B-tree inserts) never delays an append. A thread hands the appended blocks in
batches to the index writer process (chain/store_index_worker.py: off the GIL), which reads them back
from their blobs, as it does for blocks appended before a restart (catch-up). A batch takes every block waiting, up to `INDEX_BATCH_ROWS`
rows (extrinsics + state changes): one block at a time when blocks come slowly, big batches when the
chain runs ahead in bulk. (Waiting to gather bigger batches was tried: a third less index CPU for a
scenario year, but its larger commits held up the appender's fsyncs by more than that saved.) Big batches are what make bulk indexing cheap: random-key inserts into a large
B-tree dirty about one page per row, and a commit writes every dirty page, so rows that share pages
in one transaction cost far less (the large scenario chain re-indexed in 157 s with 8 blocks a batch,
43 s with 200,000 rows, 37 s with 600,000 rows, writing 11.5 then 5.0 GB). Backpressure: appends wait while the index would lag more than
`max_index_lag` blocks or `max_index_rows` rows. Readers wait (`wait_indexed`) until the index covers the
block they ask about. A progress marker that disagrees with the blocks makes the writer rebuild the
index at open; truncation rolls the index back first (`_unindex_after`), so it is behind, never ahead.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from chain.errors import CorruptStore, StoreError
from chain.hashing import blake2_256
from chain.store_files import (
    INDEX_APPLICATION_ID, INDEX_SCHEMA, INDEX_TABLES, StoreFiles, check_db, init_db, sqlite_uri, transaction,
)
from chain import store_index_worker
from chain.store_format import BLOCK_COLS, StoredBlock, decode_row
from chain.store_index_worker import UPSERT_STATE

INDEX_BATCH_ROWS = 600_000  # at most this many rows (extrinsics + state changes) in one index transaction,
# unless a single block holds more


def _stored_block(ix: sqlite3.Connection, n: int) -> StoredBlock:
    """Block `n` read back from its blob through the indexer's connection (chain attached as `ch`)."""
    return decode_row(ix.execute(f"SELECT {BLOCK_COLS} FROM ch.blocks WHERE number=?", (n,)).fetchone(), n)


class StoreIndexer(StoreFiles):
    """The files of a data directory plus the thread that keeps its index up to date with the blocks."""

    def __init__(self, base_path: str | Path, read_only: bool, max_index_lag: int, index_wait: float,
                 max_index_rows: int = 2 * INDEX_BATCH_ROWS):
        super().__init__(base_path, read_only)
        self.max_index_lag, self.index_wait = max(1, max_index_lag), index_wait
        self.max_index_rows = max(1, max_index_rows)
        self._pending_rows = 0  # rows held in `_pending`
        self._index_lock = threading.Lock()  # one index transaction at a time
        self._cond = threading.Condition()  # indexer progress and work
        self._head: tuple[int, bytes] | None = None  # the appended head (writer side)
        self._indexed = -1
        self._pending: dict[int, int] = {}  # appended, not yet indexed: block number -> its rows
        self._index_error: BaseException | None = None
        self._stop = False
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ opening and closing
    def _open_index(self) -> None:
        """Open index.sqlite (create it if missing); rebuild it if it disagrees with the blocks."""
        for attempt in range(2):
            new = not self.index_path.exists() or self.index_path.stat().st_size == 0
            self._ix = ix = self._connect(self.index_path, "rwc")
            with self._index_hint(), self._sql("open index"):
                ix.execute("PRAGMA synchronous=NORMAL")  # derived data: rebuilt from the blocks if lost
                ix.execute("PRAGMA journal_size_limit=67108864")
                if new:
                    init_db(ix, INDEX_APPLICATION_ID, INDEX_SCHEMA)
                check_db(ix, "main", INDEX_APPLICATION_ID, INDEX_TABLES, self.index_path)
                ix.execute("ATTACH DATABASE ? AS ch", (sqlite_uri(self.path, "rw"),))
                number, ihash = ix.execute("SELECT number, hash FROM progress").fetchone()
                row = ix.execute("SELECT hash FROM ch.blocks WHERE number=?", (number,)).fetchone()
            if number == -1 or (row is not None and row[0] == ihash):
                self._indexed = number
                return
            if attempt:
                raise StoreError(f"{self.index_path}: could not rebuild the block index")
            self._close_con(ix)  # the index is ahead of or disagrees with the blocks: rebuild it
            self._ix = None
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.index_path) + suffix).unlink(missing_ok=True)

    @contextmanager
    def _index_hint(self) -> Iterator[None]:
        try:
            yield
        except StoreError as e:
            raise StoreError(f"{e} -- {self.index_path} holds only data derived from the blocks: delete it "
                             f"(with its -wal and -shm files) to rebuild it") from e

    def _start_indexer(self) -> None:
        self._index_error = None
        self._thread = threading.Thread(target=self._index_loop, name=f"store-indexer:{self.base_path}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Finish indexing the appended blocks, close every connection, release the lock. Idempotent."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        if not self.read_only:
            store_index_worker.release(str(self.index_path), str(self.path))
        super().close()

    # ------------------------------------------------------------ the indexer thread
    def _appended(self, head: tuple[int, bytes] | None, blocks: list[tuple[int, int]]) -> None:
        """(appender, after the commit) Hand the indexer the new head and the committed blocks'
        (number, rows): it reads them back from chain.sqlite."""
        with self._cond:
            self._head = head
            for number, rows in blocks:
                self._pending[number] = rows
                self._pending_rows += rows
            self._cond.notify_all()

    def _truncated(self, head: tuple[int, bytes] | None, number: int) -> None:
        """(truncate_after, once the blocks after `number` are gone) Forget them; restart the indexer
        if it had stopped on an error (e.g. a corrupt block now dropped)."""
        with self._cond:
            self._head = head
            self._pending = {n: r for n, r in self._pending.items() if n <= number}
            self._pending_rows = sum(self._pending.values())
            self._cond.notify_all()
        if self._thread is not None and not self._thread.is_alive() and not self._stop:
            self._start_indexer()

    def _raise_if_index_failed(self) -> None:
        """(holding `_cond`) StoreError if the indexer thread stopped on an error."""
        if self._index_error is not None:
            raise StoreError(f"block store {self.base_path}: indexing stopped: {self._index_error}")

    def _head_ahead(self) -> bool:
        return self._head is not None and self._head[0] > self._indexed

    def _wait_lag(self, adding: int, rows: int = 0) -> None:
        """Backpressure: block while the index would lag more than max_index_lag blocks or hold more
        than max_index_rows rows in memory (a larger group goes in once the index has caught up)."""
        with self._cond:
            while self._head_ahead() and (self._head[0] + adding - self._indexed > self.max_index_lag  # type: ignore[index]
                                          or self._pending_rows + rows > self.max_index_rows):
                self._raise_if_index_failed()
                self._cond.wait(1.0)

    def _index_loop(self) -> None:
        while True:
            with self._cond:
                while not self._head_ahead() and not self._stop:
                    self._cond.wait()
                if not self._head_ahead():
                    return  # stopping, and everything is indexed
            try:
                self._index_some()
            except BaseException as e:  # noqa: BLE001  (reported to waiting readers and appenders)
                with self._cond:
                    self._index_error = e
                    self._cond.notify_all()
                return

    def _index_some(self) -> None:
        """Index the next batch of appended blocks in one index.sqlite transaction, written by the
        index writer process (chain/store_index_worker.py) while this thread waits without the GIL."""
        with self._index_lock:
            if self._ix is None or not self._head_ahead():
                return
            first, head = self._indexed + 1, self._head[0]  # type: ignore[index]
            try:
                last, _ = store_index_worker.run(str(self.index_path), str(self.path), first, head, INDEX_BATCH_ROWS)
            except RuntimeError as e:  # reported by _raise_if_index_failed as "indexing stopped: {e}"
                raise StoreError(str(e)) from None
            with self._cond:  # `last` < first - 1 cannot happen: index progress only moves forward
                self._indexed = max(self._indexed, last)
                for n in range(first, self._indexed + 1):
                    self._pending_rows -= self._pending.pop(n, 0)
                self._cond.notify_all()

    # ------------------------------------------------------------ waiting for the index
    def indexed_head(self) -> int | None:
        """The last block whose state, history and extrinsics are indexed (None: none yet)."""
        if self._writer is not None:
            return self._indexed if self._indexed >= 0 else None
        with self._read("indexed_head") as con:
            n = con.execute("SELECT number FROM idx.progress").fetchone()[0]
        return n if n >= 0 else None

    def wait_indexed(self, number: int | None = None, timeout: float | None = None) -> None:
        """Block until the index covers block `number` (the head if None); StoreError on timeout,
        on an indexing failure, or (read-only) if no running writer brings the index that far."""
        deadline = time.monotonic() + (self.index_wait if timeout is None else timeout)
        if self._writer is not None:
            with self._cond:
                while True:
                    target = (self._head[0] if self._head else -1) if number is None else number
                    if self._indexed >= target:
                        return
                    self._raise_if_index_failed()
                    if self._closed or (left := deadline - time.monotonic()) <= 0:
                        break
                    self._cond.wait(left)
            have = self._indexed
        else:
            while True:
                with self._read("wait_indexed") as con:
                    have = con.execute("SELECT number FROM idx.progress").fetchone()[0]
                    target = con.execute("SELECT coalesce(max(number), -1) FROM blocks").fetchone()[0] \
                        if number is None else number
                if have >= target or time.monotonic() >= deadline or not self._writer_alive():
                    break
                time.sleep(0.02)
            if have >= target:
                return
        raise StoreError(f"block store {self.base_path}: the index covers blocks up to #{have}, not #{target} yet "
                         f"(the process that writes the store indexes in the background; is it running?)")

    # ------------------------------------------------------------ rolling back
    def _unindex_after(self, number: int) -> None:
        """(holding `_index_lock`, writer side) Durably remove the indexed blocks after `number`."""
        if self._indexed <= number:
            return
        ix = self._ix
        assert ix is not None
        ix.execute("PRAGMA synchronous=FULL")
        try:
            with transaction(ix):
                self._unindex(ix, number)
        finally:
            ix.execute("PRAGMA synchronous=NORMAL")
        self._indexed = number

    def _unindex(self, ix: sqlite3.Connection, number: int) -> None:
        """Remove indexed blocks after `number` from the index tables (inside a transaction)."""
        keys: set[bytes] = set()
        try:
            for n in range(self._indexed, number, -1):
                b = _stored_block(ix, n)
                ix.executemany("DELETE FROM xt_index WHERE hash=? AND number=? AND idx=?",
                               ((blake2_256(x), n, i) for i, x in enumerate(b.extrinsics)))
                ix.executemany("DELETE FROM history WHERE key=? AND number=?", ((k, n) for k in b.state_changes))
                keys.update(b.state_changes)
        except CorruptStore:  # a dropped block is unreadable: fall back to full scans
            ix.execute("DELETE FROM xt_index WHERE number > ?", (number,))
            ix.execute("DELETE FROM history WHERE number > ?", (number,))
            ix.execute("DELETE FROM state")
            ix.execute("INSERT INTO state(key, value) SELECT key, value FROM "
                       "(SELECT key, value, max(number) FROM history GROUP BY key) WHERE value IS NOT NULL")
            keys = set()
        for k in sorted(keys):
            row = ix.execute("SELECT value FROM history WHERE key=? ORDER BY number DESC LIMIT 1", (k,)).fetchone()
            if row is None or row[0] is None:
                ix.execute("DELETE FROM state WHERE key=?", (k,))
            else:
                ix.execute(UPSERT_STATE, (k, row[0]))
        row = ix.execute("SELECT hash FROM ch.blocks WHERE number=?", (number,)).fetchone()
        ix.execute("UPDATE progress SET number=?, hash=?", (number, row[0] if row else None))
