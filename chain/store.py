"""The durable block store of a data directory: `chain.sqlite` (the blocks) + `index.sqlite` (derived).

Durability: a block is acknowledged (`append_block`/`append_blocks` return) once its row in
`chain.sqlite` is committed with WAL + `synchronous=FULL`, i.e. fsynced. The row holds everything:
header, the extrinsics (one framed blob), the state changes (one framed blob), the events, and a
blake2b-256 checksum of each part bound to the block number. Killing the process at any instant loses
no acknowledged block; reopening resumes at the head.

Derived data lives in `index.sqlite`, written by a background indexer thread from the blocks:
  state(key, value)                  the state at the indexed head (materialized)
  history(key, number, value|NULL)   the value a key got in block `number` (NULL = deleted)
  xt_index(hash, number, idx)        blake2_256(extrinsic) -> where it is (every occurrence)
  progress(number, hash)             the last indexed block, updated in the same transaction
A separate file has its own write lock, so indexing (~5x the cost of appending a big block: tens of
thousands of random-key B-tree inserts) never delays an append. Reads that need the index (state,
history, extrinsic lookups) wait until it covers the block they ask about (normally < one indexing
batch); appends wait when the index lags more than `max_index_lag` blocks. After a crash the index is
behind (never ahead) and the next writer catches it up from the block blobs; `close()` finishes it. A
progress marker that disagrees with the blocks (ahead of the head, another block's hash) makes the
writer rebuild the index at open; damaged index contents are reported by `integrity_check`, and
deleting `index.sqlite` rebuilds it (it holds nothing the blocks do not). A read-only opener of a
directory whose writer died with the index behind gets a StoreError from index reads (block reads
work) until a writer opens it again.

Tampering: every read of a block verifies its checksums (CorruptStore names block and part);
`integrity_check` adds SQLite's own check of both files, numbering and parent links, and cross-checks
the index against the blocks. A corrupt or foreign file raises StoreError, never a sqlite3 traceback.

Concurrency: one writer process per directory (an exclusive flock on `LOCK`); read-only openers
(dashboard, indexer) take no lock. In-process, appends are serialized; readers use a pool of
read-only connections, so readers never block the writer nor it them (WAL).
"""
from __future__ import annotations

import array
import fcntl
import hashlib
import os
import sqlite3
import struct
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence
from urllib.parse import quote

from chain.errors import BlockError, CorruptStore, StoreError, UnknownBlock

DB_NAME, INDEX_NAME, LOCK_NAME = "chain.sqlite", "index.sqlite", "LOCK"
APPLICATION_ID, INDEX_APPLICATION_ID = 0x50554855, 0x50554858  # "PUHU", "PUHX" in the SQLite headers
SCHEMA_VERSION = 1
_READ_CHUNK = 8  # blocks per query in iter_blocks / integrity_check (memory bound)
_INDEX_BATCH = 8  # most blocks indexed in one index transaction
_POOL_MAX = 8  # idle read connections kept
_PAGE_SIZE = 16384  # blobs span 4x fewer overflow pages; index commits write fewer pages
_NONE_LEN = 0xFFFFFFFF  # length marker of a deleted value in a changes blob
_PARTS = {"header": b"hdr", "extrinsics": b"xts", "state changes": b"chg", "events": b"evt", "meta": b"meta"}
_CHAIN_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, checksum BLOB NOT NULL) WITHOUT ROWID",
    # small columns first: head()/block_hash() never touch the overflow pages of the blobs
    "CREATE TABLE blocks(number INTEGER PRIMARY KEY, hash BLOB NOT NULL, parent BLOB NOT NULL,"
    " header_sum BLOB NOT NULL, extrinsics_sum BLOB NOT NULL, changes_sum BLOB NOT NULL,"
    " events_sum BLOB NOT NULL, header BLOB NOT NULL, events BLOB NOT NULL,"
    " extrinsics BLOB NOT NULL, changes BLOB NOT NULL)",
    "CREATE UNIQUE INDEX blocks_by_hash ON blocks(hash)",
)
_INDEX_SCHEMA = (
    "CREATE TABLE progress(id INTEGER PRIMARY KEY CHECK (id = 0), number INTEGER NOT NULL, hash BLOB)",
    "INSERT INTO progress VALUES(0, -1, NULL)",
    "CREATE TABLE xt_index(hash BLOB NOT NULL, number INTEGER NOT NULL, idx INTEGER NOT NULL,"
    " PRIMARY KEY(hash, number, idx)) WITHOUT ROWID",
    "CREATE TABLE history(key BLOB NOT NULL, number INTEGER NOT NULL, value BLOB,"
    " PRIMARY KEY(key, number)) WITHOUT ROWID",
    "CREATE TABLE state(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID",
)
_BLOCK_COLS = ("number, hash, parent, header_sum, extrinsics_sum, changes_sum, events_sum, header, events,"
               " extrinsics, changes")
