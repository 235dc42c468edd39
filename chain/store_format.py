"""How a block is laid out in a row of `chain.sqlite`'s `blocks` table, and the checksums that guard it.

A row holds the header, the extrinsics framed into one blob (`encode_list`), the state changes framed
into one blob (`encode_changes`), the events, and a blake2b-256 `checksum` of each part, personalised
by the part and bound to the block number. `encode_row` validates a `StoredBlock` and builds its row;
`decode_row` verifies the checksums and decodes it back (CorruptStore names the block and part).
Everything here is pure CPU work on bytes: no SQLite, no threads.
"""
from __future__ import annotations

import array
import hashlib
import struct
import sys
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable, Mapping, Sequence

from chain.errors import BlockError, CorruptStore

_NONE_LEN = 0xFFFFFFFF  # length marker of a deleted value in a changes blob
_PARTS = {"header": b"hdr", "extrinsics": b"xts", "state changes": b"chg", "events": b"evt", "meta": b"meta"}
# the columns of a blocks row, in the order encode_row builds and decode_row reads them
BLOCK_COLS = ("number, hash, parent, header_sum, extrinsics_sum, changes_sum, events_sum, header, events,"
              " extrinsics, changes")
READ_CHUNK = 8  # blocks per query when streaming rows (memory bound)
BlockRow = tuple  # (number, hash, parent, 4 checksums, header, events, extrinsics blob, changes blob)


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


# ---------------------------------------------------------------- framing
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


def _read_frame_header(blob: bytes) -> int:
    """The item count of a framed blob (u8 version 1, u32 count); ValueError for another version."""
    version, n = struct.unpack_from("<BI", blob, 0)
    if version != 1:
        raise ValueError(f"unknown framing version {version}")
    return n


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
    n = _read_frame_header(blob)
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
    n = _read_frame_header(blob)
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


# ---------------------------------------------------------------- checksums
def checksum(part: str, number: int, *chunks: bytes) -> bytes:
    """blake2b-256 of a stored part, personalised by the part and bound to the block number."""
    h = hashlib.blake2b(digest_size=32, person=_PARTS[part])
    h.update(number.to_bytes(8, "little", signed=True))
    for c in chunks:
        h.update(len(c).to_bytes(4, "little"))
        h.update(c)
    return h.digest()


def meta_checksum(key: str, value: str) -> bytes:
    """The checksum stored beside a row of the meta table."""
    return checksum("meta", 0, key.encode(), value.encode())


def meta_intact(key: str, value: object, stored_sum: object) -> bool:
    """Does a meta row read back (value of any SQL type) match its checksum?"""
    return type(value) is str and meta_checksum(key, value) == stored_sum


# ---------------------------------------------------------------- rows
def as_bytes(value: object, what: str) -> bytes:
    """`value` as bytes; bytearray/memoryview are copied, anything else is a TypeError."""
    if type(value) is bytes:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be bytes, not {type(value).__name__}")


def encode_row(b: StoredBlock) -> tuple[dict[bytes, bytes | None], BlockRow]:
    """Validate and encode a block into its blocks row (CPU only: callers run it outside the write
    lock); also returns a snapshot of its state changes."""
    n = b.number
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise BlockError(n, "block number must be a non-negative int")
    bh, ph = as_bytes(b.block_hash, "block_hash"), as_bytes(b.parent_hash, "parent_hash")
    header, events = as_bytes(b.header, "header"), as_bytes(b.events, "events")
    changes = dict(b.state_changes)  # a snapshot: the indexer must not see later mutations
    try:
        xblob = encode_list(b.extrinsics)
        cblob = encode_changes(list(changes.keys()), list(changes.values()))
    except TypeError as e:
        raise TypeError(f"block #{n}: extrinsics, state keys and values must be bytes (a value None for "
                        f"a deletion): {e}") from None
    return changes, (n, bh, ph, checksum("header", n, bh, ph, header), checksum("extrinsics", n, xblob),
                     checksum("state changes", n, cblob), checksum("events", n, events), header, events, xblob,
                     cblob)


def decode_row(row: BlockRow | None, n: int) -> StoredBlock:
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
