"""FRAME-like pallet declarations: calls, storage, events, errors and constants, declared once.

A pallet is a subclass of `Pallet` with a fixed `INDEX` and `NAME`, class-level tuples `EVENTS`,
`ERRORS`, `STORAGE`, `CONSTANTS`, and methods decorated with `@call(index, ...)`. The runtime
(chain/runtime.py), the metadata generator (chain/metadata.py), the docs and the UI all read these
declarations; nothing about a pallet is written down twice.

A call body has one shape: check the origin, check preconditions (raise `self.fail("ErrorName")`),
write storage, emit an event. The runtime runs each call in a storage transaction, so a raised error
leaves storage unchanged.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, Sequence

import chain.hashing as hashing
from chain.codec import ScaleType, Struct
from chain.errors import BadOrigin, CodecError, DispatchError, ModuleError

if TYPE_CHECKING:
    from chain.runtime import Runtime

Fields = tuple[tuple[str, ScaleType], ...]

# Hashers as named in metadata. Concat hashers keep the key readable so maps can be iterated.
HASHERS: dict[str, Callable[[bytes], bytes]] = {
    "Blake2_128": hashing.blake2_128,
    "Blake2_256": hashing.blake2_256,
    "Blake2_128Concat": lambda k: hashing.blake2_128(k) + k,
    "Twox128": hashing.twox128,
    "Twox256": hashing.twox256,
    "Twox64Concat": lambda k: hashing.twox64(k) + k,
    "Identity": lambda k: k,
}
CONCAT_PREFIX_LEN = {"Blake2_128Concat": 16, "Twox64Concat": 8, "Identity": 0}


# ---------------------------------------------------------------------------------------------------
# Origins


@dataclass(frozen=True)
class Origin:
    """Who dispatches a call: a signed account, root (sudo, genesis, hooks) or none (inherents)."""

    kind: str  # "signed" | "root" | "none"
    who: bytes | None = None

    @staticmethod
    def signed(who: bytes) -> "Origin":
        return Origin("signed", who)


ROOT = Origin("root")
NONE = Origin("none")


def ensure_signed(origin: Origin) -> bytes:
    """The signing account, or BadOrigin."""
    if origin.kind != "signed" or origin.who is None:
        raise BadOrigin("a signed origin is required")
    return origin.who


def ensure_root(origin: Origin) -> None:
    if origin.kind != "root":
        raise BadOrigin("only root (sudo) may make this call")


def ensure_none(origin: Origin) -> None:
    if origin.kind != "none":
        raise BadOrigin("this call is an inherent and may not be signed")


# ---------------------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class CallDef:
    """A dispatchable call: fixed index, typed args, base weight (ref_time), doc."""

    index: int
    name: str
    args: Fields
    doc: str
    weight: int
    method: Callable[..., Any] = field(compare=False, repr=False)


def call(index: int, *args: tuple[str, ScaleType], weight: int = 20_000_000) -> Callable[[Callable], Callable]:
    """Mark a pallet method as the dispatchable call number `index` with the given typed args.

    The method's docstring becomes the call's doc in metadata. The method receives the origin first,
    then the decoded args as keyword arguments.
    """

    def wrap(fn: Callable) -> Callable:
        fn.__call_decl__ = (index, tuple(args), weight)  # type: ignore[attr-defined]
        return fn

    return wrap


@dataclass(frozen=True)
class EventDef:
    """An event variant: fixed index, named fields, doc (past tense: what happened)."""

    index: int
    name: str
    fields: Fields
    doc: str
    # The fields as one Struct, so fixed-size events get the compiled codec (chain/codec_fast.py).
    body: Struct = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", Struct(f"event::{self.name}", self.fields))


@dataclass(frozen=True)
class ErrorDef:
    """An error variant: fixed index, name (a condition, no 'Error' suffix), doc (why, and how to avoid)."""

    index: int
    name: str
    doc: str


@dataclass(frozen=True)
class ConstantDef:
    name: str
    type: ScaleType
    value: Any
    doc: str


@dataclass(frozen=True)
class StorageDef:
    """A storage item. No keys: a value; one key: a map; two: a double map (keys are (hasher, type)).

    With `default` set it reads like FRAME's ValueQuery (a missing entry reads as the default); without,
    like OptionQuery (a missing entry reads as None).
    """

    name: str
    value: ScaleType
    doc: str
    keys: tuple[tuple[str, ScaleType], ...] = ()
    default: Any = None


# ---------------------------------------------------------------------------------------------------
# Storage accessors bound to a pallet instance


class BoundStorage:
    """A storage item of one pallet, reading and writing the runtime's current state overlay."""

    __slots__ = ("item", "prefix", "rt", "_hashers", "_key_cache")
    KEY_CACHE_LIMIT = 1 << 18

    def __init__(self, item: StorageDef, pallet_name: str, rt: "Runtime"):
        self.item = item
        self.prefix = hashing.storage_prefix(pallet_name, item.name)
        self.rt = rt
        self._hashers = [HASHERS[h] for h, _ in item.keys]
        self._key_cache: dict[tuple, bytes] = {}

    def key(self, *keys: Any) -> bytes:
        """The full storage key for these map keys (memoized: hashing keys is on every hot path)."""
        try:
            return self._key_cache[keys]
        except KeyError:
            pass
        except TypeError:  # an unhashable key value (e.g. a list): compute without the cache
            return self._compute_key(keys)
        out = self._compute_key(keys)
        if len(self._key_cache) >= self.KEY_CACHE_LIMIT:
            self._key_cache.clear()
        self._key_cache[keys] = out
        return out

    def _compute_key(self, keys: tuple) -> bytes:
        if len(keys) != len(self.item.keys):
            raise TypeError(f"{self.item.name} takes {len(self.item.keys)} keys, got {len(keys)}")
        out = self.prefix
        for h, (_, t), k in zip(self._hashers, self.item.keys, keys):
            out += h(t.encode(k))
        return out

    def get(self, *keys: Any) -> Any:
        raw = self.rt.state.get(self.key(*keys))
        if raw is None:
            default = self.item.default
            # a fresh copy: callers may mutate what they read
            return copy.deepcopy(default) if isinstance(default, (dict, list)) else default
        return self.item.value.decode(raw)

    def contains(self, *keys: Any) -> bool:
        return self.rt.state.get(self.key(*keys)) is not None

    def put(self, *keys_and_value: Any) -> None:
        """put(k1, ..., value): write the value; writing the ValueQuery default removes the entry."""
        *keys, value = keys_and_value
        k = self.key(*keys)
        if value is None or (self.item.default is not None and value == self.item.default):
            self.rt.state.delete(k)
        else:
            self.rt.state.set(k, self.item.value.encode(value))

    def remove(self, *keys: Any) -> None:
        self.rt.state.delete(self.key(*keys))

    def mutate(self, *keys: Any, fn: Callable[[Any], Any]) -> Any:
        """Read, apply `fn`, write back; returns the new value."""
        new = fn(self.get(*keys))
        self.put(*keys, new)
        return new

    def iter(self, *first_keys: Any) -> Iterator[tuple[tuple, Any]]:
        """Iterate (keys, value) over the map, optionally under the first key(s). Needs concat hashers."""
        prefix = self.prefix
        for h, (_, t), k in zip(self._hashers, self.item.keys, first_keys):
            prefix += h(t.encode(k))
        for raw_key, raw_value in self.rt.state.iter_prefix(prefix):
            yield self.decode_keys(raw_key), self.item.value.decode(raw_value)

    def iter_from(self, after: tuple | None = None) -> Iterator[tuple[tuple, Any]]:
        """Iterate (keys, value) over the whole map in storage-key order, starting after the entry with the
        keys `after` (None: from the start). A hook walks a large map in bounded batches with it, keeping
        the last keys it processed as its cursor. Needs concat hashers."""
        start = None if after is None else self.key(*after)
        for raw_key, raw_value in self.rt.state.iter_prefix(self.prefix, start_after=start):
            yield self.decode_keys(raw_key), self.item.value.decode(raw_value)

    def decode_keys(self, raw_key: bytes) -> tuple:
        pos = len(self.prefix)
        out = []
        for hasher, t in self.item.keys:
            if hasher not in CONCAT_PREFIX_LEN:
                raise CodecError(f"{self.item.name}: {hasher} keys cannot be read back")
            pos += CONCAT_PREFIX_LEN[hasher]
            k, pos = t.decode_from(raw_key, pos)
            out.append(k)
        return tuple(out)