_UPSERT_STATE = "INSERT INTO state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"


@dataclass(frozen=True, slots=True)
class StoredBlock:
    """One block as stored: opaque header/extrinsic/event bytes and the state changes the block
    made (key -> new value, None = deleted). `hash`/`parent` alias `block_hash`/`parent_hash`."""

    number: int
    block_hash: bytes
    parent_hash: bytes
    header: bytes
    extrinsics: list[bytes]
    state_changes: Mapping[bytes, bytes | None]
    events: bytes = b""

    @property
    def hash(self) -> bytes:
        return self.block_hash

    @property
    def parent(self) -> bytes:
        return self.parent_hash


# ---------------------------------------------------------------- framing and checksums
def _u32s(arr: array.array) -> bytes:
    if sys.byteorder == "big":
        arr = array.array("I", arr)
        arr.byteswap()
    return arr.tobytes()


def _read_u32s(data: bytes, pos: int, n: int) -> tuple[array.array, int]:
    arr = array.array("I")
    arr.frombytes(data[pos : pos + 4 * n])
    if len(arr) != n:
        raise ValueError("truncated length table")
    if sys.byteorder == "big":
        arr.byteswap()
    return arr, pos + 4 * n


def _joined(items: Iterable[bytes], lens: array.array, what: str) -> bytes:
    data = b"".join(items)
    if len(data) != sum(lens):  # len() counted something other than bytes (str, wide memoryview)
        raise TypeError(f"{what} must be bytes")
    return data


def encode_list(items: Sequence[bytes]) -> bytes:
    """Frame byte strings: u8 version (1), u32 count, count x u32 lengths, the bytes (all LE)."""
    lens = array.array("I", map(len, items))
    return struct.pack("<BI", 1, len(items)) + _u32s(lens) + _joined(items, lens, "extrinsics")


def decode_list(blob: bytes) -> list[bytes]:
    version, n = struct.unpack_from("<BI", blob, 0)
    if version != 1:
        raise ValueError(f"unknown framing version {version}")
    lens, pos = _read_u32s(blob, 5, n)
    ends = list(accumulate(lens, initial=pos))
    if ends[-1] != len(blob):
        raise ValueError("lengths do not add up to the blob size")
    return [blob[a:b] for a, b in zip(ends, ends[1:])]


def encode_changes(keys: Sequence[bytes], values: Sequence[bytes | None]) -> bytes:
    """Frame state changes: u8 version (1), u32 count, key lengths, value lengths (0xFFFFFFFF =
    deleted), the keys, the values."""
    klens = array.array("I", map(len, keys))
    vlens = array.array("I", [_NONE_LEN if v is None else len(v) for v in values])
    present = array.array("I", [x for x in vlens if x != _NONE_LEN]) if _NONE_LEN in vlens else vlens
    return (struct.pack("<BI", 1, len(keys)) + _u32s(klens) + _u32s(vlens) + _joined(keys, klens, "state keys")
            + _joined(filter(None, values), present, "state values"))  # type: ignore[arg-type]


def decode_changes(blob: bytes) -> dict[bytes, bytes | None]:
    version, n = struct.unpack_from("<BI", blob, 0)
    if version != 1:
        raise ValueError(f"unknown framing version {version}")
    klens, pos = _read_u32s(blob, 5, n)
    vlens, pos = _read_u32s(blob, pos, n)
    kends = list(accumulate(klens, initial=pos))
    vends = list(accumulate((0 if v == _NONE_LEN else v for v in vlens), initial=kends[-1]))
    if vends[-1] != len(blob):
        raise ValueError("lengths do not add up to the blob size")
    keys = [blob[a:b] for a, b in zip(kends, kends[1:])]
    vals = [None if ln == _NONE_LEN else blob[a:b] for ln, a, b in zip(vlens, vends, vends[1:])]
    out = dict(zip(keys, vals))
    if len(out) != n:
        raise ValueError("duplicate keys")
    return out


def checksum(part: str, number: int, *chunks: bytes) -> bytes:
    """blake2b-256 of a stored part, personalised by the part and bound to the block number."""
    h = hashlib.blake2b(digest_size=32, person=_PARTS[part])
    h.update(number.to_bytes(8, "little", signed=True))
    for c in chunks:
        h.update(len(c).to_bytes(4, "little"))
        h.update(c)
    return h.digest()


