"""Decoded blocks as columns: what the indexer consumes, without one Python object per event.

`BlockColumns` holds a run of consecutive blocks column by column: one list per block field, and per
event type (and per call) one `TypedRows` whose meta columns and field columns are plain lists of
chain/codec.py values (the same values `DecodedEvent.fields` / `DecodedExtrinsic.args` hold).

Two ways to fill it:
- `BlockColumns.add(block)`: from a `DecodedBlock` of any `ChainClient` (the reference; works for every
  backend);
- `decode_stored_blocks(rt, stored, cols, pallet_error)`: the speed path for the embedded store: straight
  from the stored bytes, each event's fields appended to their columns by a compiled fixed-layout
  decoder (chain/codec_fast.py `compile_columns`) where the event has one. tests/chain/test_client_columns.py
  checks both give equal columns on a scenario chain.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from chain.codec import decode_compact
from chain.errors import CodecError
from chain.extrinsic import decode_extrinsic, split_extrinsic
from chain.hashing import blake2_256

BLOCK_FIELDS = ("block_number", "block_hash", "parent_hash", "state_root", "extrinsics_root", "timestamp_ms",
                "extrinsic_count", "event_count")
EVENT_META = ("block_number", "event_index", "extrinsic_index")
CALL_META = ("block_number", "extrinsic_index", "extrinsic_hash", "account", "nonce", "tip", "success", "error",
             "fee", "length")


class TypedRows:
    """Rows of one event type (or call): meta columns plus one column per field."""

    __slots__ = ("pallet", "name", "keys", "meta", "columns")

    def __init__(self, pallet: str, name: str, keys: tuple[str, ...], meta: tuple[str, ...]):
        self.pallet, self.name, self.keys = pallet, name, keys
        self.meta: dict[str, list[Any]] = {m: [] for m in meta}
        self.columns: list[list[Any]] = [[] for _ in keys]

    def __len__(self) -> int:
        return len(next(iter(self.meta.values())))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TypedRows) and (self.pallet, self.name, self.keys, self.meta, self.columns)
                == (other.pallet, other.name, other.keys, other.meta, other.columns))

    def __repr__(self) -> str:
        return f"TypedRows({self.pallet}.{self.name}, {len(self)} rows)"


class BlockColumns:
    """Columns of a run of consecutive blocks, filled block by block. Block hashes stay `bytes` here."""

    EVENT_META = EVENT_META
    CALL_META = CALL_META

    def __init__(self) -> None:
        self.blocks: dict[str, list[Any]] = {k: [] for k in BLOCK_FIELDS}
        self.event_groups: dict[tuple[str, str, tuple[str, ...]], TypedRows] = {}
        self.call_groups: dict[tuple[str, str, tuple[str, ...]], TypedRows] = {}
        self.first: int | None = None
        self.last: int | None = None
        self.n_extrinsics = 0
        self.n_events = 0

    @property
    def size(self) -> int:
        """Rows held (extrinsics + events): what the indexer's batch threshold counts."""
        return self.n_extrinsics + self.n_events

    def __len__(self) -> int:
        return len(self.blocks["block_number"])

    def _block(self, n: int, block_hash: bytes, parent: bytes, state_root: bytes, xt_root: bytes, ts: int,
               n_xts: int, n_events: int) -> None:
        if self.last is not None and n != self.last + 1:
            raise ValueError(f"blocks must be consecutive: #{n} after #{self.last}")
        if self.first is None:
            self.first = n
        self.last = n
        for k, v in zip(BLOCK_FIELDS, (n, block_hash, parent, state_root, xt_root, ts, n_xts, n_events)):
            self.blocks[k].append(v)
        self.n_extrinsics += n_xts
        self.n_events += n_events

    def add(self, block: Any) -> None:
        """Append one DecodedBlock (chain/client.py): the reference way, for any client."""
        n = block.number
        self._block(n, block.hash, block.parent_hash, block.state_root, block.extrinsics_root, block.timestamp_ms,
                    len(block.extrinsics), len(block.events))
        for xt in block.extrinsics:
            _append_row(_group(self.call_groups, xt.pallet, xt.call, tuple(xt.args), CALL_META),
                        (n, xt.index, xt.hash, xt.signer, xt.nonce, xt.tip, xt.success, xt.error, xt.fee, xt.length),
                        xt.args.values())
        for ev in block.events:
            _append_row(_group(self.event_groups, ev.pallet, ev.event, tuple(ev.fields), EVENT_META),
                        (n, ev.index, ev.extrinsic_index), ev.fields.values())

    def extend(self, blocks: Iterable[Any]) -> None:
        for b in blocks:
            self.add(b)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, BlockColumns) and self.blocks == other.blocks
                and self.event_groups == other.event_groups and self.call_groups == other.call_groups
                and (self.first, self.last, self.n_extrinsics, self.n_events)
                == (other.first, other.last, other.n_extrinsics, other.n_events))


