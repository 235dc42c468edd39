"""The one chain client interface the dashboard and the indexer use, for both backends.

`EmbeddedClient` runs the native node in-process (the default: nothing to install or start).
`RemoteClient` (chain/remote.py) talks to any Substrate node over JSON-RPC through substrate-interface.
Both return the same plain shapes, with values in chain/codec.py's Python forms: account ids and hashes
as `bytes`, balances as `int`, enums as `(variant, payload)`, structs as `dict`. Pages and analytics must
not reach past this interface into chain internals.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from chain.client_columns import BlockColumns, block_events, decode_stored_blocks
from chain.errors import ChainError, InvalidTransaction
from chain.extrinsic import Signer, decode_extrinsic, sign_extrinsic
from chain.types import SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, mortal_era


class PalletMissing(ChainError):
    """Raised when a page or query needs a pallet the connected chain does not have."""

    def __init__(self, pallet: str, chain: str = "this chain"):
        self.pallet = pallet
        super().__init__(f"{chain} has no {pallet} pallet")


@dataclass(frozen=True)
class ChainInfo:
    name: str
    genesis_hash: bytes
    spec_name: str
    spec_version: int
    tx_version: int
    token_symbol: str
    token_decimals: int
    ss58_prefix: int
    pallets: tuple[str, ...]
    blocks_per_day: int
    backend: str  # "embedded" | "remote"


@dataclass(frozen=True)
class DecodedEvent:
    index: int  # position in the block's event list
    extrinsic_index: int | None  # None for Initialization / Finalization phases
    pallet: str
    event: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DecodedExtrinsic:
    index: int
    hash: bytes
    signer: bytes | None
    nonce: int | None
    tip: int
    pallet: str
    call: str
    args: dict[str, Any]
    success: bool
    error: str | None  # "Pallet.ErrorName" or the DispatchError variant
    fee: int
    length: int


@dataclass(frozen=True)
class DecodedBlock:
    number: int
    hash: bytes
    parent_hash: bytes
    state_root: bytes
    extrinsics_root: bytes
    timestamp_ms: int
    extrinsics: list[DecodedExtrinsic]
    events: list[DecodedEvent]


@dataclass(frozen=True)
class Receipt:
    """What became of a submitted extrinsic."""

    hash: bytes
    block_number: int
    block_hash: bytes
    extrinsic_index: int
    success: bool
    error: str | None
    events: list[DecodedEvent] = field(default_factory=list)


class ChainClient(Protocol):
    def info(self) -> ChainInfo: ...
    def head(self) -> int: ...
    def block_hash(self, number: int) -> bytes | None: ...
    def block(self, number: int) -> DecodedBlock: ...
    def blocks(self, start: int, end: int) -> Iterator[DecodedBlock]: ...
    def has_pallet(self, name: str) -> bool: ...
    def storage(self, pallet: str, item: str, *keys: Any, at: int | None = None) -> Any: ...
    def storage_iter(self, pallet: str, item: str, *first_keys: Any, at: int | None = None) -> Iterator[tuple[tuple, Any]]: ...
    def account(self, who: bytes) -> dict[str, Any]: ...
    def nonce(self, who: bytes) -> int: ...
    def submit(self, xt: bytes) -> bytes: ...
    def sign_and_submit(self, signer: Signer, pallet: str, call: str, args: dict[str, Any], *, mortal: bool = False) -> Receipt: ...
    def close(self) -> None: ...


def error_name(dispatch_error: Any, pallet_errors: Callable[[int, int], str]) -> str:
    """Readable name of a DispatchError value: `Pallet.Error` for module errors, else the variant."""
    variant, payload = dispatch_error
    if variant == "Module":
        return pallet_errors(payload["index"], payload["error"][0])
    if payload and isinstance(payload, tuple):
        return f"{variant}.{payload[0]}"
    return variant


def summarize_extrinsics(raws: list[bytes], decode_call: Callable[[bytes], Any], events: list[DecodedEvent],
                         pallet_errors: Callable[[int, int], str]) -> list[DecodedExtrinsic]:
    """Join a block's extrinsics with their outcome and fee from the block's events."""
    by_xt: dict[int, list[DecodedEvent]] = {}
    for ev in events:
        if ev.extrinsic_index is not None:
            by_xt.setdefault(ev.extrinsic_index, []).append(ev)
    out = []
    for i, raw in enumerate(raws):
        xt = decode_extrinsic(raw)
        pallet, (name, args) = decode_call(xt.call_bytes)
        success, err, fee = True, None, 0
        for ev in by_xt.get(i, ()):
            if ev.pallet == "System" and ev.event == "ExtrinsicFailed":
                success, err = False, error_name(ev.fields["dispatch_error"], pallet_errors)
            elif ev.pallet == "TransactionPayment" and ev.event == "TransactionFeePaid":
                fee = ev.fields["actual_fee"]
        out.append(DecodedExtrinsic(i, xt.hash, xt.signer, xt.nonce if xt.signed else None, xt.tip, pallet, name,
                                    args or {}, success, err, fee, len(raw)))
    return out


def pallet_error_name(rt: Any, pallet_index: int, error_index: int) -> str:
    p = rt.by_index.get(pallet_index)
    if p is None:
        return f"Module({pallet_index}).{error_index}"
    for e in p.ERRORS:
        if e.index == error_index:
            return f"{p.NAME}.{e.name}"
    return f"{p.NAME}.{error_index}"


def decoded_block(rt: Any, header: Any, block_hash: bytes, raws: list[bytes], raw_events: bytes | None,
                  pallet_error: Callable[[int, int], str]) -> DecodedBlock:
    """A block's DecodedBlock from its header, extrinsic bytes and System.Events bytes (the reference way)."""
    events = [DecodedEvent(e["index"], e["phase"][1] if e["phase"][0] == "ApplyExtrinsic" else None,
                           e["pallet"], e["event"], e["fields"]) for e in (rt.decode_events(raw_events) if raw_events else [])]
    xts = summarize_extrinsics(raws, rt.decode_call, events, pallet_error)
    ts = xts[0].args["now"] if xts and xts[0].pallet == "Timestamp" else 0
    h = header
    return DecodedBlock(h.number, block_hash, h.parent_hash, h.state_root, h.extrinsics_root, ts, xts, events)