def _blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def _b(value: object, what: str) -> bytes:
    """`value` as bytes; bytearray/memoryview are copied, anything else is a TypeError."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes, not {type(value).__name__}")


def _prefix_end(prefix: bytes) -> bytes | None:
    """The smallest byte string above every string starting with `prefix` (None: unbounded)."""
    p = prefix.rstrip(b"\xff")
    return p[:-1] + bytes([p[-1] + 1]) if p else None


def _decode_row(row: tuple | None, n: int) -> StoredBlock:
    """Verify a blocks row's checksums and decode it (CorruptStore names the block and part)."""
    if row is None:
        raise CorruptStore(n, "missing from the blocks table")
    number, bh, ph, hsum, xsum, csum, esum, header, events, xblob, cblob = row
    for part, s, chunks in (("header", hsum, (bh, ph, header)), ("extrinsics", xsum, (xblob,)),
                            ("state changes", csum, (cblob,)), ("events", esum, (events,))):
        if number != n or not all(type(c) is bytes for c in chunks) or checksum(part, n, *chunks) != s:
            verb = "does not match its" if part == "header" else "do not match their"
            raise CorruptStore(n, f"stored {part} {verb} checksum", part=part)
    try:
        return StoredBlock(n, bh, ph, header, decode_list(xblob), decode_changes(cblob), events)
    except (ValueError, struct.error) as e:
        raise CorruptStore(n, f"stored block body is malformed ({e})", part="body") from None


@dataclass(slots=True)
class _Pending:
    """An appended block not yet indexed, as the indexer needs it (kept in memory until indexed)."""

    number: int
    block_hash: bytes
    extrinsics: list[bytes]
    changes: Mapping[bytes, bytes | None]