# -- the speed path: straight from the embedded store's bytes ---------------------------------------------------
_FEE, _FAILED = 1, 2


class _EventKind:
    __slots__ = ("pallet", "name", "keys", "key", "body", "append", "special", "special_col")

    def __init__(self, pallet: str, ev: Any):
        from chain.codec_fast import compile_columns

        self.pallet, self.name, self.body = pallet, ev.name, ev.body
        self.keys = tuple(n for n, _ in ev.fields)
        self.key = (pallet, ev.name, self.keys)
        self.append = compile_columns(ev.body)
        self.special = (_FEE if (pallet, ev.name) == ("TransactionPayment", "TransactionFeePaid")
                        else _FAILED if (pallet, ev.name) == ("System", "ExtrinsicFailed") else 0)
        self.special_col = self.keys.index("actual_fee" if self.special == _FEE else "dispatch_error") if self.special else 0


class _CallKind:
    __slots__ = ("pallet", "name", "keys", "append", "now")

    def __init__(self, pallet: str, c: Any):
        from chain.codec import Struct
        from chain.codec_fast import compile_columns

        self.pallet, self.name = pallet, c.name
        self.keys = tuple(n for n, _ in c.args)
        self.append = compile_columns(Struct(f"call::{pallet}::{c.name}", tuple(c.args))) if c.args else None
        self.now = self.keys.index("now") if pallet == "Timestamp" and "now" in self.keys else -1


_KINDS: list[Any] = [None, None, None]  # (runtime, its event kinds, its call kinds by pallet index << 8 | index)


def _kinds(rt: Any) -> tuple[dict[int, _EventKind], dict[int, _CallKind]]:
    if _KINDS[0] is not rt:  # unnamed fields (a lone "" field): the reference handles those
        _KINDS[:] = [rt, {p.INDEX << 8 | e.index: _EventKind(p.NAME, e) for p in rt.pallets for e in p.EVENTS
                          if not any(n == "" for n, _ in e.fields)},
                     {p.INDEX << 8 | c.index: _CallKind(p.NAME, c) for p in rt.pallets for c in p.CALLS
                      if not any(n == "" for n, _ in c.args)}]
    return _KINDS[1], _KINDS[2]


class _Fallback(Exception):
    """A block the speed path does not handle (an unknown event, an odd phase): decode it the reference way."""


