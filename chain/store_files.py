"""The files of a data directory and the connections to them: the base layer of `chain.store.BlockStore`.

`chain.sqlite` (the blocks and meta) and `index.sqlite` (derived, see chain/store_index.py) each carry
an application id in their SQLite header and a fixed schema; `LOCK` holds the writer's flock and PID.
`StoreFiles` opens and checks them, owns every connection (the appender's, the indexer's, a pool of
read-only ones that attach the index as `idx`) and turns any sqlite3 error into a StoreError naming the
directory and the operation, never a sqlite3 traceback.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import quote

from chain.errors import StoreError

DB_NAME, INDEX_NAME, LOCK_NAME = "chain.sqlite", "index.sqlite", "LOCK"
APPLICATION_ID, INDEX_APPLICATION_ID = 0x50554855, 0x50554858  # "PUHU", "PUHX" in the SQLite headers
SCHEMA_VERSION = 1
_POOL_MAX = 8  # idle read connections kept
_PAGE_SIZE = 16384  # blobs span 4x fewer overflow pages; index commits write fewer pages
CHAIN_TABLES, INDEX_TABLES = {"meta", "blocks"}, {"progress", "state", "history", "xt_index"}
CHAIN_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, checksum BLOB NOT NULL) WITHOUT ROWID",
    # small columns first: head()/block_hash() never touch the overflow pages of the blobs
    "CREATE TABLE blocks(number INTEGER PRIMARY KEY, hash BLOB NOT NULL, parent BLOB NOT NULL,"
    " header_sum BLOB NOT NULL, extrinsics_sum BLOB NOT NULL, changes_sum BLOB NOT NULL,"
    " events_sum BLOB NOT NULL, header BLOB NOT NULL, events BLOB NOT NULL,"
    " extrinsics BLOB NOT NULL, changes BLOB NOT NULL)",
    "CREATE UNIQUE INDEX blocks_by_hash ON blocks(hash)",
)
INDEX_SCHEMA = (
    "CREATE TABLE progress(id INTEGER PRIMARY KEY CHECK (id = 0), number INTEGER NOT NULL, hash BLOB)",
    "INSERT INTO progress VALUES(0, -1, NULL)",
    "CREATE TABLE xt_index(hash BLOB NOT NULL, number INTEGER NOT NULL, idx INTEGER NOT NULL,"
    " PRIMARY KEY(hash, number, idx)) WITHOUT ROWID",
    "CREATE TABLE history(key BLOB NOT NULL, number INTEGER NOT NULL, value BLOB,"
    " PRIMARY KEY(key, number)) WITHOUT ROWID",
    "CREATE TABLE state(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID",
)


# The LOCK files' descriptors this process holds. A forked child (the signature-check and signing
# workers) would share each one's flock, and the store could not be opened again until the child
# exits; so the child closes its copies at once (the parent keeps the lock).
_HELD_LOCK_FDS: set[int] = set()


def _drop_inherited_locks() -> None:
    for fd in _HELD_LOCK_FDS:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCK_FDS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def sqlite_uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.absolute()))}?mode={mode}"


@contextmanager
def transaction(con: sqlite3.Connection, begin: str = "BEGIN") -> Iterator[None]:
    """`begin` ... COMMIT on leaving; on any exception roll back (if still open) and re-raise."""
    con.execute(begin)
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.rollback()
        raise


def query_head(con: sqlite3.Connection) -> tuple[int, bytes] | None:
    """(number, hash) of the last stored block, or None if there is none."""
    row = con.execute("SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else None


def init_db(con: sqlite3.Connection, app_id: int, schema: Sequence[str]) -> bool:
    """Give an empty database its page size, WAL, tables and application id; False if not empty."""
    if con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] or \
            con.execute("PRAGMA application_id").fetchone()[0]:
        return False  # not empty: check_db says what it is
    con.execute(f"PRAGMA page_size={_PAGE_SIZE}")
    con.execute("PRAGMA journal_mode=WAL")
    with transaction(con, "BEGIN IMMEDIATE"):
        for stmt in schema:
            con.execute(stmt)
        con.execute(f"PRAGMA application_id={app_id}")
    return True


def check_db(con: sqlite3.Connection, schema: str, app_id: int, tables: set[str], path: Path) -> None:
    """StoreError unless database `schema` of `con` has application id `app_id` and `tables`."""
    have_id = con.execute(f"PRAGMA {schema}.application_id").fetchone()[0]  # raises if not SQLite
    have = {r[0] for r in con.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type='table'")}
    if have_id != app_id or not tables <= have:
        what = "block index" if path.name == INDEX_NAME else "store"
        raise StoreError(f"{path} is not a Puhui {what} (application id {have_id:#x}, tables {sorted(have)})")


class StoreFiles:
    """The paths, the directory lock and the connections of one data directory."""

    def __init__(self, base_path: str | Path, read_only: bool):
        self.base_path = Path(base_path)
        self.path, self.index_path = self.base_path / DB_NAME, self.base_path / INDEX_NAME
        self.read_only = read_only
        self._lock_fd: int | None = None
        self._writer: sqlite3.Connection | None = None  # chain.sqlite, appends
        self._ix: sqlite3.Connection | None = None  # index.sqlite (+ chain as `ch`), indexer and truncate
        self._pool: list[sqlite3.Connection] = []
        self._all: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._closed = False

    # ------------------------------------------------------------ opening and closing
    def _check_chain_db(self, con: sqlite3.Connection) -> None:
        """StoreError unless `con`'s main database is a Puhui store of this build's schema version."""
        check_db(con, "main", APPLICATION_ID, CHAIN_TABLES, self.path)
        row = con.execute("SELECT value FROM meta WHERE key='store_schema_version'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path}: unsupported store schema version {row[0] if row else None!r} "
                             f"(this build reads version {SCHEMA_VERSION})")

    def _open_read_only(self) -> None:
        """Check that chain.sqlite and index.sqlite are a Puhui store and its index; take no lock."""
        con = self._connect(self.path, "ro")
        try:
            with self._sql("open"):
                self._check_chain_db(con)
        finally:
            self._close_con(con)
        if not self.index_path.is_file():
            raise StoreError(f"no block index at {self.index_path}: open the store for writing once to build it")
        con = self._acquire()
        try:
            with self._sql("open"):
                check_db(con, "idx", INDEX_APPLICATION_ID, INDEX_TABLES, self.index_path)
        finally:
            self._release(con)

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
        _HELD_LOCK_FDS.add(fd)

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

    def close(self) -> None:
        """Close every connection and release the lock. Idempotent."""
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
            _HELD_LOCK_FDS.discard(self._lock_fd)
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    # ------------------------------------------------------------ connections
    @contextmanager
    def _sql(self, what: str) -> Iterator[None]:
        """Turn any sqlite3 error into a StoreError naming the directory and the operation."""
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(f"block store {self.base_path}: {what} failed: {e} "
                             f"(is a file corrupt? run integrity_check)") from e

    def _connect(self, path: Path, mode: str) -> sqlite3.Connection:
        with self._sql("open"):
            con = sqlite3.connect(sqlite_uri(path, mode), uri=True, isolation_level=None,
                                  check_same_thread=False, timeout=30.0)
            with self._pool_lock:
                self._all.append(con)
            con.execute("PRAGMA cache_size=-65536")  # 64 MiB
        return con

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"block store {self.base_path} is closed")

    def _acquire(self) -> sqlite3.Connection:
        self._check_open()
        with self._pool_lock:
            if self._pool:
                return self._pool.pop()
        con = self._connect(self.path, "ro")
        with self._sql("open"):
            con.execute("PRAGMA query_only=1")
            con.execute("ATTACH DATABASE ? AS idx", (sqlite_uri(self.index_path, "ro"),))
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
        self._check_open()
        if self._writer is None:
            raise StoreError(f"block store {self.base_path} was opened read-only")
        return self._writer