# ---------------------------------------------------------------- the store
class BlockStore:
    """The durable block store of one data directory; see the module docstring for the guarantees."""

    def __init__(self, base_path: str | Path, *, create: bool = True, read_only: bool = False,
                 max_index_lag: int = 16, index_wait: float = 30.0):
        self.base_path = Path(base_path)
        self.path, self.index_path = self.base_path / DB_NAME, self.base_path / INDEX_NAME
        self.read_only, self.max_index_lag, self.index_wait = read_only, max(1, max_index_lag), index_wait
        self._lock_fd: int | None = None
        self._writer: sqlite3.Connection | None = None  # chain.sqlite, appends
        self._ix: sqlite3.Connection | None = None  # index.sqlite (+ chain as `ch`), indexer and truncate
        self._pool: list[sqlite3.Connection] = []
        self._all: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._write_lock = threading.RLock()  # appends, set_meta, truncate
        self._index_lock = threading.Lock()  # one index transaction at a time
        self._cond = threading.Condition()  # indexer progress and work
        self._head: tuple[int, bytes] | None = None
        self._indexed = -1
        self._pending: dict[int, _Pending] = {}
        self._index_error: BaseException | None = None
        self._stop = False
        self._closed = False
        self._thread: threading.Thread | None = None
        try:
            self._open(create)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ opening and closing
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
            con = self._connect(self.path, "ro")
            try:
                with self._sql("open"):
                    self._check_db(con, "main", APPLICATION_ID, {"meta", "blocks"}, self.path)
                    self._check_version(con.execute("SELECT value FROM meta WHERE key='store_schema_version'")
                                        .fetchone())
            finally:
                self._close_con(con)
            if not self.index_path.is_file():
                raise StoreError(f"no block index at {self.index_path}: open the store for writing once to build it")
            con = self._acquire()
            try:
                with self._sql("open"):
                    self._check_db(con, "idx", INDEX_APPLICATION_ID, {"progress", "state", "history", "xt_index"},
                                   self.index_path)
            finally:
                self._release(con)
            return
        self._take_lock()
        new = not path.exists() or path.stat().st_size == 0
        self._writer = w = self._connect(self.path, "rwc")
        with self._sql("open"):
            w.execute("PRAGMA synchronous=FULL")
            w.execute("PRAGMA wal_autocheckpoint=16384")  # backstop; the indexer checkpoints
            w.execute("PRAGMA journal_size_limit=67108864")  # the WAL shrinks back to 64 MiB after a spike
            if new and self._init_db(w, APPLICATION_ID, _CHAIN_SCHEMA):
                self._put_meta(w, "store_schema_version", str(SCHEMA_VERSION))
            self._check_db(w, "main", APPLICATION_ID, {"meta", "blocks"}, self.path)
            self._check_version(w.execute("SELECT value FROM meta WHERE key='store_schema_version'").fetchone())
            row = w.execute("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1").fetchone()
        self._head = (row[0], row[1]) if row else None
        self._open_index()
        if new:
            fd = os.open(base, os.O_RDONLY)
            try:
                os.fsync(fd)  # the new files' directory entries
            finally:
                os.close(fd)
        self._start_indexer()

    def _start_indexer(self) -> None:
        self._index_error = None
        self._thread = threading.Thread(target=self._index_loop, name=f"store-indexer:{self.base_path}", daemon=True)
        self._thread.start()

    def _open_index(self) -> None:
        """Open index.sqlite (create it if missing); rebuild it if it disagrees with the blocks."""
        for attempt in range(2):
            new = not self.index_path.exists() or self.index_path.stat().st_size == 0
            self._ix = ix = self._connect(self.index_path, "rwc")
            with self._index_hint(), self._sql("open index"):
                ix.execute("PRAGMA synchronous=NORMAL")  # derived data: rebuilt from the blocks if lost
                ix.execute("PRAGMA journal_size_limit=67108864")
                if new:
                    self._init_db(ix, INDEX_APPLICATION_ID, _INDEX_SCHEMA)
                self._check_db(ix, "main", INDEX_APPLICATION_ID, {"progress", "state", "history", "xt_index"},
                               self.index_path)
                ix.execute("ATTACH DATABASE ? AS ch", (self._uri(self.path, "rw"),))
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

    def _take_lock(self) -> None:
        fd = os.open(self.base_path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                pid = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            finally:
                os.close(fd)
            raise StoreError(f"data directory {self.base_path} is in use by process {pid}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    @staticmethod
    def _uri(path: Path, mode: str) -> str:
        return f"file:{quote(str(path.absolute()))}?mode={mode}"

    def _connect(self, path: Path, mode: str) -> sqlite3.Connection:
        with self._sql("open"):
            con = sqlite3.connect(self._uri(path, mode), uri=True, isolation_level=None,
                                  check_same_thread=False, timeout=30.0)
            with self._pool_lock:
                self._all.append(con)
            con.execute("PRAGMA cache_size=-65536")  # 64 MiB
        return con

    @staticmethod
    def _init_db(con: sqlite3.Connection, app_id: int, schema: Sequence[str]) -> bool:
        if con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] or \
                con.execute("PRAGMA application_id").fetchone()[0]:
            return False  # not empty: _check_db says what it is
        con.execute(f"PRAGMA page_size={_PAGE_SIZE}")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("BEGIN IMMEDIATE")
        for stmt in schema:
            con.execute(stmt)
        con.execute(f"PRAGMA application_id={app_id}")
        con.execute("COMMIT")
        return True

    def _check_db(self, con: sqlite3.Connection, schema: str, app_id: int, tables: set[str], path: Path) -> None:
        have_id = con.execute(f"PRAGMA {schema}.application_id").fetchone()[0]  # raises if not SQLite
        have = {r[0] for r in con.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type='table'")}
        if have_id != app_id or not tables <= have:
            what = "block index" if path.name == INDEX_NAME else "store"
            raise StoreError(f"{path} is not a Puhui {what} (application id {have_id:#x}, tables {sorted(have)})")

    def _check_version(self, row: tuple | None) -> None:
        if row is None or row[0] != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path}: unsupported store schema version {row[0] if row else None!r} "
                             f"(this build reads version {SCHEMA_VERSION})")

    def close(self) -> None:
        """Finish indexing the appended blocks, close every connection, release the lock. Idempotent."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._pool_lock:
            self._closed = True
            self._pool.clear()
            cons = list(self._all)
        for con in cons:  # readers first: the writers' close checkpoints and removes the WAL
            if con is not self._writer and con is not self._ix:
                self._close_con(con)
        for own in (self._ix, self._writer):
            if own is not None:
                self._close_con(own)
        self._ix = self._writer = None
        if self._lock_fd is not None:
            os.ftruncate(self._lock_fd, 0)  # no stale PID for the next reader
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def __enter__(self) -> BlockStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ connections
    @contextmanager
    def _sql(self, what: str) -> Iterator[None]:
        """Turn any sqlite3 error into a StoreError naming the directory and the operation."""
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(f"block store {self.base_path}: {what} failed: {e} "
                             f"(is a file corrupt? run integrity_check)") from e

    def _acquire(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"block store {self.base_path} is closed")
        with self._pool_lock:
            if self._pool:
                return self._pool.pop()
        con = self._connect(self.path, "ro")
        with self._sql("open"):
            con.execute("PRAGMA query_only=1")
            con.execute("ATTACH DATABASE ? AS idx", (self._uri(self.index_path, "ro"),))
        return con

    def _release(self, con: sqlite3.Connection) -> None:
        try:
            if con.in_transaction:
                con.rollback()
        except sqlite3.Error:
            pass
        with self._pool_lock:
            if not self._closed and len(self._pool) < _POOL_MAX:
                self._pool.append(con)
                return
        self._close_con(con)

    def _close_con(self, con: sqlite3.Connection) -> None:
        try:
            con.close()
        except sqlite3.Error:
            pass
        with self._pool_lock:
            if con in self._all:
                self._all.remove(con)

    @contextmanager
    def _read(self, what: str, snapshot: bool = False) -> Iterator[sqlite3.Connection]:
        """A pooled read-only connection (`idx` = the index); `snapshot`: one read transaction."""
        con = self._acquire()
        try:
            with self._sql(what):
                if snapshot:
                    con.execute("BEGIN")
                yield con
        finally:
            self._release(con)

    def _require_writer(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(f"block store {self.base_path} is closed")
        if self._writer is None:
            raise StoreError(f"block store {self.base_path} was opened read-only")
        return self._writer

    # ------------------------------------------------------------ meta
    @staticmethod
    def _put_meta(con: sqlite3.Connection, key: str, value: str) -> None:
        con.execute("INSERT INTO meta(key, value, checksum) VALUES(?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "value=excluded.value, checksum=excluded.checksum",
                    (key, value, checksum("meta", 0, key.encode(), value.encode())))

    def get_meta(self, key: str) -> str | None:
        """A chain-identity value (genesis config JSON, genesis hash, spec version...), or None."""
        with self._read("get_meta") as con:
            row = con.execute("SELECT value, checksum FROM meta WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        if type(row[0]) is not str or checksum("meta", 0, key.encode(), row[0].encode()) != row[1]:
            raise CorruptStore(None, f"meta {key!r}: stored value does not match its checksum", part="meta")
        return row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Set a chain-identity value; durable when it returns."""
        con = self._require_writer()
        with self._write_lock, self._sql("set_meta"):
            self._put_meta(con, key, value)

    # ------------------------------------------------------------ appending
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
        encoded = [self._encode(b) for b in blocks]
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
                head = (b.number, _b(b.block_hash, "block_hash"))
            if not blocks:
                return
            if len({r[1] for r in rows}) != len(rows):
                raise BlockError(blocks[-1].number, "the same block hash appears twice in one group")
            self._wait_lag(len(blocks))
            with self._sql("append"):
                for r in rows:
                    if (dup := con.execute("SELECT number FROM blocks WHERE hash=?", (r[1],)).fetchone()) is not None:
                        raise BlockError(r[0], f"block hash 0x{r[1].hex()} is already stored at #{dup[0]}")
                con.execute("BEGIN IMMEDIATE")
                try:
                    con.executemany(f"INSERT INTO blocks({_BLOCK_COLS}) VALUES(?,?,?,?,?,?,?,?,?,?,?)", rows)
                    con.execute("COMMIT")  # durable from here: WAL + synchronous=FULL
                except BaseException:
                    if con.in_transaction:
                        con.rollback()
                    raise
            with self._cond:
                self._head = head
                for b, (changes, row) in zip(blocks, encoded):
                    self._pending[b.number] = _Pending(b.number, row[1], list(b.extrinsics), changes)
                self._cond.notify_all()

    @staticmethod
    def _encode(b: StoredBlock) -> tuple[dict[bytes, bytes | None], tuple]:
        """Validate and encode a block into its blocks row (CPU only, outside the write lock)."""
        n = b.number
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise BlockError(n, "block number must be a non-negative int")
        bh, ph = _b(b.block_hash, "block_hash"), _b(b.parent_hash, "parent_hash")
        header, events = _b(b.header, "header"), _b(b.events, "events")
        changes = dict(b.state_changes)  # a snapshot: the indexer must not see later mutations
        try:
            xblob = encode_list(b.extrinsics)
            cblob = encode_changes(list(changes.keys()), list(changes.values()))
        except TypeError as e:
            raise TypeError(f"block #{n}: extrinsics, state keys and values must be bytes (a value None for "
                            f"a deletion): {e}") from None
        return changes, (n, bh, ph, checksum("header", n, bh, ph, header), checksum("extrinsics", n, xblob),
                checksum("state changes", n, cblob), checksum("events", n, events), header, events, xblob, cblob)

    # ------------------------------------------------------------ the indexer
    def _wait_lag(self, adding: int) -> None:
        """Backpressure: block while the index would lag more than max_index_lag blocks (a larger
        group goes in once the index has caught up)."""
        with self._cond:
            while self._head_ahead() and self._head[0] + adding - self._indexed > self.max_index_lag:  # type: ignore[index]
                if self._index_error is not None:
                    raise StoreError(f"block store {self.base_path}: indexing stopped: {self._index_error}")
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

    def _head_ahead(self) -> bool:
        return self._head is not None and self._head[0] > self._indexed

    def _index_some(self) -> None:
        """Index the next batch of appended blocks in one index.sqlite transaction."""
        with self._index_lock:
            ix = self._ix
            if ix is None or not self._head_ahead():
                return
            first, last = self._indexed + 1, min(self._head[0], self._indexed + _INDEX_BATCH)  # type: ignore[index]
            with self._cond:
                todo = [self._pending.get(n) for n in range(first, last + 1)]
            with self._sql("index"):
                for i, p in enumerate(todo):
                    if p is None:  # appended before a restart: read it back from its blob
                        n = first + i
                        b = _decode_row(ix.execute(f"SELECT {_BLOCK_COLS} FROM ch.blocks WHERE number=?", (n,))
                                        .fetchone(), n)
                        todo[i] = _Pending(n, b.block_hash, b.extrinsics, b.state_changes)
                xts = sorted((_blake2_256(x), p.number, i) for p in todo for i, x in enumerate(p.extrinsics))  # type: ignore[union-attr]
                hist = sorted((k, p.number, v) for p in todo for k, v in p.changes.items())  # type: ignore[union-attr]
                latest = {k: v for k, _, v in hist}  # sorted by (key, number): the last write wins
                ix.execute("BEGIN")
                try:
                    ix.executemany("INSERT INTO xt_index(hash, number, idx) VALUES(?,?,?)", xts)
                    ix.executemany("INSERT INTO history(key, number, value) VALUES(?,?,?)", hist)
                    ix.executemany(_UPSERT_STATE, ((k, v) for k, v in latest.items() if v is not None))
                    ix.executemany("DELETE FROM state WHERE key=?", ((k,) for k, v in latest.items() if v is None))
                    ix.execute("UPDATE progress SET number=?, hash=?", (last, todo[-1].block_hash))  # type: ignore[union-attr]
                    ix.execute("COMMIT")
                except BaseException:
                    if ix.in_transaction:
                        ix.rollback()
                    raise
                ix.execute("PRAGMA ch.wal_checkpoint(PASSIVE)")  # keeps the appender free of checkpoints
            with self._cond:
                self._indexed = last
                for n in range(first, last + 1):
                    self._pending.pop(n, None)
                self._cond.notify_all()

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
                    if self._index_error is not None:
                        raise StoreError(f"block store {self.base_path}: indexing stopped: {self._index_error}")
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

    def _writer_alive(self) -> bool:
        """Read-only side: is a process that can advance the index running? (the PID in LOCK)"""
        try:
            pid = int((self.base_path / LOCK_NAME).read_text().strip() or 0)
            if pid <= 0:
                return False
            os.kill(pid, 0)
        except PermissionError:
            return True  # alive, another user's
        except (OSError, ValueError):
            return False
        return True

    # ------------------------------------------------------------ truncation
    def truncate_after(self, number: int) -> None:
        """Drop every block after `number` (-1: all), rolling state, history and the extrinsic index
        back consistently. The index is rolled back first, so a crash midway leaves it behind, never
        ahead; durable when it returns."""
        con = self._require_writer()
        number = max(number, -1)
        with self._write_lock, self._index_lock:
            if self._head is None or number >= self._head[0]:
                return
            ix = self._ix
            assert ix is not None
            with self._sql("truncate_after"):
                if self._indexed > number:
                    ix.execute("PRAGMA synchronous=FULL")
                    ix.execute("BEGIN")
                    try:
                        self._unindex(ix, number)
                        ix.execute("COMMIT")
                    except BaseException:
                        if ix.in_transaction:
                            ix.rollback()
                        raise
                    finally:
                        ix.execute("PRAGMA synchronous=NORMAL")
                    self._indexed = number
                con.execute("BEGIN IMMEDIATE")
                try:
                    con.execute("DELETE FROM blocks WHERE number > ?", (number,))
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:
                        con.rollback()
                    raise
                row = con.execute("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1").fetchone()
            with self._cond:
                self._head = (row[0], row[1]) if row else None
                self._pending = {n: p for n, p in self._pending.items() if n <= number}
                self._cond.notify_all()
            if self._thread is not None and not self._thread.is_alive() and not self._stop:
                self._start_indexer()  # it stopped on an error (e.g. a corrupt block now dropped): retry

    def _unindex(self, ix: sqlite3.Connection, number: int) -> None:
        """Remove indexed blocks after `number` from the index tables (inside a transaction)."""
        keys: set[bytes] = set()
        try:
            for n in range(self._indexed, number, -1):
                b = _decode_row(ix.execute(f"SELECT {_BLOCK_COLS} FROM ch.blocks WHERE number=?", (n,)).fetchone(), n)
                ix.executemany("DELETE FROM xt_index WHERE hash=? AND number=? AND idx=?",
                               ((_blake2_256(x), n, i) for i, x in enumerate(b.extrinsics)))
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
                ix.execute(_UPSERT_STATE, (k, row[0]))
        row = ix.execute("SELECT hash FROM ch.blocks WHERE number=?", (number,)).fetchone()
        ix.execute("UPDATE progress SET number=?, hash=?", (number, row[0] if row else None))

    # ------------------------------------------------------------ reading blocks
    def head(self) -> tuple[int, bytes] | None:
        """(number, hash) of the last stored block, or None for an empty store."""
        with self._read("head") as con:
            row = con.execute("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def block_hash(self, number: int) -> bytes | None:
        with self._read("block_hash") as con:
            row = con.execute("SELECT hash FROM blocks WHERE number=?", (number,)).fetchone()
        return row[0] if row else None

    def block_number(self, block_hash: bytes) -> int | None:
        with self._read("block_number") as con:
            row = con.execute("SELECT number FROM blocks WHERE hash=?", (_b(block_hash, "block_hash"),)).fetchone()
        return row[0] if row else None

    def get_block(self, number: int) -> StoredBlock | None:
        """The block at `number` with its checksums verified (CorruptStore names the part), or None."""
        with self._read("get_block") as con:
            row = con.execute(f"SELECT {_BLOCK_COLS} FROM blocks WHERE number=?", (number,)).fetchone()
        return None if row is None else _decode_row(row, number)

    def iter_blocks(self, start: int = 0, end: int | None = None) -> Iterator[StoredBlock]:
        """Blocks `start`..`end` INCLUSIVE (end=None: through the head) in order, checksums verified;
        streams a few blocks per query and holds no connection between them."""
        n = max(start, 0)
        while end is None or n <= end:
            hi = n + _READ_CHUNK - 1 if end is None else min(end, n + _READ_CHUNK - 1)
            with self._read("iter_blocks") as con:
                rows = con.execute(f"SELECT {_BLOCK_COLS} FROM blocks WHERE number BETWEEN ? AND ? ORDER BY number",
                                   (n, hi)).fetchall()
            for row in rows:
                if row[0] != n:
                    raise CorruptStore(n, f"missing from the blocks table (the next stored block is #{row[0]})")
                yield _decode_row(row, n)
                n += 1
            if n <= hi:
                return

    def extrinsic_location(self, xt_hash: bytes) -> tuple[int, int] | None:
        """(block number, index) of the first stored extrinsic whose blake2_256 is `xt_hash`."""
        self.wait_indexed()
        with self._read("extrinsic_location") as con:
            row = con.execute("SELECT number, idx FROM idx.xt_index WHERE hash=? ORDER BY number, idx LIMIT 1",
                              (_b(xt_hash, "xt_hash"),)).fetchone()
        return (row[0], row[1]) if row else None

    # ------------------------------------------------------------ state
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
        self.wait_indexed()
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
                              (_b(key, "key"), number)).fetchone()
        return row[0] if row else None

    def _wait_for(self, number: int) -> None:
        head = self._head if self._writer is not None else self.head()
        if head is None or not 0 <= number <= head[0]:
            raise UnknownBlock(number, head[0] if head else None)
        self.wait_indexed(number)

    def keys_paged(self, prefix: bytes, count: int, start_key: bytes | None,
                   number: int | None = None) -> list[bytes]:
        """Up to `count` keys starting with `prefix`, in byte order, strictly after `start_key`, as
        of block `number` (the head if None)."""
        prefix = _b(prefix, "prefix")
        start = None if start_key is None else _b(start_key, "start_key")
        end = _prefix_end(prefix)
        after = start if start is not None and start >= prefix else None
        lo, op = (after, ">") if after is not None else (prefix, ">=")
        bound = "" if end is None else " AND key < :end"
        out: list[bytes] = []
        if count <= 0:
            return out
        if number is None:
            self.wait_indexed()
        else:
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
        problems: list[str] = []

        def add(msg: str) -> None:
            if len(problems) < max_problems:
                problems.append(msg)

        try:
            if self._writer is not None:
                try:
                    self.wait_indexed()
                except StoreError as e:
                    add(str(e))
            with self._read("integrity_check", snapshot=True) as con:
                for schema, name in (("main", DB_NAME), ("idx", INDEX_NAME)):
                    for (msg,) in con.execute(f"PRAGMA {schema}.integrity_check(50)").fetchall():
                        if msg != "ok":
                            add(f"SQLite ({name}): {msg}")
                for key, value, s in con.execute("SELECT key, value, checksum FROM meta").fetchall():
                    if type(value) is not str or checksum("meta", 0, str(key).encode(), value.encode()) != s:
                        add(f"meta {key!r}: stored value does not match its checksum")
                upto = con.execute("SELECT number FROM idx.progress").fetchone()[0]
                bad, want = _check_blocks(con, add, upto)
                if len(problems) < max_problems:
                    _check_index(con, add, upto, bad, want)
        except StoreError as e:
            add(str(e))
        return problems