def decode_stored_blocks(rt: Any, stored: Iterable[Any], cols: BlockColumns, pallet_error: Callable[[int, int], str],
                         reference: Callable[[int], Any], events_at: Callable[[int], bytes | None]) -> None:
    """Append stored blocks (chain/store_format.py StoredBlock) to `cols`, decoding their bytes directly.

    Gives the same columns as `cols.add(EmbeddedClient.block(n))` (tests/chain/test_client_columns.py);
    a block it cannot handle is rolled back and goes through `reference(n)` (a DecodedBlock) instead.
    A block's events are its row's events part, or, where that is empty (some blocks are stored without
    it), `events_at(n)`: the System.Events value after the block, which is what EmbeddedClient reads.
    """
    kinds, call_kinds = _kinds(rt)
    ev_slots: dict[int, tuple[Any, ...]] = {}  # event code -> its group's lists, for this `cols`
    call_slots: dict[int, tuple[Any, ...]] = {}
    for sb in stored:
        marks = {k: len(g) for k, g in cols.event_groups.items()}
        try:
            n_events, outcome = _append_events(kinds, ev_slots, cols, sb.number, block_events(sb, events_at))
        except _Fallback:
            _truncate(cols.event_groups, marks)
            ev_slots.clear()
            cols.add(reference(sb.number))
            continue
        _append_extrinsics(rt, call_kinds, call_slots, cols, sb, n_events, outcome, pallet_error)


def block_events(sb: Any, events_at: Callable[[int], bytes | None]) -> bytes:
    """The System.Events bytes of a stored block (see decode_stored_blocks)."""
    if sb.number <= 0:
        return b""
    return sb.events or events_at(sb.number) or b""


def _truncate(groups: dict[Any, TypedRows], marks: dict[Any, int]) -> None:
    for k in [k for k in groups if k not in marks]:
        del groups[k]
    for k, n in marks.items():
        g = groups[k]
        for c in (*g.meta.values(), *g.columns):
            del c[n:]


def _group(groups: dict[Any, TypedRows], pallet: str, name: str, keys: tuple[str, ...], meta: tuple[str, ...]) -> TypedRows:
    g = groups.get((pallet, name, keys))
    if g is None:
        g = groups[(pallet, name, keys)] = TypedRows(pallet, name, keys, meta)
    return g


def _append_row(g: TypedRows, meta: Iterable[Any], values: Iterable[Any]) -> None:
    for col, v in zip(g.meta.values(), meta):  # meta columns in EVENT_META / CALL_META order
        col.append(v)
    for col, v in zip(g.columns, values):
        col.append(v)


def _append_events(kinds: dict[int, _EventKind], slots: dict[int, tuple[Any, ...]], cols: BlockColumns, n: int,
                   raw: bytes) -> tuple[int, dict[int, list[Any]]]:
    """Append one block's events to their groups; returns (count, {extrinsic index: [success, error value,
    fee]}). Raises _Fallback for anything unusual (the caller rolls the groups back)."""
    outcome: dict[int, list[Any]] = {}
    if not raw:
        return 0, outcome
    try:
        return _append_events_from(kinds, slots, cols, n, raw, outcome)
    except IndexError:  # truncated: the reference decoder raises the proper CodecError
        raise _Fallback from None


def _event_slot(kinds: dict[int, _EventKind], cols: BlockColumns, code: int) -> tuple[Any, ...]:
    kind = kinds.get(code)
    if kind is None:
        raise _Fallback
    g = _group(cols.event_groups, kind.pallet, kind.name, kind.keys, EVENT_META)
    m = g.meta
    return (kind.append, kind.body, g.columns, m["block_number"], m["event_index"], m["extrinsic_index"],
            kind.special, kind.special_col)


def _append_events_from(kinds: dict[int, _EventKind], slots: dict[int, tuple[Any, ...]], cols: BlockColumns,
                        n: int, raw: bytes, outcome: dict[int, list[Any]]) -> tuple[int, dict[int, list[Any]]]:
    count, pos = decode_compact(raw, 0)
    from_bytes = int.from_bytes
    for index in range(count):
        tag = raw[pos]
        if tag == 0:
            xi: int | None = from_bytes(raw[pos + 1:pos + 5], "little")
            pos += 5
        elif tag == 1 or tag == 2:
            xi = None
            pos += 1
        else:
            raise _Fallback
        code = raw[pos] << 8 | raw[pos + 1]
        slot = slots.get(code)
        if slot is None:
            slot = slots[code] = _event_slot(kinds, cols, code)
        append, body, columns, block_numbers, indices, xis, special, special_col = slot
        if append is not None:
            try:
                pos = append(raw, pos + 2, columns)
            except KeyError:  # an enum index the declarations do not know
                raise _Fallback from None
        else:  # no fields
            pos = body.decode_from(raw, pos + 2)[1]
        block_numbers.append(n)
        indices.append(index)
        xis.append(xi)
        if special and xi is not None:
            o = outcome.get(xi)
            if o is None:
                o = outcome[xi] = [True, None, 0]
            value = columns[special_col][-1]
            if special == _FEE:
                o[2] = value
            else:
                o[0], o[1] = False, value
        if raw[pos] == 0:  # topics: almost always none
            pos += 1
        else:
            topics, pos = decode_compact(raw, pos)
            pos += 32 * topics
    if pos != len(raw):
        raise CodecError(f"{len(raw) - pos} trailing bytes after the events")
    return count, outcome


