"""Standalone proofs: check a state or extrinsic inclusion proof against a block header, no node needed.

A donor holding a receipt (a block header's roots plus a proof) can check it offline with this module
alone: it imports nothing from `chain` except `hashing` and `errors`. The producer side
(`chain/trie.py`, block building) imports its encodings and constants from here, so both sides share
one definition.

State proofs (the `state_root` of a header)
-------------------------------------------
The state trie (built by `chain.trie.StateTrie`) is a 16-ary Merkle radix trie. A storage key's path
is the 64 hex nibbles of `blake2_256(key)`, high nibble first. The node hashes are:

- empty trie:  `EMPTY_ROOT = blake2_256(b"")` (only ever a root; a branch never holds an empty child);
- leaf:        `blake2_256(0x10 || blake2_256(key) || blake2_256(value))`;
- branch:      `blake2_256(0x11 || bitmap u16 LE || hash of each present child, in nibble order)`,
               where bit `i` of the bitmap is set when the child for nibble `i` is present.

A subtree holding a single leaf *is* that leaf (no chain of one-child branches above it), so the
shape is a function of the key set alone. A `Proof` lists, root first, each branch on the key's path
as its bitmap and the hashes of its children other than the one on the path (`BranchStep`), then how
the path ends:

- the key's own leaf (inclusion: the verifier rebuilds it from the key and the claimed value);
- an empty slot in the last branch (absence: the nibble's bit is clear);
- another key's leaf (absence: `Proof.leaf` gives its key hash and value hash; being the only leaf
  under the shared prefix, it proves no other key lives there);
- nothing at all: no branches, no leaf, and the root is `EMPTY_ROOT` (absence in an empty state).

Events need no proof of their own: they live in state (`System.Events` of the block), so an event
proof is a state proof of that key.

Extrinsics root (the `extrinsics_root` of a header)
---------------------------------------------------
A binary Merkle tree over the extrinsics in block order:

- leaf  = `blake2_256(0x00 || index u32 LE || blake2_256(encoded extrinsic))`;
- inner = `blake2_256(0x01 || left || right)`; a level of odd length promotes its last node unchanged;
- root  = `blake2_256(0x02 || count u32 LE || top node)`, and `EMPTY_ROOT` for a block without
  extrinsics.

Index and count are committed, so order matters and a subtree cannot pose as a leaf (the tags differ).
The state trie's tags (0x10, 0x11) differ from these (0x00-0x02), so a node of one structure can
never stand for a node of the other.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple, Sequence, Union

from chain.errors import ProofError
from chain.hashing import blake2_256

__all__ = [
    "EMPTY_ROOT", "LEAF_TAG", "BRANCH_TAG", "BranchStep", "Proof", "leaf_hash", "branch_hash",
    "verify_state_proof", "check_state_proof",
    "extrinsics_root", "extrinsic_proof", "verify_extrinsic_proof", "check_extrinsic_proof",
]

EMPTY_ROOT: bytes = blake2_256(b"")
"""Root of an empty state trie and of a block with no extrinsics: blake2_256 of the empty string."""

LEAF_TAG = b"\x10"
BRANCH_TAG = b"\x11"
XT_LEAF_TAG = b"\x00"
XT_INNER_TAG = b"\x01"
XT_ROOT_TAG = b"\x02"

MAX_DEPTH = 64  # nibbles in a 32-byte key hash
_U32_MAX = 0xFFFF_FFFF
_blake = hashlib.blake2b


def leaf_hash(key_hash: bytes, value_hash: bytes) -> bytes:
    """Hash of a state trie leaf, from the blake2_256 of its storage key and of its value."""
    return _blake(LEAF_TAG + key_hash + value_hash, digest_size=32).digest()


def branch_hash(bitmap: int, child_hashes: Sequence[bytes]) -> bytes:
    """Hash of a state trie branch: its child bitmap and its present children's hashes in nibble order."""
    return _blake(BRANCH_TAG + bitmap.to_bytes(2, "little") + b"".join(child_hashes), digest_size=32).digest()