# ---------------------------------------------------------------- integrity helpers
def _block_rows(con: sqlite3.Connection, upto: int | None = None) -> Iterator[tuple]:
    cur = con.execute(f"SELECT {_BLOCK_COLS} FROM blocks WHERE number <= ? ORDER BY number",
                      (upto if upto is not None else 2**62,))
    while rows := cur.fetchmany(_READ_CHUNK):
        yield from rows


def _check_blocks(con: sqlite3.Connection, add: Callable[[str], None], upto: int,
                  per_block: dict[str, dict[int, list[int]]] | None = None) -> tuple[set[int], dict[str, list[int]]]:
    """One pass over the blocks: checksums, numbering from 0, parent links, and the digests the
    index tables should have (of the readable blocks up to `upto`; per block if `per_block` is
    given, then nothing is reported). Returns the unreadable block numbers and the total digests."""
    bad: set[int] = set()
    totals = {"xt_index": [0, 0], "history": [0, 0]}
    prev: tuple[int, bytes] | None = None
    for row in _block_rows(con, upto if per_block is not None else None):
        n, ph = row[0], row[2]
        expected = 0 if prev is None else prev[0] + 1
        if n != expected and per_block is None:
            add(f"block #{expected}: missing (the next stored block is #{n})")
        if prev is not None and prev[0] == n - 1 and ph != prev[1] and per_block is None:
            add(f"block #{n}: parent hash 0x{bytes(ph).hex()} is not the hash of block #{n - 1} "
                f"(0x{bytes(prev[1]).hex()})")
        prev = (n, row[1])
        try:
            b = _decode_row(row, n)
        except CorruptStore as e:
            if per_block is None:
                add(str(e))
            bad.add(n)
            continue
        if n > upto:
            continue
        xacc = per_block["xt_index"].setdefault(n, [0, 0]) if per_block is not None else totals["xt_index"]
        hacc = per_block["history"].setdefault(n, [0, 0]) if per_block is not None else totals["history"]
        for i, x in enumerate(b.extrinsics):
            _digest_add(xacc, _row_digest(_blake2_256(x), n, i))
        for k, v in b.state_changes.items():
            _digest_add(hacc, _row_digest(k, n, v))
    return bad, totals


