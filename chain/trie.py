"""The state root: a 16-ary Merkle radix trie over all storage, updated incrementally per block.

What the root commits to
------------------------
Every storage entry `(key, value)`. A key's path is the 64 hex nibbles of `blake2_256(key)` (hashed,
so the trie stays balanced whatever the keys look like: depth is about log16(N) + 1, i.e. 6 for a
million entries). The node encodings and hashes are defined once, in `chain/proofs.py`:

- empty trie: `EMPTY_ROOT = blake2_256(b"")`;
- leaf:   `blake2_256(0x10 || blake2_256(key) || blake2_256(value))`;
- branch: `blake2_256(0x11 || bitmap u16 LE || present children's hashes in nibble order)`.

A subtree holding a single leaf collapses into that leaf, and a branch exists exactly where two or
more keys share a path prefix, so the shape (and the root) depends only on the set of entries, never
on the order they were written in or how the writes were batched into blocks.

A leaf commits to `blake2_256(key)` rather than the raw key: it binds the key all the same, keeps
every leaf the same size, and is what the path is made of anyway. The trie keeps hashes only, never
values or raw keys (those live in `chain/storage.py`): hashes are all it needs to recompute roots
and to build proofs (`prove`), which `chain/proofs.py` checks with no node.

In memory: immutable, lean, invisible to the garbage collector (~185 MB for a million entries)
----------------------------------------------------------------------------------------------
- a leaf is one 64-byte `bytes`: `key_hash (32) | value_hash (32)`;
- a branch is a tuple `(bitmap, child_hashes, child, child, ...)` of its present children only, in
  nibble order. Bit `i` of `bitmap` is set when nibble `i` has a child, which is then child number
  `popcount(bitmap & ((1 << i) - 1))` (tuple index 2 + that). `child_hashes` is one `bytes` of the
  children's hashes, 32 each, same order: a node's hash is kept by its parent, so a branch is
  hashed straight from its own tuple and a proof is sliced out of it;
- the root slot holds None (empty), a leaf (one entry) or a branch; the root hash is kept beside it.

Nodes are never changed, only replaced (path copying), which buys three things: the cyclic garbage
collector untracks tuples of bytes, so a million-entry trie costs nothing per `gc.collect()` (a
mutable list-based trie of the same size made each full collection take ~0.3 s); `copy()` is O(1),
so a block can be tried on a snapshot and dropped; and a snapshot can still prove against its old
root. (The price: each branch a block rebuilds is a new tuple, which the young-generation collector
visits once before untracking it, some 15% of `apply`'s time.)

Updating
--------
`apply(changes)` hashes every changed key and value into a sorted list of entries (`key_hash |
value_hash` to set, `key_hash` alone to delete), then rebuilds, bottom-up in one recursive pass, only
the branches on the changed keys' paths: the entries under a branch are a contiguous run of the
sorted list, split by the next nibble; each touched child is updated recursively and re-hashed, every
other child (and its hash) is reused as is. A leaf or empty slot that receives entries is rebuilt
from the handful of leaves now under it (which also splits and collapses). The cost is O(changed
keys * depth), independent of the state size. `from_items` is the same pass over an empty trie.
`apply` is atomic: it hashes everything before touching the trie and swaps the root in at the end.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left, insort
from typing import Any, Iterable, Iterator, Mapping, Union

from chain.proofs import BRANCH_TAG, EMPTY_ROOT, LEAF_TAG, BranchStep, Proof

__all__ = ["StateTrie", "EMPTY_ROOT"]

_blake = hashlib.blake2b

Leaf = bytes  # key_hash | value_hash
Branch = tuple[Any, ...]  # (bitmap, child_hashes, *children)
Node = Union[Leaf, Branch]
# A change batch is a sorted list of entries: `key_hash | value_hash` (set) or `key_hash` (delete).


class StateTrie:
    """The Merkle trie over all storage. `apply` a block's changes, read `root`, `prove` any key."""

    __slots__ = ("_root", "_root_hash", "_len")

    def __init__(self) -> None:
        self._root: Node | None = None
        self._root_hash = EMPTY_ROOT
        self._len = 0

    @classmethod
    def from_items(cls, items: Mapping[bytes, bytes | None] | Iterable[tuple[bytes, bytes | None]]) -> "StateTrie":
        """Build a trie from a mapping or `(key, value)` pairs (a later pair wins; None means absent)."""
        trie = cls()
        trie.apply(items if isinstance(items, Mapping) else dict(items))
        return trie

    def copy(self) -> "StateTrie":
        """An independent snapshot, in O(1): nodes are immutable and shared."""
        other = StateTrie()
        other._root, other._root_hash, other._len = self._root, self._root_hash, self._len
        return other

    # ---------------------------------------------------------------------------------- reading

    def __len__(self) -> int:
        return self._len

    @property
    def root(self) -> bytes:
        """The state root: `EMPTY_ROOT`, the single leaf's hash, or the root branch's hash."""
        return self._root_hash

    def value_hash(self, key: bytes) -> bytes | None:
        """blake2_256 of the value stored under `key`, or None when the key is absent."""
        key_hash = _blake(key, digest_size=32).digest()
        node, depth = self._root, 0
        while isinstance(node, tuple):
            byte = key_hash[depth >> 1]
            bit = 1 << (byte & 15 if depth & 1 else byte >> 4)
            bitmap = node[0]
            if not bitmap & bit:
                return None
            node = node[2 + (bitmap & (bit - 1)).bit_count()]
            depth += 1
        if node is not None and node.startswith(key_hash):
            return node[32:]
        return None

    def __contains__(self, key: bytes) -> bool:
        return self.value_hash(key) is not None

    def prove(self, key: bytes) -> Proof:
        """A proof that `key` holds its current value, or, when absent, that it is absent."""
        key_hash = _blake(key, digest_size=32).digest()
        steps: list[BranchStep] = []
        node, depth = self._root, 0
        while isinstance(node, tuple):
            byte = key_hash[depth >> 1]
            bit = 1 << (byte & 15 if depth & 1 else byte >> 4)
            bitmap, packed = node[0], node[1]
            hashes = [packed[i:i + 32] for i in range(0, len(packed), 32)]
            if not bitmap & bit:  # empty slot: the key is absent
                steps.append(BranchStep(bitmap, tuple(hashes)))
                return Proof(tuple(steps), None)
            at = (bitmap & (bit - 1)).bit_count()
            del hashes[at]
            steps.append(BranchStep(bitmap, tuple(hashes)))
            node = node[2 + at]
            depth += 1
        if node is not None and not node.startswith(key_hash):  # another key's leaf: absent
            return Proof(tuple(steps), (node[:32], node[32:]))
        return Proof(tuple(steps), None)

    # --------------------------------------------------------------------------------- updating

    def apply(self, changes: Mapping[bytes, bytes | None]) -> bytes:
        """Set (bytes) or delete (None) each key of a block's changes; re-hash once; return the root."""
        blake = _blake
        entries = sorted(  # hash everything first: a bad key or value fails before any change
            blake(key, digest_size=32).digest() if value is None
            else blake(key, digest_size=32).digest() + blake(value, digest_size=32).digest()
            for key, value in changes.items()
        )
        if entries:
            count = [self._len]
            self._root, root_hash = _update(self._root, entries, 0, len(entries), 0, count)
            self._root_hash = EMPTY_ROOT if root_hash is None else root_hash
            self._len = count[0]
        return self._root_hash