def _nibble(key_hash: bytes, depth: int) -> int:
    byte = key_hash[depth >> 1]
    return byte & 0x0F if depth & 1 else byte >> 4


# --------------------------------------------------------------------------------------------------
# State proofs
# --------------------------------------------------------------------------------------------------


class BranchStep(NamedTuple):
    """One branch on a key's path: which children it has, and the hashes of those not on the path."""

    bitmap: int
    siblings: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class Proof:
    """A state proof for one key: the branches on its path (root first) and, for an absence proof that
    ends at another key's leaf, that leaf's `(key_hash, value_hash)`. Plain data; see the module doc."""

    branches: tuple[BranchStep, ...]
    leaf: tuple[bytes, bytes] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: bitmaps as ints, hashes as 0x-prefixed hex."""
        return {
            "branches": [{"bitmap": s.bitmap, "siblings": ["0x" + h.hex() for h in s.siblings]} for s in self.branches],
            "leaf": None if self.leaf is None else {"key_hash": "0x" + self.leaf[0].hex(), "value_hash": "0x" + self.leaf[1].hex()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Proof":
        """Parse `to_json` output; raises ProofError when it is malformed."""
        try:
            branches = tuple(
                BranchStep(_bitmap(b["bitmap"]), tuple(_hash_from_hex(h) for h in b["siblings"]))
                for b in data["branches"]
            )
            leaf = data.get("leaf")
            other = None if leaf is None else (_hash_from_hex(leaf["key_hash"]), _hash_from_hex(leaf["value_hash"]))
        except ProofError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProofError(f"malformed state proof JSON: {exc!r}") from exc
        return cls(branches, other)

    def encode(self) -> bytes:
        """Compact bytes: u8 branch count; per branch u16 LE bitmap, u8 sibling count, the siblings;
        then u8 0 (no leaf) or 1 followed by the other leaf's key hash and value hash."""
        out = [bytes((len(self.branches),))]
        for step in self.branches:
            out.append(step.bitmap.to_bytes(2, "little") + bytes((len(step.siblings),)))
            out.extend(step.siblings)
        out.append(b"\x00" if self.leaf is None else b"\x01" + self.leaf[0] + self.leaf[1])
        return b"".join(out)

    @classmethod
    def decode(cls, data: bytes) -> "Proof":
        """Parse `encode` output; raises ProofError on any malformation (including trailing bytes)."""
        data = bytes(data)
        try:
            count, pos, branches = data[0], 1, []
            if count > MAX_DEPTH:
                raise ProofError(f"proof has {count} branches, more than the {MAX_DEPTH} a path can have")
            for _ in range(count):
                bitmap = int.from_bytes(data[pos:pos + 2], "little")
                n = data[pos + 2]
                pos += 3
                if n > 16 or pos + 32 * n > len(data):
                    raise ProofError("proof branch has a bad sibling count")
                branches.append(BranchStep(bitmap, tuple(data[pos + 32 * i:pos + 32 * i + 32] for i in range(n))))
                pos += 32 * n
            flag = data[pos]
            pos += 1
            if flag == 1 and pos + 64 <= len(data):
                leaf: tuple[bytes, bytes] | None = (data[pos:pos + 32], data[pos + 32:pos + 64])
                pos += 64
            elif flag == 0:
                leaf = None
            else:
                raise ProofError("proof has a bad leaf marker")
        except IndexError as exc:
            raise ProofError("proof bytes are truncated") from exc
        if pos != len(data):
            raise ProofError("proof has trailing bytes")
        return cls(tuple(branches), leaf)


