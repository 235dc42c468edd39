"""Headers, blocks and the state transition: build a block, or re-execute one and check its roots.

block hash = blake2_256(SCALE(header)); header = parent_hash | compact(number) | state_root |
extrinsics_root | digest. `execute_block` is the reference `state_transition(chain, block)`: apply the
body, compute roots, compare, raise `BlockError` naming what mismatched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from chain.codec import BYTES, COMPACT_U32, H256, Enum, FixedBytes, Struct, Tuple, Variant, Vec, decode_compact, encode_compact
from chain.errors import BlockError, InvalidTransaction
from chain.extrinsic import Extrinsic, decode_extrinsic, encode_unsigned
from chain.hashing import blake2_256
from chain.proofs import extrinsics_root
from chain.runtime import ApplyOutcome, Runtime
from chain.trie import StateTrie

CONSENSUS_ID = FixedBytes(4)
DIGEST_ITEM = Enum(
    "sp_runtime::generic::digest::DigestItem",
    (
        Variant(0, "Other", (("", BYTES),)),
        Variant(4, "PreRuntime", (("", Tuple((CONSENSUS_ID, BYTES))),)),
        Variant(5, "Consensus", (("", Tuple((CONSENSUS_ID, BYTES))),)),
        Variant(6, "Seal", (("", Tuple((CONSENSUS_ID, BYTES))),)),
        Variant(8, "RuntimeEnvironmentUpdated"),
    ),
)
DIGEST = Struct("sp_runtime::generic::digest::Digest", (("logs", Vec(DIGEST_ITEM)),))
HEADER = Struct(
    "sp_runtime::generic::header::Header",
    (("parent_hash", H256), ("number", COMPACT_U32), ("state_root", H256), ("extrinsics_root", H256), ("digest", DIGEST)),
)


@dataclass(frozen=True)
class Header:
    parent_hash: bytes
    number: int
    state_root: bytes
    extrinsics_root: bytes
    digest: tuple = ()

    def encode(self) -> bytes:
        return HEADER.encode({
            "parent_hash": self.parent_hash, "number": self.number, "state_root": self.state_root,
            "extrinsics_root": self.extrinsics_root, "digest": {"logs": list(self.digest)},
        })

    @property
    def hash(self) -> bytes:
        return blake2_256(self.encode())

    @classmethod
    def decode(cls, data: bytes) -> "Header":
        h = HEADER.decode(data)
        return cls(h["parent_hash"], h["number"], h["state_root"], h["extrinsics_root"], tuple(h["digest"]["logs"]))

    def to_json(self) -> dict[str, Any]:
        """The header as Substrate's JSON-RPC shows it."""
        return {
            "parentHash": "0x" + self.parent_hash.hex(), "number": hex(self.number),
            "stateRoot": "0x" + self.state_root.hex(), "extrinsicsRoot": "0x" + self.extrinsics_root.hex(),
            "digest": {"logs": ["0x" + DIGEST_ITEM.encode(d).hex() for d in self.digest]},
        }


@dataclass
class Block:
    header: Header
    extrinsics: list[bytes]

    @property
    def hash(self) -> bytes:
        return self.header.hash

    def encode(self) -> bytes:
        return self.header.encode() + encode_compact(len(self.extrinsics)) + b"".join(self.extrinsics)


@dataclass
class BuiltBlock:
    """A produced block with its storage changes, per-extrinsic outcomes and what was refused."""

    block: Block
    changes: dict[bytes, bytes | None]
    outcomes: list[ApplyOutcome]
    rejected: list[tuple[Extrinsic, InvalidTransaction]] = field(default_factory=list)
    events: bytes = b""


def timestamp_call(rt: Runtime, now_ms: int) -> bytes:
    return encode_unsigned(rt.encode_call(rt.make_call("Timestamp", "set", now=now_ms)))