def _check_index(con: sqlite3.Connection, add: Callable[[str], None], upto: int, bad: set[int],
                 want_totals: dict[str, list[int]]) -> None:
    """xt_index and history against the indexed blocks (an order-free digest of each table, per block
    only when the totals differ), then state against history."""
    ihash = con.execute("SELECT hash FROM idx.progress").fetchone()[0]
    row = con.execute("SELECT hash FROM blocks WHERE number=?", (upto,)).fetchone()
    if upto >= 0 and (row is None or row[0] != ihash):
        add(f"block #{upto}: the index was built for a block that is not stored (delete {INDEX_NAME} to rebuild)")
    wrong = [t for t in ("xt_index", "history") if _table_digests(con, t, None) != want_totals[t]]
    if wrong:
        want: dict[str, dict[int, list[int]]] = {"xt_index": {}, "history": {}}
        _check_blocks(con, add, upto, want)
        for table in wrong:
            have: dict[int, list[int]] = {}
            _table_digests(con, table, have)
            what = "extrinsic index (xt_index)" if table == "xt_index" else "state history (history table)"
            for n in sorted(set(have) | set(want[table])):
                if n in bad or have.get(n) == want[table].get(n):
                    continue
                if n not in want[table]:
                    add(f"block #{n}: the {what} has entries for a block that is not stored or not indexed")
                else:
                    add(f"block #{n}: the {what} does not match the block's "
                        f"{'extrinsics' if table == 'xt_index' else 'state changes'}")
    for key, n in con.execute(
            "SELECT h.key, h.n FROM (SELECT key, value, max(number) AS n FROM idx.history GROUP BY key) AS h "
            "LEFT JOIN idx.state AS s ON s.key = h.key WHERE h.value IS NOT s.value LIMIT 20").fetchall():
        add(f"block #{n}: the current state of key 0x{bytes(key).hex()} does not match the value block #{n} "
            f"(its last change) gave it")
    for (key,) in con.execute("SELECT key FROM idx.state WHERE NOT EXISTS "
                              "(SELECT 1 FROM idx.history AS h WHERE h.key = state.key) LIMIT 20").fetchall():
        add(f"the current state holds key 0x{bytes(key).hex()} that no block ever set")