def _bitmap(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFF:
        raise ProofError(f"bad branch bitmap {value!r}")
    return value


def _hash_from_hex(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ProofError(f"expected a hex string, got {text!r}")
    raw = bytes.fromhex(text[2:] if text.startswith("0x") else text)
    if len(raw) != 32:
        raise ProofError(f"expected a 32-byte hash, got {len(raw)} bytes")
    return raw


ProofLike = Union[Proof, Mapping[str, Any], bytes]


def _as_proof(proof: ProofLike) -> Proof:
    if isinstance(proof, Proof):
        return proof
    if isinstance(proof, (bytes, bytearray, memoryview)):
        return Proof.decode(bytes(proof))
    if isinstance(proof, Mapping):
        return Proof.from_json(proof)
    raise ProofError(f"not a state proof: {type(proof).__name__}")


def check_state_proof(root: bytes, key: bytes, value: bytes | None, proof: ProofLike) -> None:
    """Check that, in the state with this `root`, `key` holds `value` (or is absent when `value` is
    None). `proof` is a `Proof`, its JSON dict or its encoded bytes. Raises ProofError with the reason."""
    try:
        _check_state_proof(root, key, value, _as_proof(proof))
    except (TypeError, ValueError, AttributeError) as exc:  # a hand-built Proof holding the wrong types
        raise ProofError(f"malformed state proof: {exc!r}") from exc


def _check_state_proof(root: bytes, key: bytes, value: bytes | None, proof: Proof) -> None:
    key_hash = blake2_256(key)
    steps = proof.branches
    if len(steps) > MAX_DEPTH:
        raise ProofError(f"proof has {len(steps)} branches, more than the {MAX_DEPTH} a path can have")
    # How the path ends: the key's own leaf, another key's leaf, or nothing (empty slot / empty trie).
    if value is not None:
        if proof.leaf is not None:
            raise ProofError("an inclusion proof must not carry another key's leaf")
        current: bytes | None = leaf_hash(key_hash, blake2_256(value))
    elif proof.leaf is not None:
        other_key_hash, other_value_hash = proof.leaf
        if len(other_key_hash) != 32 or len(other_value_hash) != 32:
            raise ProofError("the other leaf's hashes must be 32 bytes")
        if other_key_hash == key_hash:
            raise ProofError("the leaf at the end of the path is the key's own: the key is present")
        if any(_nibble(other_key_hash, d) != _nibble(key_hash, d) for d in range(len(steps))):
            raise ProofError("the other leaf does not lie on the key's path")
        current = leaf_hash(other_key_hash, other_value_hash)
    else:
        current = None
    # Fold the branches bottom-up, placing the path's child at the key's nibble.
    for depth in range(len(steps) - 1, -1, -1):
        bitmap, siblings = steps[depth]
        if not isinstance(bitmap, int) or not 0 <= bitmap <= 0xFFFF:
            raise ProofError(f"branch at depth {depth} has a bad bitmap")
        bit = 1 << _nibble(key_hash, depth)
        on_path = bool(bitmap & bit)
        if on_path != (current is not None):
            where = "has no child" if not on_path else "claims a child"
            raise ProofError(f"branch at depth {depth} {where} on the key's path, contradicting the proof below it")
        if len(siblings) != bitmap.bit_count() - on_path or any(len(h) != 32 for h in siblings):
            raise ProofError(f"branch at depth {depth} has siblings that do not match its bitmap")
        if current is None:
            children: Sequence[bytes] = siblings
        else:
            at = (bitmap & (bit - 1)).bit_count()
            children = (*siblings[:at], current, *siblings[at:])
        current = branch_hash(bitmap, children)
    if current is None:  # no branches and no leaf: the claim is that the whole state is empty
        current = EMPTY_ROOT
    if current != root:
        raise ProofError("the proof does not lead to the state root")


def verify_state_proof(root: bytes, key: bytes, value: bytes | None, proof: ProofLike) -> bool:
    """True when `proof` shows that `key` holds `value` (None: is absent) in the state with `root`."""
    try:
        check_state_proof(root, key, value, proof)
    except ProofError:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# Extrinsics root
# --------------------------------------------------------------------------------------------------


def _xt_leaf(index: int, xt_hash: bytes) -> bytes:
    return _blake(XT_LEAF_TAG + index.to_bytes(4, "little") + xt_hash, digest_size=32).digest()


def _xt_inner(left: bytes, right: bytes) -> bytes:
    return _blake(XT_INNER_TAG + left + right, digest_size=32).digest()


def _xt_top(count: int, top: bytes) -> bytes:
    return _blake(XT_ROOT_TAG + count.to_bytes(4, "little") + top, digest_size=32).digest()


def _xt_next_level(level: list[bytes]) -> list[bytes]:
    nxt = [_xt_inner(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) & 1:
        nxt.append(level[-1])  # odd node promoted
    return nxt


def _xt_leaves(extrinsics: Sequence[bytes]) -> list[bytes]:
    if len(extrinsics) > _U32_MAX:
        raise ValueError("too many extrinsics for a u32 index")
    return [_xt_leaf(i, blake2_256(xt)) for i, xt in enumerate(extrinsics)]


def extrinsics_root(extrinsics: Sequence[bytes]) -> bytes:
    """The extrinsics root of a block: binary Merkle tree over its encoded extrinsics, in order."""
    if not extrinsics:
        return EMPTY_ROOT
    level = _xt_leaves(extrinsics)
    while len(level) > 1:
        level = _xt_next_level(level)
    return _xt_top(len(extrinsics), level[0])


def extrinsic_proof(extrinsics: Sequence[bytes], index: int) -> dict[str, Any]:
    """Proof that `extrinsics[index]` is in the block: `{"index", "count", "siblings": [0x-hex]}`, the
    siblings bottom-up (a level where the node is promoted contributes none)."""
    if not 0 <= index < len(extrinsics):
        raise IndexError(f"extrinsic index {index} out of range for {len(extrinsics)} extrinsics")
    level, pos, siblings = _xt_leaves(extrinsics), index, []
    while len(level) > 1:
        if pos ^ 1 < len(level):
            siblings.append("0x" + level[pos ^ 1].hex())
        level, pos = _xt_next_level(level), pos >> 1
    return {"index": index, "count": len(extrinsics), "siblings": siblings}


def check_extrinsic_proof(root: bytes, extrinsic_bytes: bytes, index: int, count: int, proof: Mapping[str, Any]) -> None:
    """Check that the encoded extrinsic is number `index` of `count` in the block with this extrinsics
    `root`; `proof` is `extrinsic_proof` output. Raises ProofError with the reason."""
    if not isinstance(index, int) or not isinstance(count, int) or not 0 <= index < count <= _U32_MAX:
        raise ProofError(f"index {index!r} is not within a block of {count!r} extrinsics")
    try:
        if proof.get("index", index) != index or proof.get("count", count) != count:
            raise ProofError("the proof was made for another index or count")
        siblings = [_hash_from_hex(h) for h in proof["siblings"]]
    except ProofError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProofError(f"malformed extrinsic proof: {exc!r}") from exc
    current, pos, width, used = _xt_leaf(index, blake2_256(extrinsic_bytes)), index, count, 0
    while width > 1:
        if pos ^ 1 < width:  # the node has a sibling at this level; otherwise it is promoted
            if used == len(siblings):
                raise ProofError("the proof has too few siblings")
            sibling = siblings[used]
            used += 1
            current = _xt_inner(sibling, current) if pos & 1 else _xt_inner(current, sibling)
        pos, width = pos >> 1, (width + 1) >> 1
    if used != len(siblings):
        raise ProofError("the proof has too many siblings")
    if _xt_top(count, current) != root:
        raise ProofError("the proof does not lead to the extrinsics root")


def verify_extrinsic_proof(root: bytes, extrinsic_bytes: bytes, index: int, count: int, proof: Mapping[str, Any]) -> bool:
    """True when `proof` shows the encoded extrinsic is number `index` of `count` under `root`."""
    try:
        check_extrinsic_proof(root, extrinsic_bytes, index, count, proof)
    except ProofError:
        return False
    return True