class _StoredBlocks:
    """Block reads shared by the clients over a local block store: `blocks` and the columnar speed path."""

    def _runtime_and_store(self) -> tuple[Any, Any]:
        raise NotImplementedError

    def block(self, number: int) -> DecodedBlock:
        raise NotImplementedError

    def _events_at(self, number: int) -> bytes | None:
        """System.Events after block `number` (from the state history)."""
        raise NotImplementedError

    def _pallet_error(self, pallet_index: int, error_index: int) -> str:
        return pallet_error_name(self._runtime_and_store()[0], pallet_index, error_index)

    def blocks(self, start: int, end: int) -> Iterator[DecodedBlock]:
        for n in range(start, end + 1):
            yield self.block(n)

    def block_columns(self, start: int, end: int, into: BlockColumns | None = None) -> BlockColumns:
        """Blocks start..end as columns (chain/client_columns.py), decoded straight from the stored bytes;
        the same columns as BlockColumns.add of each `block(n)`."""
        rt, store = self._runtime_and_store()
        cols = BlockColumns() if into is None else into
        decode_stored_blocks(rt, store.iter_blocks(start, end), cols, self._pallet_error, self.block, self._events_at)
        return cols


class StoreReader(_StoredBlocks):
    """Read-only decoding of a data directory's blocks, for another process than the node's (the indexer's
    decoding workers): the block store opened read-only (no lock) and a runtime used only to decode.
    Blocks decode exactly as through EmbeddedClient."""

    def __init__(self, base_path: str | Path, pallets: tuple[str, ...] | None = None):
        import importlib

        from chain.runtime import Runtime
        from chain.store import BlockStore

        classes = None
        if pallets is not None:
            classes = [getattr(importlib.import_module(m), c) for m, c in (p.split(":", 1) for p in pallets)]
        self.rt = Runtime(pallet_classes=classes)
        self.store = BlockStore(base_path, read_only=True)

    def _runtime_and_store(self) -> tuple[Any, Any]:
        return self.rt, self.store

    def _events_at(self, number: int) -> bytes | None:
        return self.store.storage_at(self.rt.events_key, number)

    def head(self) -> int:
        head = self.store.head()
        return -1 if head is None else head[0]

    def block(self, number: int) -> DecodedBlock:
        from chain.block import Header

        sb = self.store.get_block(number)
        if sb is None:
            raise ChainError(f"no block #{number}")
        return decoded_block(self.rt, Header.decode(sb.header), sb.hash, sb.extrinsics, block_events(sb, self._events_at),
                             self._pallet_error)

    def close(self) -> None:
        self.store.close()


def open_reader(kind: str, where: str, pallets: tuple[str, ...] | None = None) -> Any:
    """A read-only client from a `reader_spec()`: "embedded" -> StoreReader on the data directory."""
    if kind == "embedded":
        return StoreReader(where, pallets)
    raise ValueError(f"no reader for {kind!r} clients")