def _runs(entries: list[bytes], lo: int, hi: int, depth: int) -> Iterator[tuple[int, int, int]]:
    """Split sorted `entries[lo:hi]`, which share their first `depth` nibbles, into runs by the nibble
    at `depth`: yields `(nibble, start, end)` in nibble order."""
    half, odd = depth >> 1, depth & 1
    i = lo
    while i < hi:
        entry = entries[i]
        byte = entry[half]
        nib = byte & 15 if odd else byte >> 4
        if nib == 15:
            j = hi
        elif hi - i <= 8:  # short: scan
            j = i + 1
            while j < hi and (entries[j][half] & 15 if odd else entries[j][half] >> 4) == nib:
                j += 1
        else:  # long: bisect for the first entry >= (shared prefix, nib + 1)
            bound = entry[:half] + bytes(((byte & 0xF0) | (nib + 1) if odd else (nib + 1) << 4,))
            j = bisect_left(entries, bound, i + 1, hi)
        yield nib, i, j
        i = j


def _build(leaves: list[Leaf], lo: int, hi: int, depth: int) -> tuple[Node, bytes]:
    """The node holding sorted `leaves[lo:hi]` (at least one; they share `depth` nibbles), and its hash."""
    if hi - lo == 1:
        leaf = leaves[lo]
        return leaf, _blake(LEAF_TAG + leaf, digest_size=32).digest()
    bitmap, children, hashes = 0, [], []
    for nib, i, j in _runs(leaves, lo, hi, depth):
        child, child_hash = _build(leaves, i, j, depth + 1)
        bitmap |= 1 << nib
        children.append(child)
        hashes.append(child_hash)
    packed = b"".join(hashes)
    return (bitmap, packed, *children), _blake(BRANCH_TAG + bitmap.to_bytes(2, "little") + packed, digest_size=32).digest()


