"""The chain state: committed key/value storage and the per-block overlay with transactions.

`StateBackend` holds the state as of the last imported block (a dict for reads, a sorted key index for
prefix iteration). `Overlay` collects one block's changes on top of it and supports nested storage
transactions, so a failing call is rolled back while the block goes on. At block end the overlay's
`changes` are what the state root (chain/trie.py) and the store (chain/store.py) receive.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Mapping

from sortedcontainers import SortedList

_ABSENT = object()
ITEM_PREFIX_LEN = 32  # twox128(pallet) + twox128(item): every storage key of one item starts with it


class StateBackend:
    """Committed state: key -> value, iterable by prefix in key order."""

    def __init__(self, items: Iterable[tuple[bytes, bytes]] = ()):
        self._data: dict[bytes, bytes] = dict(items)
        self._keys = SortedList(self._data)

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self._data.items())

    def iter_prefix(self, prefix: bytes, start_after: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        lo = prefix if start_after is None or start_after < prefix else start_after
        for k in self._keys.irange(lo, inclusive=(start_after is None or start_after < prefix, True)):
            if not k.startswith(prefix):
                break
            yield k, self._data[k]

    def apply(self, changes: Mapping[bytes, bytes | None]) -> None:
        data, keys = self._data, self._keys
        for k, v in changes.items():
            if v is None:
                if data.pop(k, None) is not None:
                    keys.remove(k)
            else:
                if k not in data:
                    keys.add(k)
                data[k] = v

    def copy(self) -> "StateBackend":
        return StateBackend(self._data.items())


class Overlay:
    """One block's changes over a backend, with nested transactions (journal of prior values)."""

    def __init__(self, backend: StateBackend):
        self.backend = backend
        self._backend_get = backend.get  # bound once: every storage read of a block comes through get()
        self.changes: dict[bytes, bytes | None] = {}
        self._journal: list[dict[bytes, object]] = []
        # changed keys by their storage item's 32-byte prefix (pallet + item hashes), so iterating a map
        # merges only that item's changes, not the whole block's; may hold keys rolled back since
        self._changed_by_item: dict[bytes, list[bytes]] = {}

    # reads ------------------------------------------------------------------------------------------
    def get(self, key: bytes) -> bytes | None:
        value = self.changes.get(key, _ABSENT)
        if value is _ABSENT:
            return self._backend_get(key)
        return value  # type: ignore[return-value]

    def iter_prefix(self, prefix: bytes, start_after: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) under prefix in key order, merging the block's changes over the backend; with
        `start_after`, only the keys after it (a cursor: resume where the last batch stopped)."""
        changes = self.changes
        if len(prefix) >= ITEM_PREFIX_LEN:
            candidates: Iterable[bytes] = set(self._changed_by_item.get(prefix[:ITEM_PREFIX_LEN], ()))
        else:
            candidates = changes
        mine = sorted(k for k in candidates
                      if k in changes and k.startswith(prefix) and (start_after is None or k > start_after))
        base = self.backend.iter_prefix(prefix, start_after)
        nb = next(base, None)
        i = 0
        while nb is not None or i < len(mine):
            if i < len(mine) and (nb is None or mine[i] <= nb[0]):
                k = mine[i]
                i += 1
                if nb is not None and nb[0] == k:
                    nb = next(base, None)
                v = self.changes[k]
                if v is not None:
                    yield k, v
            else:
                assert nb is not None
                yield nb
                nb = next(base, None)

    # writes -----------------------------------------------------------------------------------------
    def _record(self, key: bytes) -> None:
        if self._journal:
            top = self._journal[-1]
            if key not in top:
                top[key] = self.changes.get(key, _ABSENT)

    def set(self, key: bytes, value: bytes) -> None:
        self._record(key)
        if key not in self.changes:
            self._note_changed(key)
        self.changes[key] = value

    def delete(self, key: bytes) -> None:
        self._record(key)
        if key not in self.changes:
            self._note_changed(key)
        self.changes[key] = None

    def _note_changed(self, key: bytes) -> None:
        bucket = self._changed_by_item.get(key[:ITEM_PREFIX_LEN])
        if bucket is None:
            self._changed_by_item[key[:ITEM_PREFIX_LEN]] = [key]
        else:
            bucket.append(key)

    # transactions -----------------------------------------------------------------------------------
    def start_transaction(self) -> None:
        self._journal.append({})

    def commit_transaction(self) -> None:
        top = self._journal.pop()
        if self._journal:
            outer = self._journal[-1]
            for k, old in top.items():
                outer.setdefault(k, old)

    def rollback_transaction(self) -> None:
        top = self._journal.pop()
        for k, old in top.items():
            if old is _ABSENT:
                self.changes.pop(k, None)
            else:
                self.changes[k] = old  # type: ignore[assignment]

    @property
    def transaction_depth(self) -> int:
        return len(self._journal)

    def effective_changes(self) -> dict[bytes, bytes | None]:
        """Changes that differ from the backend (a set back to the committed value is no change)."""
        out = {}
        for k, v in self.changes.items():
            if self.backend.get(k) != v:
                out[k] = v
        return out
