"""The tamper demonstration: change one byte of a stored block in a COPY of the chain and show that
verification finds it. The real data directory is only read (through SQLite's online backup from a
read-only connection), never written.

Two attackers are shown:
1. one who flips a byte in a block's stored extrinsics: the store's per-part checksum catches it;
2. one who flips the byte AND rewrites that checksum: re-executing the chain from genesis catches it,
   because the block's extrinsics no longer hash to the extrinsics root in its header.
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DB = "chain.sqlite"


@dataclass(frozen=True)
class TamperResult:
    block: int
    offset: int  # byte offset inside the block's stored extrinsics
    before: int
    after: int
    fixed_checksum: bool
    detected: bool
    error_type: str
    message: str
    seconds: float


def copy_chain(src: str | Path, dst: str | Path) -> Path:
    """A consistent copy of a chain's store while the node may keep writing (SQLite online backup of the
    blocks file; the derived index is rebuilt from it)."""
    src_db, dst_dir = Path(src) / DB, Path(dst)
    dst_dir.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src_db}?mode=ro", uri=True)
    target = sqlite3.connect(dst_dir / DB)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    from chain.store import BlockStore

    BlockStore(dst_dir).close()  # opening for writing once builds the copy's derived index
    return dst_dir


def pick_block(db: Path, head: int) -> int:
    """A block with a signed extrinsic (the longest stored body) in the middle of the chain."""
    con = sqlite3.connect(db)
    try:
        row = con.execute("SELECT number FROM blocks WHERE number BETWEEN ? AND ? ORDER BY length(extrinsics) DESC, "
                          "number LIMIT 1", (max(1, head // 3), max(1, head))).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else max(1, head)


def flip_byte(db: Path, number: int, *, fix_checksum: bool) -> tuple[int, int, int]:
    """Flip the low bit of the last byte of block `number`'s stored extrinsics (inside the last extrinsic's
    call arguments); returns (offset, before, after)."""
    from chain.store import checksum

    con = sqlite3.connect(db)
    try:
        (blob,) = con.execute("SELECT extrinsics FROM blocks WHERE number=?", (number,)).fetchone()
        data = bytearray(blob)
        offset = len(data) - 1
        before = data[offset]
        data[offset] ^= 0x01
        if fix_checksum:
            con.execute("UPDATE blocks SET extrinsics=?, extrinsics_sum=? WHERE number=?",
                        (bytes(data), checksum("extrinsics", number, bytes(data)), number))
        else:
            con.execute("UPDATE blocks SET extrinsics=? WHERE number=?", (bytes(data), number))
        con.commit()
    finally:
        con.close()
    return offset, before, data[offset]


def tamper_and_verify(base_path: str | Path, head: int, *, block: int | None = None, fix_checksum: bool = False,
                      workdir: str | Path | None = None) -> TamperResult:
    """Copy the chain, flip one byte of one block in the copy, verify the copy from genesis."""
    from chain.errors import ChainError
    from chain.node import verify_chain

    tmp = Path(tempfile.mkdtemp(prefix="puhui-tamper-", dir=workdir))
    try:
        copy = copy_chain(base_path, tmp / "chain")
        number = block if block is not None else pick_block(copy / DB, head)
        offset, before, after = flip_byte(copy / DB, number, fix_checksum=fix_checksum)
        t0 = time.perf_counter()
        try:
            verify_chain(copy)
            detected, etype, msg = False, "", ""
        except ChainError as exc:
            detected, etype, msg = True, type(exc).__name__, str(exc)
        return TamperResult(number, offset, before, after, fix_checksum, detected, etype, msg,
                            time.perf_counter() - t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