def _append_extrinsics(rt: Any, call_kinds: dict[int, _CallKind], slots: dict[int, tuple[Any, ...]],
                       cols: BlockColumns, sb: Any, n_events: int, outcome: dict[int, list[Any]],
                       pallet_error: Callable[[int, int], str]) -> None:
    from chain.block import Header
    from chain.client import error_name

    n = sb.number
    h = Header.decode(sb.header)
    ts = 0
    raws = sb.extrinsics
    for i, raw in enumerate(raws):
        parts = split_extrinsic(raw)
        if parts is None:
            xt = decode_extrinsic(raw)  # the reference: decodes the unusual, raises on the malformed
            signer, nonce, tip, at = xt.signer, xt.nonce if xt.signed else None, xt.tip, len(raw) - len(xt.call_bytes)
        else:
            signer, nonce, tip, at = parts
        g, meta = _append_call(rt, call_kinds, slots, cols.call_groups, raw, at)
        if i == 0 and g.pallet == "Timestamp" and "now" in g.keys:
            ts = g.columns[g.keys.index("now")][-1]
        o = outcome.get(i)
        block_numbers, indices, hashes, accounts, nonces, tips, successes, errors, fees, lengths = meta
        block_numbers.append(n)
        indices.append(i)
        hashes.append(blake2_256(raw))
        accounts.append(signer)
        nonces.append(nonce)
        tips.append(tip)
        if o is None:
            successes.append(True)
            errors.append(None)
            fees.append(0)
        else:
            successes.append(o[0])
            errors.append(None if o[0] else error_name(o[1], pallet_error))
            fees.append(o[2])
        lengths.append(len(raw))
    cols._block(n, sb.hash, h.parent_hash, h.state_root, h.extrinsics_root, ts, len(raws), n_events)


def _append_call(rt: Any, call_kinds: dict[int, _CallKind], slots: dict[int, tuple[Any, ...]],
                 calls: dict[Any, TypedRows], raw: bytes, at: int) -> tuple[TypedRows, tuple[list[Any], ...]]:
    """Append the args of the call at raw[at:] to its group's columns; returns the group and its meta lists."""
    code = raw[at] << 8 | raw[at + 1] if at + 1 < len(raw) else -1
    slot = slots.get(code)
    if slot is None:
        kind = call_kinds.get(code)
        if kind is not None:
            g = _group(calls, kind.pallet, kind.name, kind.keys, CALL_META)
            slot = slots[code] = (g, kind.append, tuple(g.meta[k] for k in CALL_META))
    if slot is not None:
        g, append, meta = slot
        if append is None:
            if at + 2 == len(raw):
                return g, meta
        else:
            try:
                end = append(raw, at + 2, g.columns)
            except (KeyError, IndexError, CodecError):
                end = -1
            else:
                if end == len(raw):
                    return g, meta
                for c in g.columns:  # trailing bytes: undo, and let the reference raise
                    c.pop()
    pallet, (name, args) = rt.decode_call(raw[at:])
    args = args or {}
    g = _group(calls, pallet, name, tuple(args), CALL_META)
    for col, v in zip(g.columns, args.values()):
        col.append(v)
    return g, tuple(g.meta[k] for k in CALL_META)
