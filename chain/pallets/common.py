"""What the domain pallets share: pallet-owned accounts, id counters, "exists or fail" lookups, block/day
arithmetic, exact pro-rata splits, block-indexed agendas and the notes other pallets send to Credit.

Each helper is the one definition of a rule several pallets follow; a pallet module keeps its calls,
storage, events and errors, and calls these for the mechanics. Everything is integer arithmetic.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence

from chain.runtime import pallet_account

if TYPE_CHECKING:
    from chain.errors import DispatchError, ModuleError
    from chain.frame import BoundStorage
    from chain.runtime import Runtime


class Fails(Protocol):
    """A pallet (or a mixin of one): it names its declared errors and runs work in storage transactions."""

    def fail(self, name: str, detail: str = "") -> "ModuleError": ...

    def transactional(self, fn: Callable[..., Any], *args: Any) -> "DispatchError | None": ...


# -- accounts owned by a pallet -----------------------------------------------------------------------------

def sub_account(tag: bytes, number: int, width: int, label: bytes = b"") -> bytes:
    """The account a pallet (`tag`, e.g. b"pui/lend") owns for one of its objects: `label` plus the
    object's number in `width` little-endian bytes (an escrow, a group fund, a pool). No one holds its key."""
    return pallet_account(tag, label + number.to_bytes(width, "little"))


# -- storage ------------------------------------------------------------------------------------------------

def take_id(counter: "BoundStorage") -> int:
    """The id a new object gets from a `Next...Id` counter (ValueQuery, default 0); the counter moves on."""
    value: int = counter.get()
    counter.put(value + 1)
    return value


def must_get(pallet: Fails, item: "BoundStorage", error: str, *keys: Any, detail: str = "") -> Any:
    """The stored value at `keys`, or the pallet's `error` (a ModuleError) when there is none."""
    value = item.get(*keys)
    if value is None:
        raise pallet.fail(error, detail)
    return value


def admit(pallet: Fails, registry: "BoundStorage", who: bytes, value: Any, listed_error: str) -> None:
    """Add an account to a registry (a map account -> value: feeders, educators, merchants), or fail with
    `listed_error` when it is listed already."""
    if registry.contains(who):
        raise pallet.fail(listed_error)
    registry.put(who, value)


def dismiss(pallet: Fails, registry: "BoundStorage", who: bytes, unlisted_error: str) -> None:
    """Remove an account from a registry, or fail with `unlisted_error` when it is not listed."""
    if not registry.contains(who):
        raise pallet.fail(unlisted_error)
    registry.remove(who)


def take_due(index: "BoundStorage", block: int) -> list[int]:
    """Empty a block index (a double map `(block, id) -> id`) at `block`; returns the ids, in key order."""
    ids = [keys[1] for keys, _ in index.iter(block)]
    for i in ids:
        index.remove(block, i)
    return ids


def push_agenda(agenda: "BoundStorage", block: int, item: Any) -> None:
    """Append an item to an agenda (a map `block -> Vec<item>`) at `block`."""
    items = agenda.get(block) or []
    items.append(item)
    agenda.put(block, items)


def run_agenda(pallet: Fails, agenda: "BoundStorage", block: int, process: Callable[[Any], None],
               failed: Callable[[Any], None]) -> int:
    """Take the agenda's items at `block` and process each in its own storage transaction; for an item that
    fails with a DispatchError (its changes rolled back) `failed(item)` runs, which emits the pallet's
    failure event. Returns how many items there were (the hook's weight is proportional to it)."""
    items = agenda.get(block)
    if not items:
        return 0
    agenda.remove(block)
    for item in items:
        if pallet.transactional(process, item) is not None:
            failed(item)
    return len(items)


# -- time ---------------------------------------------------------------------------------------------------

def day_of(block: int, blocks_per_day: int) -> int:
    """The day a block falls in (day 0 holds blocks 0 .. blocks_per_day - 1)."""
    return block // max(1, blocks_per_day)


def days_after(later: int, earlier: int, blocks_per_day: int) -> int:
    """Whole days from block `earlier` to block `later` (0 when `later` is not after `earlier`)."""
    return max(0, later - earlier) // max(1, blocks_per_day)


# -- arithmetic ---------------------------------------------------------------------------------------------

def pro_rata(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` exactly (largest remainder, ties to the earlier weight).

    The parts sum to `total`; when `total <= sum(weights)` no part exceeds its weight.
    """
    w_sum = sum(weights)
    if w_sum == 0:
        if total:
            raise ValueError("cannot split a non-zero total over zero weights")
        return [0 for _ in weights]
    parts = [total * w // w_sum for w in weights]
    rest = total - sum(parts)
    if rest:
        order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % w_sum), i))
        for i in order[:rest]:
            parts[i] += 1
    return parts


def variant_of(value: Any) -> str:
    """The variant name of a SCALE enum value: `("Active", None)` -> "Active" (a bare name passes through)."""
    return value[0] if isinstance(value, tuple) else value


# -- other pallets ------------------------------------------------------------------------------------------

def credit_note(rt: "Runtime", method: str, who: bytes, *args: Any) -> Any:
    """Call a Credit pallet method about `who` (a behaviour note, a score read, a vouch lock) when the
    runtime has Credit; None when it has not."""
    if not rt.has_pallet("Credit"):
        return None
    return getattr(rt.pallet("Credit"), method)(who, *args)


class PalletMixin:
    """Base of the mixins that hold a pallet's internals in a module of their own (lending_engine.py,
    savings_engine.py): declares, for type checkers, what the pallet class provides."""

    rt: Any
    block_number: int

    if TYPE_CHECKING:  # declared for type checkers only: a stub here would shadow the Pallet methods
        def fail(self, name: str, detail: str = "") -> ModuleError: ...
        def emit(self, name: str, fields: dict[str, Any] | None = None) -> None: ...
        def transactional(self, fn: Callable[..., Any], *args: Any) -> DispatchError | None: ...