def _update(node: Node | None, entries: list[bytes], lo: int, hi: int, depth: int, count: list[int]
            ) -> tuple[Node | None, bytes | None]:
    """The node (and its hash; None, None when nothing is left) that results from applying sorted
    `entries[lo:hi]` (non-empty, sharing `depth` nibbles) to `node`. `count[0]` tracks the leaf count."""
    if not isinstance(node, tuple):
        return _update_leaf(node, entries, lo, hi, depth, count)
    if hi - lo == 1:  # one entry (most branches below the top levels): a single run, no splitting
        byte = entries[lo][depth >> 1]
        runs: Iterable[tuple[int, int, int]] = ((byte & 15 if depth & 1 else byte >> 4, lo, hi),)
    else:
        runs = _runs(entries, lo, hi, depth)
    bitmap, packed = node[0], node[1]
    slots = list(node)  # [bitmap, child_hashes, *children], edited in place then frozen again
    for nib, i, j in runs:
        bit = 1 << nib
        at = (bitmap & (bit - 1)).bit_count()
        present = bitmap & bit
        child, child_hash = _update(slots[2 + at] if present else None, entries, i, j, depth + 1, count)
        if child is None:
            if present:  # the child's keys were all deleted
                del slots[2 + at]
                packed = packed[:32 * at] + packed[32 * at + 32:]
                bitmap ^= bit
        elif present:
            slots[2 + at] = child
            packed = packed[:32 * at] + child_hash + packed[32 * at + 32:]
        else:
            slots.insert(2 + at, child)
            packed = packed[:32 * at] + child_hash + packed[32 * at:]
            bitmap |= bit
    if len(slots) == 3 and isinstance(slots[2], bytes):  # a lone leaf replaces its branch
        return slots[2], packed
    if len(slots) == 2:
        return None, None
    slots[0], slots[1] = bitmap, packed
    return tuple(slots), _blake(BRANCH_TAG + bitmap.to_bytes(2, "little") + packed, digest_size=32).digest()


def _update_leaf(leaf: Leaf | None, entries: list[bytes], lo: int, hi: int, depth: int, count: list[int]
                 ) -> tuple[Node | None, bytes | None]:
    """Apply entries to an empty slot or a leaf: rebuild the subtree from the leaves now under it."""
    changed = False  # is the existing leaf's key among the entries?
    if leaf is not None:
        key_hash = leaf[:32]
        at = bisect_left(entries, key_hash, lo, hi)
        changed = at < hi and entries[at].startswith(key_hash)
        if changed and hi - lo == 1:  # the common case: this very key changed, alone
            entry = entries[lo]
            if len(entry) == 32:
                count[0] -= 1
                return None, None
            return entry, _blake(LEAF_TAG + entry, digest_size=32).digest()
    leaves = [entry for entry in entries[lo:hi] if len(entry) == 64]  # drop deletions (of absent keys)
    if leaf is not None:
        count[0] -= 1
        if not changed:
            insort(leaves, leaf)
    count[0] += len(leaves)
    if not leaves:
        return None, None
    return _build(leaves, 0, len(leaves), depth)
