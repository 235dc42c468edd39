"""The durable block store of a data directory: `chain.sqlite` (the blocks) + `index.sqlite` (derived).

Durability: a block is acknowledged (`append_block`/`append_blocks` return) once its row in
`chain.sqlite` is committed with WAL + `synchronous=FULL`, i.e. fsynced. The row holds everything:
header, the extrinsics (one framed blob), the state changes (one framed blob), the events, and a
blake2b-256 checksum of each part bound to the block number. Killing the process at any instant loses
no acknowledged block; reopening resumes at the head.

Derived data (the state at the head, every key's history, the extrinsic index) lives in `index.sqlite`,
written by a background indexer thread from the blocks, so indexing never delays an append. Reads that
need the index (state, history, extrinsic lookups) wait until it covers the block they ask about
(normally < one indexing batch); appends wait when the index lags more than `max_index_lag` blocks or
`max_index_rows` rows (extrinsics + state changes).
After a crash the index is behind (never ahead) and the next writer catches it up from the block
blobs; `close()` finishes it. A progress marker that disagrees with the blocks (ahead of the head,
another block's hash) makes the writer rebuild the index at open; damaged index contents are reported
by `integrity_check`, and deleting `index.sqlite` rebuilds it (it holds nothing the blocks do not). A
read-only opener of a directory whose writer died with the index behind gets a StoreError from index
reads (block reads work) until a writer opens it again.

Tampering: every read of a block verifies its checksums (CorruptStore names block and part);
`integrity_check` adds SQLite's own check of both files, numbering and parent links, and cross-checks
the index against the blocks. A corrupt or foreign file raises StoreError, never a sqlite3 traceback.

Concurrency: one writer process per directory (an exclusive flock on `LOCK`); read-only openers
(dashboard, indexer) take no lock. In-process, appends are serialized; readers use a pool of
read-only connections, so readers never block the writer nor it them (WAL).

Modules: chain/store_format.py (rows, framing, checksums, `StoredBlock`), chain/store_files.py (files,
schemas, lock, connections), chain/store_index.py (the indexer), chain/store_check.py (integrity_check);
this one holds `BlockStore`'s appends and reads and re-exports the names callers import from here.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from chain.errors import BlockError, CorruptStore, StoreError, UnknownBlock
from chain.store_check import Problems, check_snapshot
from chain.store_files import (
    APPLICATION_ID, CHAIN_SCHEMA, DB_NAME, INDEX_APPLICATION_ID, INDEX_NAME, LOCK_NAME, SCHEMA_VERSION, init_db,
    query_head, transaction,
)
from chain.store_format import (
    BLOCK_COLS, READ_CHUNK, StoredBlock, as_bytes, checksum, decode_changes, decode_list, decode_row,
    encode_changes, encode_list, encode_row, meta_checksum, meta_intact,
)
from chain.store_index import INDEX_BATCH_ROWS, StoreIndexer

__all__ = [
    "APPLICATION_ID", "DB_NAME", "INDEX_APPLICATION_ID", "INDEX_NAME", "LOCK_NAME", "SCHEMA_VERSION", "BlockStore",
    "StoredBlock", "checksum", "decode_changes", "decode_list", "encode_changes", "encode_list",
]


def _prefix_end(prefix: bytes) -> bytes | None:
    """The smallest byte string above every string starting with `prefix` (None: unbounded)."""
    p = prefix.rstrip(b"\xff")
    return p[:-1] + bytes([p[-1] + 1]) if p else None


class BlockStore(StoreIndexer):
    """The durable block store of one data directory; see the module docstring for the guarantees."""

    def __init__(self, base_path: str | Path, *, create: bool = True, read_only: bool = False,
                 max_index_lag: int = 1024, index_wait: float = 30.0, max_index_rows: int = 2 * INDEX_BATCH_ROWS):
        super().__init__(base_path, read_only, max_index_lag, index_wait, max_index_rows)
        self._write_lock = threading.RLock()  # appends, set_meta, truncate
        try:
            self._open(create)
        except BaseException:
            self.close()
            raise

    def _open(self, create: bool) -> None:
        base, path = self.base_path, self.path
        if base.exists() and not base.is_dir():
            raise StoreError(f"data directory {base} is not a directory")
        if self.read_only or not create:
            if not path.is_file():
                raise StoreError(f"no Puhui store at {path}")
        else:
            base.mkdir(parents=True, exist_ok=True)
        if self.read_only:
            self._open_read_only()
            return
        self._take_lock()
        new = not path.exists() or path.stat().st_size == 0
        self._writer = w = self._connect(self.path, "rwc")
        with self._sql("open"):
            w.execute("PRAGMA synchronous=FULL")
            w.execute("PRAGMA wal_autocheckpoint=16384")  # backstop; the indexer checkpoints
            w.execute("PRAGMA journal_size_limit=67108864")  # the WAL shrinks back to 64 MiB after a spike
            if new and init_db(w, APPLICATION_ID, CHAIN_SCHEMA):
                self._put_meta(w, "store_schema_version", str(SCHEMA_VERSION))
            self._check_chain_db(w)
            self._head = query_head(w)
        self._open_index()
        if new:
            fd = os.open(base, os.O_RDONLY)
            try:
                os.fsync(fd)  # the new files' directory entries
            finally:
                os.close(fd)
        self._start_indexer()

    def __enter__(self) -> BlockStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ meta
    @staticmethod
    def _put_meta(con: sqlite3.Connection, key: str, value: str) -> None:
        con.execute("INSERT INTO meta(key, value, checksum) VALUES(?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "value=excluded.value, checksum=excluded.checksum", (key, value, meta_checksum(key, value)))

    def get_meta(self, key: str) -> str | None:
        """A chain-identity value (genesis config JSON, genesis hash, spec version...), or None."""
        with self._read("get_meta") as con:
            row = con.execute("SELECT value, checksum FROM meta WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        if not meta_intact(key, row[0], row[1]):
            raise CorruptStore(None, f"meta {key!r}: stored value does not match its checksum", part="meta")
        return row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Set a chain-identity value; durable when it returns."""
        con = self._require_writer()
        with self._write_lock, self._sql("set_meta"):
            self._put_meta(con, key, value)

    # ------------------------------------------------------------ appending and truncating
    def append_block(self, number: int, block_hash: bytes, parent_hash: bytes, header: bytes,
                     extrinsics: list[bytes], state_changes: Mapping[bytes, bytes | None],
                     events: bytes = b"") -> None:
        """Append one block atomically; durable when it returns. `number` must be head+1 (0 for
        genesis) and `parent_hash` the head's hash, else BlockError and nothing changes."""
        self.append_blocks([StoredBlock(number, block_hash, parent_hash, header, extrinsics, state_changes, events)])

    def append_blocks(self, blocks: Sequence[StoredBlock]) -> None:
        """Group commit: append consecutive blocks in ONE transaction (one fsync), durable when it
        returns; if any block does not chain on, BlockError and nothing changes."""
        con = self._require_writer()
        encoded = [encode_row(b) for b in blocks]
        rows = [r for _, r in encoded]
        with self._write_lock:
            head = self._head
            for b in blocks:
                expected = 0 if head is None else head[0] + 1
                if b.number != expected:
                    raise BlockError(b.number, f"cannot append: the store expects block #{expected} next")
                if head is not None and b.parent_hash != head[1]:
                    raise BlockError(b.number, f"parent hash 0x{bytes(b.parent_hash).hex()} is not the hash of "
                                               f"block #{head[0]} (0x{head[1].hex()})")
                head = (b.number, as_bytes(b.block_hash, "block_hash"))
            if not blocks:
                return
            if len({r[1] for r in rows}) != len(rows):
                raise BlockError(blocks[-1].number, "the same block hash appears twice in one group")
            self._wait_lag(len(blocks), sum(len(b.extrinsics) + len(b.state_changes) for b in blocks))
            with self._sql("append"):
                for r in rows:
                    if (dup := con.execute("SELECT number FROM blocks WHERE hash=?", (r[1],)).fetchone()) is not None:
                        raise BlockError(r[0], f"block hash 0x{r[1].hex()} is already stored at #{dup[0]}")
                with transaction(con, "BEGIN IMMEDIATE"):  # durable at COMMIT: WAL + synchronous=FULL
                    con.executemany(f"INSERT INTO blocks({BLOCK_COLS}) VALUES(?,?,?,?,?,?,?,?,?,?,?)", rows)
            self._appended(head, [(b.number, len(b.extrinsics) + len(changes)) for b, (changes, _) in zip(blocks, encoded)])

    def truncate_after(self, number: int) -> None:
        """Drop every block after `number` (-1: all), rolling state, history and the extrinsic index
        back consistently. The index is rolled back first, so a crash midway leaves it behind, never
        ahead; durable when it returns."""
        con = self._require_writer()
        number = max(number, -1)
        with self._write_lock, self._index_lock:
            if self._head is None or number >= self._head[0]:
                return
            with self._sql("truncate_after"):
                self._unindex_after(number)
                with transaction(con, "BEGIN IMMEDIATE"):
                    con.execute("DELETE FROM blocks WHERE number > ?", (number,))
                head = query_head(con)
            self._truncated(head, number)

    # ------------------------------------------------------------ reading blocks
    def head(self) -> tuple[int, bytes] | None:
        """(number, hash) of the last stored block, or None for an empty store."""
        with self._read("head") as con:
            return query_head(con)

    def block_hash(self, number: int) -> bytes | None:
        with self._read("block_hash") as con:
            row = con.execute("SELECT hash FROM blocks WHERE number=?", (number,)).fetchone()
        return row[0] if row else None

    def block_number(self, block_hash: bytes) -> int | None:
        with self._read("block_number") as con:
            row = con.execute("SELECT number FROM blocks WHERE hash=?",
                              (as_bytes(block_hash, "block_hash"),)).fetchone()
        return row[0] if row else None

    def get_block(self, number: int) -> StoredBlock | None:
        """The block at `number` with its checksums verified (CorruptStore names the part), or None."""
        with self._read("get_block") as con:
            row = con.execute(f"SELECT {BLOCK_COLS} FROM blocks WHERE number=?", (number,)).fetchone()
        return None if row is None else decode_row(row, number)

    def iter_blocks(self, start: int = 0, end: int | None = None) -> Iterator[StoredBlock]:
        """Blocks `start`..`end` INCLUSIVE (end=None: through the head) in order, checksums verified;
        streams a few blocks per query and holds no connection between them."""
        n = max(start, 0)
        while end is None or n <= end:
            hi = n + READ_CHUNK - 1 if end is None else min(end, n + READ_CHUNK - 1)
            with self._read("iter_blocks") as con:
                rows = con.execute(f"SELECT {BLOCK_COLS} FROM blocks WHERE number BETWEEN ? AND ? ORDER BY number",
                                   (n, hi)).fetchall()
            for row in rows:
                if row[0] != n:
                    raise CorruptStore(n, f"missing from the blocks table (the next stored block is #{row[0]})")
                yield decode_row(row, n)
                n += 1
            if n <= hi:
                return

    # ------------------------------------------------------------ reading the index
    def extrinsic_location(self, xt_hash: bytes) -> tuple[int, int] | None:
        """(block number, index) of the first stored extrinsic whose blake2_256 is `xt_hash`."""
        self.wait_indexed()
        with self._read("extrinsic_location") as con:
            row = con.execute("SELECT number, idx FROM idx.xt_index WHERE hash=? ORDER BY number, idx LIMIT 1",
                              (as_bytes(xt_hash, "xt_hash"),)).fetchone()
        return (row[0], row[1]) if row else None

    def _wait_for(self, number: int | None) -> None:
        """Wait until the index covers block `number` (the head if None); UnknownBlock if not stored."""
        if number is None:
            self.wait_indexed()
            return
        head = self._head if self._writer is not None else self.head()
        if head is None or not 0 <= number <= head[0]:
            raise UnknownBlock(number, head[0] if head else None)
        self.wait_indexed(number)

    def _indexed_snapshot(self, con: sqlite3.Connection, number: int | None) -> int:
        """Inside a snapshot: check `number` is stored (UnknownBlock) and indexed; return the head."""
        head = con.execute("SELECT max(number) FROM blocks").fetchone()[0]
        ixd = con.execute("SELECT number FROM idx.progress").fetchone()[0]
        if number is not None and (head is None or not 0 <= number <= head):
            raise UnknownBlock(number, head)
        if ixd < (ixd if number is None else number):
            raise StoreError(f"block store {self.base_path}: block #{number} is not indexed yet")
        return ixd

    def current_state(self) -> Iterator[tuple[bytes, bytes]]:
        """Every (key, value) at the head, in key order, from one consistent snapshot (its read
        transaction stays open until the iterator is exhausted or closed)."""
        self._wait_for(None)
        with self._read("current_state", snapshot=True) as con:
            self._indexed_snapshot(con, None)
            cur = con.execute("SELECT key, value FROM idx.state ORDER BY key")
            while rows := cur.fetchmany(4096):
                yield from rows

    def storage_at(self, key: bytes, number: int) -> bytes | None:
        """The value of `key` after executing block `number` (None: absent); UnknownBlock if that
        block is not stored."""
        self._wait_for(number)
        with self._read("storage_at", snapshot=True) as con:
            self._indexed_snapshot(con, number)
            row = con.execute("SELECT value FROM idx.history WHERE key=? AND number<=? ORDER BY number DESC LIMIT 1",
                              (as_bytes(key, "key"), number)).fetchone()
        return row[0] if row else None

    def keys_paged(self, prefix: bytes, count: int, start_key: bytes | None,
                   number: int | None = None) -> list[bytes]:
        """Up to `count` keys starting with `prefix`, in byte order, strictly after `start_key`, as
        of block `number` (the head if None)."""
        prefix = as_bytes(prefix, "prefix")
        start = None if start_key is None else as_bytes(start_key, "start_key")
        end = _prefix_end(prefix)
        after = start if start is not None and start >= prefix else None
        lo, op = (after, ">") if after is not None else (prefix, ">=")
        bound = "" if end is None else " AND key < :end"
        out: list[bytes] = []
        if count <= 0:
            return out
        self._wait_for(number)
        with self._read("keys_paged", snapshot=True) as con:
            self._indexed_snapshot(con, number)
            if number is None:
                rows = con.execute(f"SELECT key FROM idx.state WHERE key {op} :lo{bound} ORDER BY key LIMIT :n",
                                   {"lo": lo, "end": end, "n": count}).fetchall()
                return [r[0] for r in rows]
            while len(out) < count:  # skip-scan: one seek per distinct key, however long its history
                row = con.execute(
                    f"SELECT k, (SELECT value IS NOT NULL FROM idx.history WHERE key=k AND number<=:num "
                    f"ORDER BY number DESC LIMIT 1) FROM (SELECT min(key) AS k FROM idx.history "
                    f"WHERE key {op} :lo{bound})", {"lo": lo, "end": end, "num": number}).fetchone()
                if row is None or row[0] is None:
                    break
                if row[1]:
                    out.append(row[0])
                lo, op = row[0], ">"
        return out

    # ------------------------------------------------------------ integrity
    def integrity_check(self, max_problems: int = 100) -> list[str]:
        """Every problem found, as readable lines naming the block: SQLite's integrity_check of both
        files, meta and block checksums, numbering from 0 and parent links, then the index (extrinsic
        index, history, state) cross-checked against the indexed blocks. [] means sound."""
        problems = Problems(max_problems)
        try:
            if self._writer is not None:
                try:
                    self.wait_indexed()
                except StoreError as e:
                    problems.add(str(e))
            with self._read("integrity_check", snapshot=True) as con:
                check_snapshot(con, problems)
        except StoreError as e:
            problems.add(str(e))
        return problems.lines
