"""The integrity check of a data directory (`BlockStore.integrity_check`), over one read snapshot.

It reports every problem as a readable line naming the block: SQLite's own integrity_check of both
files, meta and block checksums, numbering from 0 and parent links, then the index cross-checked
against the indexed blocks. The index tables are compared by an order-free digest (row count, sum of
128-bit row hashes) of the whole table first; only when a total differs is it recomputed per block to
name the blocks whose index rows are wrong.
"""
from __future__ import annotations

import hashlib
import sqlite3
from typing import Iterator

from chain.errors import CorruptStore
from chain.hashing import blake2_256
from chain.store_files import DB_NAME, INDEX_NAME
from chain.store_format import BLOCK_COLS, READ_CHUNK, BlockRow, decode_row, meta_intact

_INDEX_TABLES = ("xt_index", "history")
Digests = dict[str, list[int]]  # index table -> [row count, sum of row hashes mod 2**128]


class Problems:
    """The problems found so far, at most `limit` of them."""

    def __init__(self, limit: int):
        self.limit = limit
        self.lines: list[str] = []

    def add(self, msg: str) -> None:
        if len(self.lines) < self.limit:
            self.lines.append(msg)

    @property
    def full(self) -> bool:
        return len(self.lines) >= self.limit


def check_snapshot(con: sqlite3.Connection, problems: Problems) -> None:
    """Check both files through a pooled read connection (the index attached as `idx`) inside one
    read transaction."""
    for schema, name in (("main", DB_NAME), ("idx", INDEX_NAME)):
        for (msg,) in con.execute(f"PRAGMA {schema}.integrity_check(50)").fetchall():
            if msg != "ok":
                problems.add(f"SQLite ({name}): {msg}")
    for key, value, s in con.execute("SELECT key, value, checksum FROM meta").fetchall():
        if not meta_intact(str(key), value, s):
            problems.add(f"meta {key!r}: stored value does not match its checksum")
    upto = con.execute("SELECT number FROM idx.progress").fetchone()[0]
    bad, want = _check_blocks(con, problems, upto)
    if not problems.full:
        _check_index(con, problems, upto, bad, want)


def _block_rows(con: sqlite3.Connection, upto: int | None = None) -> Iterator[BlockRow]:
    cur = con.execute(f"SELECT {BLOCK_COLS} FROM blocks WHERE number <= ? ORDER BY number",
                      (upto if upto is not None else 2**62,))
    while rows := cur.fetchmany(READ_CHUNK):
        yield from rows


def _check_blocks(con: sqlite3.Connection, problems: Problems, upto: int,
                  per_block: dict[str, dict[int, list[int]]] | None = None) -> tuple[set[int], Digests]:
    """One pass over the blocks: checksums, numbering from 0, parent links, and the digests the
    index tables should have (of the readable blocks up to `upto`; per block if `per_block` is
    given, then nothing is reported). Returns the unreadable block numbers and the total digests."""
    report = per_block is None
    bad: set[int] = set()
    totals: Digests = {"xt_index": [0, 0], "history": [0, 0]}
    prev: tuple[int, bytes] | None = None
    for row in _block_rows(con, None if report else upto):
        n, ph = row[0], row[2]
        expected = 0 if prev is None else prev[0] + 1
        if n != expected and report:
            problems.add(f"block #{expected}: missing (the next stored block is #{n})")
        if prev is not None and prev[0] == n - 1 and ph != prev[1] and report:
            problems.add(f"block #{n}: parent hash 0x{bytes(ph).hex()} is not the hash of block #{n - 1} "
                         f"(0x{bytes(prev[1]).hex()})")
        prev = (n, row[1])
        try:
            b = decode_row(row, n)
        except CorruptStore as e:
            if report:
                problems.add(str(e))
            bad.add(n)
            continue
        if n > upto:
            continue
        xacc, hacc = (totals[t] if per_block is None else per_block[t].setdefault(n, [0, 0]) for t in _INDEX_TABLES)
        for i, x in enumerate(b.extrinsics):
            _digest_add(xacc, _row_digest(blake2_256(x), n, i))
        for k, v in b.state_changes.items():
            _digest_add(hacc, _row_digest(k, n, v))
    return bad, totals


def _check_index(con: sqlite3.Connection, problems: Problems, upto: int, bad: set[int],
                 want_totals: Digests) -> None:
    """xt_index and history against the indexed blocks (an order-free digest of each table, per block
    only when the totals differ), then state against history."""
    add = problems.add
    ihash = con.execute("SELECT hash FROM idx.progress").fetchone()[0]
    row = con.execute("SELECT hash FROM blocks WHERE number=?", (upto,)).fetchone()
    if upto >= 0 and (row is None or row[0] != ihash):
        add(f"block #{upto}: the index was built for a block that is not stored (delete {INDEX_NAME} to rebuild)")
    wrong = [t for t in _INDEX_TABLES if _table_digests(con, t, None) != want_totals[t]]
    if wrong:
        want: dict[str, dict[int, list[int]]] = {"xt_index": {}, "history": {}}
        _check_blocks(con, problems, upto, want)
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