def block_time_ms(rt: Runtime, number: int) -> int:
    """Simulated time of block `number`: genesis time + number * (one day / blocks per day)."""
    return rt.system.GenesisTime.get() + number * (86_400_000 // max(1, rt.blocks_per_day))


def genesis_block(rt: Runtime, config: dict[str, Any]) -> tuple[Header, StateTrie, dict[bytes, bytes | None]]:
    """Build the genesis state from config; returns its header, the state trie and the genesis state."""
    changes = rt.build_genesis(config)
    trie = StateTrie.from_items((k, v) for k, v in changes.items() if v is not None)
    header = Header(bytes(32), 0, trie.root, extrinsics_root([]))
    rt.genesis_hash = header.hash
    return header, trie, changes


def build_block(rt: Runtime, trie: StateTrie, parent: Header, pending: Iterable[Extrinsic], *,
                now_ms: int | None = None, check_signatures: bool = True, max_extrinsics: int | None = None) -> BuiltBlock:
    """Produce the next block from pending extrinsics; invalid ones are left out and reported."""
    number = parent.number + 1
    rt.initialize_block(number, parent.hash)
    stamp = decode_extrinsic(timestamp_call(rt, now_ms if now_ms is not None else block_time_ms(rt, number)))
    included: list[bytes] = [stamp.raw]
    outcomes = [rt.apply_extrinsic(stamp)]
    rejected: list[tuple[Extrinsic, InvalidTransaction]] = []
    for xt in pending:
        if max_extrinsics is not None and len(included) > max_extrinsics:
            break
        try:
            outcomes.append(rt.apply_extrinsic(xt, check_signature=check_signatures))
        except InvalidTransaction as exc:
            rejected.append((xt, exc))
            continue
        included.append(xt.raw)
    changes = rt.finalize_block()
    events = rt.state.get(rt.events_key) or b""  # the block's own events, even if the same bytes as its parent's
    root = trie.apply(changes)
    header = Header(parent.hash, number, root, extrinsics_root(included))
    rt.backend.apply(changes)
    return BuiltBlock(Block(header, included), changes, outcomes, rejected, events)


def execute_block(rt: Runtime, trie: StateTrie, parent: Header, block: Block, check_signatures: bool = True) -> dict[bytes, bytes | None]:
    """Re-execute a block on the parent state; raise BlockError if anything disagrees with its header.

    On success the state (backend and trie) advances to the block; on failure it is left at the parent.
    """
    h = block.header
    if h.parent_hash != parent.hash:
        raise BlockError(h.number, f"parent hash 0x{h.parent_hash.hex()} is not the hash of #{parent.number}")
    if h.number != parent.number + 1:
        raise BlockError(h.number, f"number follows #{parent.number}")
    xroot = extrinsics_root(block.extrinsics)
    if xroot != h.extrinsics_root:
        raise BlockError(h.number, f"extrinsics root mismatch: header 0x{h.extrinsics_root.hex()}, body gives 0x{xroot.hex()}")
    rt.initialize_block(h.number, h.parent_hash)
    for i, raw in enumerate(block.extrinsics):
        try:
            xt = decode_extrinsic(raw)
            if (i == 0) != (not xt.signed):
                raise InvalidTransaction("the timestamp inherent must come first and only first")
            rt.apply_extrinsic(xt, check_signature=check_signatures)
        except InvalidTransaction as exc:
            rt.state = type(rt.state)(rt.backend)
            raise BlockError(h.number, f"extrinsic {i} is invalid: {type(exc).__name__}: {exc}") from None
    changes = rt.finalize_block()
    undo = {k: rt.backend.get(k) for k in changes}  # to restore the trie if the root disagrees
    root = trie.apply(changes)
    if root != h.state_root:
        trie.apply(undo)
        rt.state = type(rt.state)(rt.backend)
        raise BlockError(h.number, f"state root mismatch: header 0x{h.state_root.hex()}, execution gives 0x{root.hex()}")
    rt.backend.apply(changes)
    return changes


def decode_block_body(data: bytes) -> list[bytes]:
    """Split a SCALE Vec of extrinsics (each with its own length prefix) into their raw bytes."""
    n, pos = decode_compact(data, 0)
    out = []
    for _ in range(n):
        length, p2 = decode_compact(data, pos)
        out.append(data[pos : p2 + length])
        pos = p2 + length
    return out