class EmbeddedClient(_StoredBlocks):
    """The native node in-process. Thread-safe: the node's lock guards every state access."""

    def __init__(self, base_path: str | Path, genesis_config: dict[str, Any] | None = None, *, seal: str = "instant"):
        from chain.node import Node

        self.node = Node(base_path, genesis_config, seal=seal)

    @classmethod
    def from_node(cls, node: Any) -> "EmbeddedClient":
        self = cls.__new__(cls)
        self.node = node
        return self

    # -- identity -------------------------------------------------------------------------------------
    def info(self) -> ChainInfo:
        from chain.runtime import SPEC_NAME, SPEC_VERSION, TX_VERSION

        rt = self.node.rt
        return ChainInfo(self.node.chain_name, self.node.genesis_hash, SPEC_NAME, SPEC_VERSION, TX_VERSION,
                         TOKEN_SYMBOL, TOKEN_DECIMALS, SS58_PREFIX, tuple(p.NAME for p in rt.pallets),
                         rt.blocks_per_day, "embedded")

    def has_pallet(self, name: str) -> bool:
        return self.node.rt.has_pallet(name)

    def _runtime_and_store(self) -> tuple[Any, Any]:
        return self.node.rt, self.node.store

    def _events_at(self, number: int) -> bytes | None:
        return self.node.storage(self.node.rt.events_key, number)

    # -- blocks ---------------------------------------------------------------------------------------------
    def head(self) -> int:
        return self.node.head.number

    def block_hash(self, number: int) -> bytes | None:
        return self.node.block_hash(number)

    def block(self, number: int) -> DecodedBlock:
        node = self.node
        blk = node.get_block(number)
        if blk is None:
            raise ChainError(f"no block #{number} (head is #{node.head.number})")
        return decoded_block(node.rt, blk.header, blk.header.hash, blk.extrinsics, self._events_at(number),
                             self._pallet_error)

    def reader_spec(self) -> tuple[str, str, tuple[str, ...]]:
        """How another process opens a read-only view of this chain (`open_reader(*spec)`): the data
        directory and the runtime's pallet classes (`module:Class`), so it decodes with the same ones."""
        return ("embedded", str(self.node.base_path),
                tuple(f"{type(p).__module__}:{type(p).__qualname__}" for p in self.node.rt.pallets))

    # -- state ------------------------------------------------------------------------------------------------
    def _item(self, pallet: str, item: str) -> Any:
        rt = self.node.rt
        if not rt.has_pallet(pallet):
            raise PalletMissing(pallet, self.node.chain_name)
        try:
            return rt.pallet(pallet).storage[item]
        except KeyError:
            raise ChainError(f"{pallet} has no storage item {item!r}") from None

    def storage(self, pallet: str, item: str, *keys: Any, at: int | None = None) -> Any:
        bound = self._item(pallet, item)
        raw = self.node.storage(bound.key(*keys), at)
        if raw is None:
            return bound.item.default
        return bound.item.value.decode(raw)

    def storage_iter(self, pallet: str, item: str, *first_keys: Any, at: int | None = None) -> Iterator[tuple[tuple, Any]]:
        bound = self._item(pallet, item)
        if at is not None and at != self.node.head.number:
            raise ChainError("iterating a map at an old block is not supported by the embedded client yet")
        with self.node.lock:
            self.node.rt.prepare_for_validation(self.node.head.number, self.node.head.hash)
            items = list(bound.iter(*first_keys))
        return iter(items)

    def account(self, who: bytes) -> dict[str, Any]:
        return self.node.account(who)

    def nonce(self, who: bytes) -> int:
        return self.node.next_nonce(who)

    # -- writing ----------------------------------------------------------------------------------------
    def compose_call(self, pallet: str, call: str, args: dict[str, Any]) -> bytes:
        rt = self.node.rt
        if not rt.has_pallet(pallet):
            raise PalletMissing(pallet, self.node.chain_name)
        return rt.encode_call(rt.make_call(pallet, call, **args))

    def submit(self, xt: bytes) -> bytes:
        return self.node.submit(xt)

    def sign(self, signer: Signer, pallet: str, call: str, args: dict[str, Any], *, nonce: int | None = None,
             mortal: bool = False, tip: int = 0) -> bytes:
        from chain.runtime import SPEC_VERSION, TX_VERSION

        node = self.node
        call_bytes = self.compose_call(pallet, call, args)
        n = self.nonce(signer.public) if nonce is None else nonce
        era, birth = None, None
        if mortal:
            era = mortal_era(node.head.number, 64)
            from chain.types import era_birth

            birth_n = era_birth(era, node.head.number + 1)
            birth = node.block_hash(birth_n)
        return sign_extrinsic(signer, call_bytes, n, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION,
                              tx_version=TX_VERSION, era=era, birth_hash=birth, tip=tip)

    def sign_and_submit(self, signer: Signer, pallet: str, call: str, args: dict[str, Any], *, mortal: bool = False) -> Receipt:
        """Sign, submit and wait for inclusion (instant seal includes it at once; otherwise a block is sealed)."""
        node = self.node
        with node.lock:
            xt = self.sign(signer, pallet, call, args, mortal=mortal)
            h = node.submit(xt)
            if node.pool.contains(h):
                node.produce_block()
            return self.receipt(h)

    def receipt(self, xt_hash: bytes) -> Receipt:
        loc = self.node.store.extrinsic_location(xt_hash)
        if loc is None:
            raise InvalidTransaction("the transaction was not included")
        number, index = loc
        blk = self.block(number)
        x = blk.extrinsics[index]
        return Receipt(xt_hash, number, blk.hash, index, x.success, x.error,
                       [e for e in blk.events if e.extrinsic_index == index])

    def close(self) -> None:
        self.node.close()
