"""Decoded blocks -> columns -> Arrow tables: one batch of blocks, appended to DuckDB in bulk.

Events (and extrinsics) are grouped by type, because every event of one type has the same fields:
each field becomes one Arrow column (account ids and hashes as `0x` hex text, integers as int64 /
uint64, or as exact decimal text when larger, nested values as JSON), and DuckDB turns the struct of
those columns into the `fields` JSON with `to_json`. So the per-event work in Python is a few list
appends, and JSON is written by DuckDB's vectorized C++.

The columns are chain/client_columns.py's `BlockColumns` (filled by the chain client, from DecodedBlocks
or its columnar speed path); `BlockBatch.tables()` makes them a `BatchTables`: all the batch's extrinsics in
one table and all its events in another, JSON already made (on an in-memory DuckDB connection of the
thread or decoding process that builds it), so the writer appends each with one statement.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Iterator

import duckdb
import numpy as np
import pyarrow as pa

from analytics.db import bind, statements

from analytics.values import compact_json, plain
from chain.client import BlockColumns

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
            try:
                return pa.array(values, pa.int64())
            except (OverflowError, pa.ArrowInvalid):  # some value outside int64
                pass
            present = [v for v in values if v is not None] if has_none else values
            if min(present) >= 0 and max(present) <= U64_MAX:
                return pa.array(values, pa.uint64())
            return pa.array([None if v is None else str(v) for v in values], EMPTY)  # exact JSON number text
        if kind is dict and not has_none:
            keys = list(values[0])
            if keys and len(set(map(len, values))) == 1:  # a struct: one column per field, recursively
                try:
                    children = [value_array(list(map(itemgetter(k), values))) for k in keys]
                except KeyError:  # not all the same fields after all
                    pass
                else:
                    return pa.StructArray.from_arrays(children, names=keys)
        if kind is tuple and not has_none and set(map(len, values)) == {2}:
            names = list(map(itemgetter(0), values))
            variants = set(names)
            if all(type(x) is str for x in variants):
                payloads = list(map(itemgetter(1), values))
                if set(map(type, payloads)) == {_NONE}:
                    return pa.array(names, pa.string())  # unit enum variants: "Variant"
                if len(variants) == 1:  # one variant with a payload: {"Variant": payload}
                    return pa.StructArray.from_arrays([value_array(payloads)], names=[variants.pop()])
    return pa.array([None if v is None else compact_json(plain(v)) for v in values], EMPTY)


def fields_array(keys: tuple[str, ...], columns: list[list[Any]], n: int) -> pa.Array:
    if not keys:
        return pa.array(["{}"] * n, EMPTY)
    return pa.StructArray.from_arrays([value_array(c) for c in columns], names=list(keys))


@dataclass
class BatchTables:
    """One batch as Arrow tables, ready to append: what a decoding worker process hands the writer (it
    pickles as Arrow IPC buffers)."""

    first: int
    last: int
    last_hash: str
    parent_hash: str   # of the first block
    n_blocks: int
    n_extrinsics: int
    n_events: int
    blocks: pa.Table
    extrinsics: pa.Table | None   # rows of load/extrinsic_rows (None: no extrinsics)
    events: pa.Table | None       # rows of load/event_rows (None: no events), one event type after another
    present: frozenset[tuple[str, str]]  # the (pallet, event) types in the batch

    @property
    def size(self) -> int:
        return self.n_extrinsics + self.n_events

    def __len__(self) -> int:
        return self.n_blocks


_LOCAL = threading.local()


def _scratch() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB connection for turning a batch's structs into JSON."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = _LOCAL.con = duckdb.connect(config={"threads": 1, "autoinstall_known_extensions": False,
                                                  "autoload_known_extensions": False})
    return con


def _rows(con: duckdb.DuckDBPyConnection, query: str, source: str, kind: str,
          tables: Iterator[tuple[str, str, pa.Table]]) -> pa.Table | None:
    """One SQL file run over each type's table (registered as `source`), the results concatenated."""
    (sql,) = statements(query)
    parts = []
    for pallet, name, table in tables:
        con.register(source, table)
        try:
            parts.append(con.sql(sql, params=bind(sql, {"pallet": pallet, kind: name})).to_arrow_table())
        finally:
            con.unregister(source)
    return pa.concat_tables(parts) if parts else None


class BlockBatch(BlockColumns):
    """Columns of a run of consecutive blocks (chain/client_columns.py), made Arrow tables here. Filled
    block by block from DecodedBlocks (`add`) or by a client's `block_columns(start, end, into=batch)`."""

    @property
    def last_hash(self) -> str | None:
        return None if self.last is None else "0x" + self.blocks["block_hash"][-1].hex()

    def tables(self) -> BatchTables:
        """The batch as Arrow tables: blocks, and all extrinsics and all events each in one table, their
        args and fields made JSON here (by DuckDB's to_json on a scratch connection of this thread)."""
        assert self.first is not None and self.last is not None and self.last_hash is not None
        con = _scratch()
        xts = _rows(con, "load/extrinsic_rows", "batch_extrinsics", "call", self.extrinsic_tables())
        evs = _rows(con, "load/event_rows", "batch_events", "event", self.event_tables())
        return BatchTables(self.first, self.last, self.last_hash, "0x" + self.blocks["parent_hash"][0].hex(), len(self),
                           self.n_extrinsics, self.n_events, self.blocks_table(), xts, evs,
                           frozenset((g.pallet, g.name) for g in self.event_groups.values()))

    # -- Arrow ------------------------------------------------------------------------------------------
    def blocks_table(self) -> pa.Table:
        b = self.blocks
        return pa.table({
            "block_number": pa.array(b["block_number"], pa.int64()),
            "block_hash": hex_array(b["block_hash"]),
            "parent_hash": hex_array(b["parent_hash"]),
            "state_root": hex_array(b["state_root"]),
            "extrinsics_root": hex_array(b["extrinsics_root"]),
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
