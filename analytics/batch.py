"""Decoded blocks -> columns -> Arrow tables: one batch of blocks, appended to DuckDB in bulk.

Events (and extrinsics) are grouped by type, because every event of one type has the same fields:
each field becomes one Arrow column (account ids and hashes as `0x` hex text, integers as int64 /
uint64, or as exact decimal text when larger, nested values as JSON), and DuckDB turns the struct of
those columns into the `fields` JSON with `to_json`. So the per-event work in Python is a few list
appends, and JSON is written by DuckDB's vectorized C++.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import numpy as np
import pyarrow as pa

from analytics.values import compact_json, plain

I64_MIN, I64_MAX, U64_MAX = -(2**63), 2**63 - 1, 2**64 - 1
EMPTY = pa.json_()


def amount_array(values: list[int | None]) -> pa.Array:
    """Exact integers of any size as Arrow: uint64 if all fit, else decimal text (cast to HUGEINT in SQL)."""
    try:
        return pa.array(values, pa.uint64())
    except (OverflowError, pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


_HEX: dict[bytes, str] = {}  # account ids repeat across millions of events: hex them once


def hex_list(values: list[Any]) -> list[str | None]:
    cache = _HEX
    if len(cache) > 2_000_000:
        cache.clear()
    out: list[str | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        h = cache.get(v)
        if h is None:
            h = cache[v] = "0x" + v.hex()
        out.append(h)
    return out


_NONE = type(None)


# "0x", then two hex digits a byte: each byte indexes a 2-byte pair (little-endian u16: first digit low)
_HEX_PAIRS = np.array([b"0123456789abcdef"[i >> 4] | (b"0123456789abcdef"[i & 15] << 8) for i in range(256)], dtype="<u2")
_PREFIX_0X = ord("0") | (ord("x") << 8)


def hex_array(values: list[Any]) -> pa.Array:
    """Byte strings as `0x` hex text. Equal-length values without None (account ids, hashes) are converted in
    one vectorized pass; anything else goes through hex_list."""
    n = len(values)
    width = len(values[0]) if n and type(values[0]) is bytes else -1
    if width <= 0 or None in values or set(map(len, values)) != {width}:
        return pa.array(hex_list(values), pa.string())
    raw = np.frombuffer(b"".join(values), dtype=np.uint8).reshape(n, width)
    out = np.empty((n, 1 + width), dtype="<u2")
    out[:, 0] = _PREFIX_0X
    out[:, 1:] = _HEX_PAIRS[raw]
    step = 2 + 2 * width
    offsets = np.arange(0, (n + 1) * step, step, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(out.view(np.uint8)))


def value_array(values: list[Any]) -> pa.Array:
    """One field's values as the Arrow column whose to_json is the value's JSON (see module doc)."""
    types = set(map(type, values))
    has_none = _NONE in types
    types.discard(_NONE)
    if not types:
        return pa.nulls(len(values))
    if len(types) == 1:
        kind = types.pop()
        if kind is bytes:
            return hex_array(values)
        if kind is bool:
            return pa.array(values, pa.bool_())
        if kind is str:
            return pa.array(values, pa.string())
        if kind is int:
            present = [v for v in values if v is not None] if has_none else values
            lo, hi = min(present), max(present)
            if lo >= I64_MIN and hi <= I64_MAX:
                return pa.array(values, pa.int64())
            if lo >= 0 and hi <= U64_MAX:
                return pa.array(values, pa.uint64())
            return pa.array([None if v is None else str(v) for v in values], EMPTY)  # exact JSON number text
        if kind is dict and not has_none:
            keys = list(values[0])
            if keys and len(set(map(len, values))) == 1:  # a struct: one column per field, recursively
                try:
                    children = [value_array([v[k] for v in values]) for k in keys]
                except KeyError:  # not all the same fields after all
                    pass
                else:
                    return pa.StructArray.from_arrays(children, names=keys)
        if kind is tuple and not has_none and set(map(len, values)) == {2}:
            variants = {v[0] for v in values}
            if all(type(x) is str for x in variants):
                payloads = [v[1] for v in values]
                if set(map(type, payloads)) == {_NONE}:
                    return pa.array([v[0] for v in values], pa.string())  # unit enum variants: "Variant"
                if len(variants) == 1:  # one variant with a payload: {"Variant": payload}
                    return pa.StructArray.from_arrays([value_array(payloads)], names=[variants.pop()])
    return pa.array([None if v is None else compact_json(plain(v)) for v in values], EMPTY)


def fields_array(keys: tuple[str, ...], columns: list[list[Any]], n: int) -> pa.Array:
    if not keys:
        return pa.array(["{}"] * n, EMPTY)
    return pa.StructArray.from_arrays([value_array(c) for c in columns], names=list(keys))


class TypedRows:
    """Rows of one event type (or call): meta columns plus one column per field."""

    __slots__ = ("pallet", "name", "keys", "meta", "columns")

    def __init__(self, pallet: str, name: str, keys: tuple[str, ...], meta: tuple[str, ...]):
        self.pallet, self.name, self.keys = pallet, name, keys
        self.meta: dict[str, list[Any]] = {m: [] for m in meta}
        self.columns: list[list[Any]] = [[] for _ in keys]

    def __len__(self) -> int:
        return len(next(iter(self.meta.values())))


@dataclass
class BlockBatch:
    """Columns of a run of consecutive blocks, filled block by block."""

    blocks: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in (
        "block_number", "block_hash", "parent_hash", "state_root", "extrinsics_root", "timestamp_ms",
        "extrinsic_count", "event_count")})
    event_groups: dict[tuple[str, str, tuple[str, ...]], TypedRows] = field(default_factory=dict)
    call_groups: dict[tuple[str, str, tuple[str, ...]], TypedRows] = field(default_factory=dict)
    first: int | None = None
    last: int | None = None
    last_hash: str | None = None
    n_extrinsics: int = 0
    n_events: int = 0

    EVENT_META = ("block_number", "event_index", "extrinsic_index")
    CALL_META = ("block_number", "extrinsic_index", "extrinsic_hash", "account", "nonce", "tip", "success", "error",
                 "fee", "length")

    @property
    def size(self) -> int:
        """Rows held (extrinsics + events): what the batch threshold counts."""
        return self.n_extrinsics + self.n_events

    def __len__(self) -> int:
        return len(self.blocks["block_number"])

    def add(self, block: Any) -> None:
        """Append one DecodedBlock (chain/client.py)."""
        n = block.number
        if self.last is not None and n != self.last + 1:
            raise ValueError(f"blocks must be consecutive: #{n} after #{self.last}")
        if self.first is None:
            self.first = n
        self.last = n
        b = self.blocks
        self.last_hash = "0x" + block.hash.hex()
        b["block_number"].append(n)
        b["block_hash"].append(self.last_hash)
        b["parent_hash"].append("0x" + block.parent_hash.hex())
        b["state_root"].append("0x" + block.state_root.hex())
        b["extrinsics_root"].append("0x" + block.extrinsics_root.hex())
        b["timestamp_ms"].append(block.timestamp_ms)
        b["extrinsic_count"].append(len(block.extrinsics))
        b["event_count"].append(len(block.events))
        calls = self.call_groups
        for xt in block.extrinsics:
            args = xt.args
            key = (xt.pallet, xt.call, tuple(args))
            g = calls.get(key)
            if g is None:
                g = calls[key] = TypedRows(xt.pallet, xt.call, key[2], self.CALL_META)
            m = g.meta
            m["block_number"].append(n)
            m["extrinsic_index"].append(xt.index)
            m["extrinsic_hash"].append(xt.hash)
            m["account"].append(xt.signer)
            m["nonce"].append(xt.nonce)
            m["tip"].append(xt.tip)
            m["success"].append(xt.success)
            m["error"].append(xt.error)
            m["fee"].append(xt.fee)
            m["length"].append(xt.length)
            for col, v in zip(g.columns, args.values()):
                col.append(v)
        self.n_extrinsics += len(block.extrinsics)
        groups = self.event_groups
        for ev in block.events:
            f = ev.fields
            key = (ev.pallet, ev.event, tuple(f))
            g = groups.get(key)
            if g is None:
                g = groups[key] = TypedRows(ev.pallet, ev.event, key[2], self.EVENT_META)
            m = g.meta
            m["block_number"].append(n)
            m["event_index"].append(ev.index)
            m["extrinsic_index"].append(ev.extrinsic_index)
            for col, v in zip(g.columns, f.values()):
                col.append(v)
        self.n_events += len(block.events)

    def extend(self, blocks: Iterable[Any]) -> None:
        for b in blocks:
            self.add(b)

    # -- Arrow ------------------------------------------------------------------------------------------
    def blocks_table(self) -> pa.Table:
        b = self.blocks
        return pa.table({
            "block_number": pa.array(b["block_number"], pa.int64()),
            "block_hash": pa.array(b["block_hash"], pa.string()),
            "parent_hash": pa.array(b["parent_hash"], pa.string()),
            "state_root": pa.array(b["state_root"], pa.string()),
            "extrinsics_root": pa.array(b["extrinsics_root"], pa.string()),
            "timestamp_ms": pa.array(b["timestamp_ms"], pa.int64()),
            "extrinsic_count": pa.array(b["extrinsic_count"], pa.int32()),
            "event_count": pa.array(b["event_count"], pa.int32()),
        })

    def event_tables(self) -> Iterator[tuple[str, str, pa.Table]]:
        """(pallet, event, rows) per event type: block_number, event_index, extrinsic_index, fields (struct)."""
        for g in self.event_groups.values():
            m = g.meta
            yield g.pallet, g.name, pa.table({
                "block_number": pa.array(m["block_number"], pa.int64()),
                "event_index": pa.array(m["event_index"], pa.int32()),
                "extrinsic_index": pa.array(m["extrinsic_index"], pa.int32()),
                "fields": fields_array(g.keys, g.columns, len(g)),
            })

    def extrinsic_tables(self) -> Iterator[tuple[str, str, pa.Table]]:
        """(pallet, call, rows) per call: the extrinsic columns and args (struct)."""
        for g in self.call_groups.values():
            m = g.meta
            yield g.pallet, g.name, pa.table({
                "block_number": pa.array(m["block_number"], pa.int64()),
                "extrinsic_index": pa.array(m["extrinsic_index"], pa.int32()),
                "extrinsic_hash": hex_array(m["extrinsic_hash"]),
                "account": hex_array(m["account"]),
                "nonce": pa.array(m["nonce"], pa.int64()),
                "tip": amount_array(m["tip"]),
                "success": pa.array(m["success"], pa.bool_()),
                "error": pa.array(m["error"], pa.string()),
                "fee": amount_array(m["fee"]),
                "length": pa.array(m["length"], pa.int32()),
                "args": fields_array(g.keys, g.columns, len(g)),
            })