# ---------------------------------------------------------------------------------------------------
# The pallet base


class Pallet:
    """Base of all pallets. Subclasses set INDEX, NAME and the declaration tuples."""

    INDEX: ClassVar[int]
    NAME: ClassVar[str]
    DOC: ClassVar[str] = ""
    EVENTS: ClassVar[tuple[EventDef, ...]] = ()
    ERRORS: ClassVar[tuple[ErrorDef, ...]] = ()
    STORAGE: ClassVar[tuple[StorageDef, ...]] = ()
    CONSTANTS: ClassVar[tuple[ConstantDef, ...]] = ()
    # Filled by __init_subclass__ from the @call methods.
    CALLS: ClassVar[tuple[CallDef, ...]] = ()
    _calls_by_index: ClassVar[dict[int, CallDef]]
    _calls_by_name: ClassVar[dict[str, CallDef]]
    _events_by_name: ClassVar[dict[str, EventDef]]
    _errors_by_name: ClassVar[dict[str, ErrorDef]]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        calls = []
        for attr in dir(cls):
            fn = getattr(cls, attr, None)
            decl = getattr(fn, "__call_decl__", None)
            if decl is not None:
                index, args, weight = decl
                doc = " ".join((fn.__doc__ or "").split())
                calls.append(CallDef(index, attr, args, doc, weight, fn))
        calls.sort(key=lambda c: c.index)
        cls.CALLS = tuple(calls)
        for what, items in (("call", calls), ("event", cls.EVENTS), ("error", cls.ERRORS)):
            idx = [i.index for i in items]
            if len(set(idx)) != len(idx):
                raise TypeError(f"{cls.__name__}: duplicate {what} index in {idx}")
        names = [s.name for s in cls.STORAGE]
        if len(set(names)) != len(names):
            raise TypeError(f"{cls.__name__}: duplicate storage name")
        cls._calls_by_index = {c.index: c for c in calls}
        cls._calls_by_name = {c.name: c for c in calls}
        cls._events_by_name = {e.name: e for e in cls.EVENTS}
        cls._errors_by_name = {e.name: e for e in cls.ERRORS}

    def __init__(self, rt: "Runtime"):
        self.rt = rt
        self.storage: dict[str, BoundStorage] = {}
        for item in self.STORAGE:
            bound = BoundStorage(item, self.NAME, rt)
            self.storage[item.name] = bound
            setattr(self, item.name, bound)

    # -- what call bodies use ------------------------------------------------------------------------

    def emit(self, name: str, fields: dict[str, Any] | None = None) -> None:
        """Deposit one of this pallet's declared events."""
        ev = self._events_by_name.get(name)
        if ev is None:
            raise KeyError(f"{self.NAME} declares no event {name!r}")
        self.rt.deposit_event(self.INDEX, ev, fields or {})

    def fail(self, name: str, detail: str = "") -> ModuleError:
        """The ModuleError for one of this pallet's declared errors (raise it)."""
        err = self._errors_by_name.get(name)
        if err is None:
            raise KeyError(f"{self.NAME} declares no error {name!r}")
        return ModuleError(self.NAME, self.INDEX, err.name, err.index, err.doc, detail)

    def constant(self, name: str) -> Any:
        for c in self.CONSTANTS:
            if c.name == name:
                return c.value
        raise KeyError(f"{self.NAME} declares no constant {name!r}")

    @property
    def block_number(self) -> int:
        return self.rt.block_number

    def transactional(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> DispatchError | None:
        """Run `fn(*args, **kwargs)` in its own storage transaction, as the runtime runs a call.

        On a DispatchError the function's storage writes and events are rolled back and the error is
        returned (None on success); any other exception is rolled back and re-raised. Block hooks use it so
        one failing item (a loan, a group) does not leave half-written state or stop the others.
        """
        rt = self.rt
        rt.state.start_transaction()
        n_events = len(rt.events)
        try:
            fn(*args, **kwargs)
        except BaseException as exc:
            rt.state.rollback_transaction()
            del rt.events[n_events:]
            del rt._event_bytes[n_events:]
            if isinstance(exc, DispatchError):
                return exc
            raise
        rt.state.commit_transaction()
        return None

    # -- hooks and genesis (override as needed) ---------------------------------------------------------

    def on_initialize(self, n: int) -> int:
        """Runs at the start of block n, before any extrinsic; returns the weight used."""
        return 0

    def on_finalize(self, n: int) -> None:
        """Runs at the end of block n, after all extrinsics."""

    def build_genesis(self, config: dict[str, Any]) -> None:
        """Writes this pallet's genesis storage from its part of the genesis config."""

    # -- declarations as data ---------------------------------------------------------------------------

    @classmethod
    def call_def(cls, name: str) -> CallDef:
        try:
            return cls._calls_by_name[name]
        except KeyError:
            raise KeyError(f"{cls.NAME} has no call {name!r}") from None

    @classmethod
    def event_def(cls, name: str) -> EventDef:
        return cls._events_by_name[name]

    @classmethod
    def error_def(cls, name: str) -> ErrorDef:
        return cls._errors_by_name[name]


def fields(*pairs: tuple[str, ScaleType]) -> Fields:
    return tuple(pairs)


def checked_add(a: int, b: int, bits: int = 128) -> int:
    """a + b, or ArithmeticOverflow if it leaves the unsigned range."""
    from chain.errors import ArithmeticOverflow

    r = a + b
    if r >> bits:
        raise ArithmeticOverflow(f"{a} + {b} overflows u{bits}")
    return r


def checked_sub(a: int, b: int) -> int:
    from chain.errors import ArithmeticUnderflow

    if b > a:
        raise ArithmeticUnderflow(f"{a} - {b} underflows")
    return a - b


def all_event_names(pallets: Sequence[type[Pallet]]) -> list[str]:
    return [f"{p.NAME}.{e.name}" for p in pallets for e in p.EVENTS]