def _row_digest(key: object, n: object, value: object) -> int:
    """A 128-bit hash of one index row (key, block number, value or None or extrinsic position)."""
    tail: bytes | None = None
    if value is None:
        tail = b"\x00"
    elif isinstance(value, bytes):
        tail = b"\x01" + value
    elif isinstance(value, int):
        tail = b"\x02" + value.to_bytes(8, "little", signed=True)
    if tail is not None and type(key) is bytes and type(n) is int:
        data = len(key).to_bytes(4, "little") + key + n.to_bytes(8, "little", signed=True) + tail
    else:  # a value of the wrong SQL type (tampering): never equals a block's digest
        data = b"\xff" + repr((key, n, value)).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=16).digest(), "little")


def _digest_add(acc: list[int], d: int) -> None:
    acc[0] += 1
    acc[1] = (acc[1] + d) & ((1 << 128) - 1)


def _table_digests(con: sqlite3.Connection, table: str, per_block: dict[int, list[int]] | None) -> list[int]:
    """An order-free digest (row count, sum of row hashes) of an index table, total or per block."""
    total = [0, 0]
    cols = "hash, number, idx" if table == "xt_index" else "key, number, value"
    cur = con.execute(f"SELECT {cols} FROM idx.{table}")
    while rows := cur.fetchmany(4096):
        for key, n, value in rows:
            acc = per_block.setdefault(n if type(n) is int else -1, [0, 0]) if per_block is not None else total
            _digest_add(acc, _row_digest(key, n, value))
    return total
