"""The runtime: pallets at fixed indices, call and event enums built from their declarations, dispatch,
block hooks, genesis, and transaction validity (what the pool and block import check).

Readable reference first: every extrinsic goes through `apply_extrinsic`, which reads like FRAME's
executive: check the signed extensions (era, nonce, fee), dispatch the call in a storage transaction,
deposit `ExtrinsicSuccess` or `ExtrinsicFailed`.
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from chain.codec import Enum, Struct, Variant, Vec, decode_compact, encode_compact
from chain.crypto import verify
from chain.errors import (
    AncientBirthBlock, BadOriginTx, CodecError, DispatchError, ExhaustsResources, FutureTransaction,
    InvalidTransaction, MalformedTransaction, PalletDefect, Payment, StaleTransaction, UnknownCall, BadProof,
)
from chain.extrinsic import Extrinsic, signing_payload
from chain.fast_transfer import fee_paid, try_apply_transfer, try_pay_fee
from chain.frame import NONE, EventDef, Origin, Pallet
from chain.hashing import blake2_256
from chain.storage import Overlay, StateBackend
from chain.types import DISPATCH_INFO, EVENT_RECORD, PHASE, RUNTIME_CALL, RuntimeCallRef, RuntimeEventRef, era_birth

SPEC_NAME = "puhui"
IMPL_NAME = "puhui-node"
SPEC_VERSION = 100
TX_VERSION = 1
AUTHORING_VERSION = 1
IMPL_VERSION = 1
STATE_VERSION = 1
MAX_BLOCK_WEIGHT = 2_000_000_000_000  # ref_time units (picoseconds): 2 s of weight per block
MAX_BLOCK_LENGTH = 5 * 1024 * 1024
MAX_EXTRINSIC_LENGTH = 512 * 1024
BASE_EXTRINSIC_WEIGHT = 5_000_000
CALL_CACHE_LIMIT = 1 << 17

# The pallets of the native runtime, by module path. Domain pallets join as they land.
PALLET_MODULES: tuple[str, ...] = (
    "chain.pallets.system:System", "chain.pallets.timestamp:Timestamp", "chain.pallets.balances:Balances",
    "chain.pallets.transaction_payment:TransactionPayment", "chain.pallets.sudo:Sudo",
    "chain.pallets.utility:Utility",
    "chain.pallets.assets:Assets", "chain.pallets.oracle:Oracle", "chain.pallets.remittance:Remittance",
    "chain.pallets.donations:Donations", "chain.pallets.education:Education",
    "chain.pallets.lending:Lending", "chain.pallets.credit:Credit", "chain.pallets.savings:SavingsGroups",
    "chain.pallets.pool_invest:InvestmentPool",
)


def default_pallets() -> list[type[Pallet]]:
    """The pallet classes of the runtime, skipping domain modules not present in this checkout."""
    out = []
    for spec in PALLET_MODULES:
        mod, cls = spec.split(":")
        try:
            module = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:
                continue
            raise
        out.append(getattr(module, cls))
    return out


def pallet_module_path(p: type[Pallet]) -> str:
    """`pallet_balances` style crate name for a pallet (used in metadata type paths)."""
    name = "".join("_" + c.lower() if c.isupper() else c for c in p.NAME).lstrip("_")
    return f"pallet_{name}"


def pallet_account(pallet_tag: bytes, sub: bytes = b"") -> bytes:
    """An account owned by a pallet (escrow, group fund): b"modl" + tag + sub, zero-padded to 32 bytes.

    No one holds its key; only the pallet moves its funds. Long sub-ids are hashed to fit.
    """
    raw = b"modl" + pallet_tag + sub
    if len(raw) > 32:
        raw = b"modl" + pallet_tag[:8] + blake2_256(sub)[:20]
    return raw.ljust(32, b"\x00")


@dataclass
class ApplyOutcome:
    """What happened to one extrinsic in a block."""

    success: bool
    error: DispatchError | None
    fee: int
    weight: int


class Runtime:
    """The state machine. Holds the pallets and the state overlay of the block being built."""

    # Use chain/fast_transfer.py for plain transfers (identical results; tests compare both paths).
    fast_paths: bool = True

    def __init__(self, backend: StateBackend | None = None, pallet_classes: Iterable[type[Pallet]] | None = None):
        self.backend = backend if backend is not None else StateBackend()
        self.state = Overlay(self.backend)
        classes = sorted(pallet_classes or default_pallets(), key=lambda c: c.INDEX)
        self.pallets: list[Pallet] = [cls(self) for cls in classes]
        self.by_name = {p.NAME: p for p in self.pallets}
        self.by_index = {p.INDEX: p for p in self.pallets}
        if len(self.by_index) != len(self.pallets):
            raise TypeError("two pallets share an index")
        self.system: Any = self.by_name["System"]
        self.balances: Any = self.by_name["Balances"]
        self.payment: Any = self.by_name["TransactionPayment"]
        self.call_type = self._build_call_enum()
        self.event_type = self._build_event_enum()
        RuntimeCallRef.target = self.call_type
        RuntimeEventRef.target = self.event_type
        self._call_cache: dict[bytes, Any] = {}
        # (pallet index, call index) as 2 bytes -> (pallet, call, args as one Struct or None): decode_call's speed path
        self._call_table: dict[bytes, tuple[str, str, Struct | None]] = {
            bytes((p.INDEX, c.index)): (p.NAME, c.name, Struct(f"call::{p.NAME}::{c.name}", c.args) if c.args else None)
            for p in self.pallets for c in p.CALLS if not any(n == "" for n, _ in c.args)
        }
        self._event_table: dict[tuple[int, int], tuple[str, EventDef]] | None = None
        self.defects: list[str] = []
        self._weight_cache: dict[bytes, int] = {}
        self._result_cache: dict[tuple, tuple[dict[str, Any], bytes]] = {}  # ExtrinsicSuccess fields and body
        self.block_number = 0
        self.parent_hash = bytes(32)
        self.genesis_hash = bytes(32)
        self.events: list[tuple[tuple[str, Any], int, EventDef, dict[str, Any]]] = []
        self._event_bytes: list[bytes] = []
        self._phase: tuple[str, Any] = ("Initialization", None)
        self._phase_bytes = PHASE.encode(self._phase)
        self.extrinsic_count = 0
        self.block_weight = 0
        self.block_length = 0

    # -- declarations -> enums ---------------------------------------------------------------------------
    def _build_call_enum(self) -> Enum:
        variants = []
        for p in self.pallets:
            if not p.CALLS:
                continue
            inner = Enum(f"{pallet_module_path(type(p))}::pallet::Call",
                         tuple(Variant(c.index, c.name, c.args, c.doc) for c in p.CALLS))
            variants.append(Variant(p.INDEX, p.NAME, (("", inner),)))
        return Enum("puhui_runtime::RuntimeCall", tuple(variants))

    def _build_event_enum(self) -> Enum:
        variants = []
        for p in self.pallets:
            if not p.EVENTS:
                continue
            inner = Enum(f"{pallet_module_path(type(p))}::pallet::Event",
                         tuple(Variant(e.index, e.name, e.fields, e.doc) for e in p.EVENTS))
            variants.append(Variant(p.INDEX, p.NAME, (("", inner),)))
        return Enum("puhui_runtime::RuntimeEvent", tuple(variants))

    @property
    def phase(self) -> tuple[str, Any]:
        """The block phase events are recorded under (Initialization, ApplyExtrinsic(i), Finalization)."""
        return self._phase

    @phase.setter
    def phase(self, value: tuple[str, Any]) -> None:
        self._phase = value
        if value[0] == "ApplyExtrinsic":  # the per-extrinsic case, without the generic enum encoder
            self._phase_bytes = b"\x00" + value[1].to_bytes(4, "little")
        else:
            self._phase_bytes = PHASE.encode(value)

    def pallet(self, name: str) -> Any:
        return self.by_name[name]

    def has_pallet(self, name: str) -> bool:
        return name in self.by_name

    @property
    def blocks_per_day(self) -> int:
        return self.system.BlocksPerDay.get()

    # -- calls ---------------------------------------------------------------------------------------
    def make_call(self, pallet: str, name: str, /, **args: Any) -> tuple[str, tuple[str, Any]]:
        """A call value, checked against the declaration (unknown pallet or call -> UnknownCall)."""
        p = self.by_name.get(pallet)
        if p is None:
            raise UnknownCall(f"no pallet {pallet!r}")
        try:
            c = p.call_def(name)
        except KeyError:
            raise UnknownCall(f"{pallet} has no call {name!r}") from None
        missing = [n for n, _ in c.args if n not in args]
        if missing or len(args) != len(c.args):
            raise CodecError(f"{pallet}.{name} takes {[n for n, _ in c.args]}, got {sorted(args)}")
        return (pallet, (name, args if c.args else None))

    def encode_call(self, call: Any) -> bytes:
        return self.call_type.encode(call)

    def decode_call(self, data: bytes) -> Any:
        """Decode call bytes (memoized: the pool and the block builder decode the same calls).
        The value is shared between callers: treat call arguments as read-only."""
        try:
            return self._call_cache[data]
        except KeyError:
            pass
        value = self._decode_call_uncached(data)
        if len(self._call_cache) >= CALL_CACHE_LIMIT:
            self._call_cache.clear()
        self._call_cache[data] = value
        return value

    def _decode_call_uncached(self, data: bytes) -> Any:
        """The speed path: the call's args go straight through its CallDef's (compiled) body codec
        instead of walking the RuntimeCall enum; anything unusual (unknown index, bad bytes) takes the
        reference path, `decode_call_reference`, which raises the proper error. tests/chain/
        test_decode_events.py checks that both agree on every call of the runtime."""
        entry = self._call_table.get(data[:2])
        if entry is not None:
            pallet, name, body = entry
            try:
                if body is None:
                    if len(data) == 2:
                        return (pallet, (name, None))
                else:
                    args, pos = body.decode_from(data, 2)
                    if pos == len(data):
                        return (pallet, (name, args))
            except (CodecError, KeyError, IndexError):
                pass
        return self.decode_call_reference(data)

    def decode_call_reference(self, data: bytes) -> Any:
        """Decode call bytes through the RuntimeCall enum (the reference path)."""
        try:
            return self.call_type.decode(data)
        except CodecError as exc:
            if data and data[0] not in self.by_index:
                raise UnknownCall(f"no pallet with index {data[0]}") from None
            if len(data) > 1 and data[0] in self.by_index and data[1] not in self.by_index[data[0]]._calls_by_index:
                raise UnknownCall(f"pallet {self.by_index[data[0]].NAME} has no call with index {data[1]}") from None
            raise MalformedTransaction(f"call does not decode: {exc}") from None

    def call_weight_of(self, call_bytes: bytes, call: Any) -> int:
        """call_weight, memoized by the call's bytes (the pool and the block builder both need it)."""
        w = self._weight_cache.get(call_bytes)
        if w is None:
            if len(self._weight_cache) >= CALL_CACHE_LIMIT:
                self._weight_cache.clear()
            w = self._weight_cache[call_bytes] = self.call_weight(call)
        return w

    def call_weight(self, call: Any) -> int:
        """Declared weight of a call plus that of any calls nested in it (batch, sudo)."""
        pallet, (name, args) = call
        cdef = self.by_name[pallet].call_def(name)
        weight = cdef.weight
        for arg_name, t in cdef.args:
            if t == RUNTIME_CALL:
                weight += self.call_weight(args[arg_name])
            elif isinstance(t, Vec) and t.inner == RUNTIME_CALL:
                weight += sum(self.call_weight(c) for c in args[arg_name])
        return weight

    def dispatch_call(self, call: Any, origin: Origin) -> None:
        """Run a call in a storage transaction: on any error its writes and events are rolled back."""
        pallet_name, (name, args) = call
        pallet = self.by_name[pallet_name]
        cdef = pallet.call_def(name)
        self.state.start_transaction()
        n_events = len(self.events)
        try:
            cdef.method(pallet, origin, **(args or {}))
        except BaseException:
            self.state.rollback_transaction()
            del self.events[n_events:]
            del self._event_bytes[n_events:]
            raise
        self.state.commit_transaction()

    # -- events --------------------------------------------------------------------------------------
    def deposit_event(self, pallet_index: int, ev: EventDef, fields: dict[str, Any], body: bytes | None = None) -> None:
        """Record an event of the current phase; `body` may carry the fields' encoding if already known."""
        if body is None:
            try:
                body = ev.body.encode(fields)
            except CodecError as exc:
                raise CodecError(f"event {self.by_index[pallet_index].NAME}.{ev.name}: {exc}") from None
        self.events.append((self._phase, pallet_index, ev, fields))
        self._event_bytes.append(b"".join((self._phase_bytes, bytes((pallet_index, ev.index)), body, b"\x00")))

    def encoded_events(self) -> bytes:
        """SCALE Vec<EventRecord> of this block's events (what System.Events holds)."""
        return encode_compact(len(self._event_bytes)) + b"".join(self._event_bytes)

    def _run_hook(self, pallet: Pallet, hook: Any, number: int) -> Any:
        """Run a block hook in a storage transaction; a hook that raises is rolled back and logged."""
        self.state.start_transaction()
        n_events = len(self.events)
        try:
            result = hook(number)
        except Exception as exc:
            self.state.rollback_transaction()
            del self.events[n_events:]
            del self._event_bytes[n_events:]
            self._defect(f"{pallet.NAME}.{hook.__name__}", exc)
            return 0
        self.state.commit_transaction()
        return result

    def _defect(self, where: str, exc: BaseException) -> PalletDefect:
        """Record and log a pallet bug met at block `self.block_number` (deterministically the same on replay)."""
        msg = f"block #{self.block_number}: {where} raised {type(exc).__name__}: {exc}"
        self.defects.append(msg)
        print(f"puhui runtime defect: {msg}", file=sys.stderr)
        return PalletDefect(msg)

    # -- genesis and block lifecycle ------------------------------------------------------------------
    def build_genesis(self, config: dict[str, Any]) -> dict[bytes, bytes | None]:
        """Write genesis storage from the config; returns the genesis state (all keys)."""
        self.state = Overlay(self.backend)
        self.block_number = 0
        for p in self.pallets:
            p.build_genesis(config)
        changes = self.state.effective_changes()
        self.backend.apply(changes)
        self.state = Overlay(self.backend)
        return changes

    def initialize_block(self, number: int, parent_hash: bytes) -> None:
        self.state = Overlay(self.backend)
        self.block_number = number
        self.parent_hash = parent_hash
        self.events, self._event_bytes = [], []
        self.extrinsic_count = self.block_weight = self.block_length = 0
        self.phase = ("Initialization", None)
        sysp = self.system
        sysp.Number.put(number)
        sysp.ParentHash.put(parent_hash)
        sysp.BlockHash.put(number - 1, parent_hash)
        if number - 1 > 2400:
            sysp.BlockHash.remove(number - 1 - 2400)
        self.state.delete(self.events_key)
        for p in self.pallets:
            self.block_weight += self._run_hook(p, p.on_initialize, number) or 0

    def finalize_block(self) -> dict[bytes, bytes | None]:
        """Run on_finalize hooks, write the block's bookkeeping; returns the block's storage changes."""
        self.phase = ("Finalization", None)
        for p in self.pallets:
            self._run_hook(p, p.on_finalize, self.block_number)
        self.system.ExtrinsicCount.put(self.extrinsic_count)
        self.system.EventCount.put(len(self._event_bytes))
        self.state.set(self.events_key, self.encoded_events())
        return self.state.effective_changes()

    @property
    def events_key(self) -> bytes:
        return self.system.Events.prefix

    def prepare_for_validation(self, head_number: int, head_hash: bytes) -> None:
        """Between blocks: a clean view of the head state, as seen by the next block (the pool's view)."""
        self.state = Overlay(self.backend)
        self.block_number = head_number + 1
        self.parent_hash = head_hash
        self.events, self._event_bytes = [], []

    # -- validity ------------------------------------------------------------------------------------
    def check_signature(self, xt: Extrinsic) -> None:
        """BadProof unless the signature verifies over the payload for this chain and runtime version."""
        birth_hash = self._birth_hash(xt)
        payload = signing_payload(xt.call_bytes, xt.era, xt.nonce, xt.tip, xt.mode, SPEC_VERSION, TX_VERSION,
                                  self.genesis_hash, birth_hash)
        if not verify(xt.sig_type, xt.signature, payload, xt.signer):  # type: ignore[arg-type]
            raise BadProof(
                f"signature does not verify for this chain (genesis 0x{self.genesis_hash.hex()[:16]}..., "
                f"spec {SPEC_VERSION}, tx version {TX_VERSION}): signed for another chain or runtime version, "
                "or forged"
            )

    def _birth_hash(self, xt: Extrinsic) -> bytes:
        if xt.era is None:
            return self.genesis_hash
        current = self.block_number
        birth = era_birth(xt.era, current)
        period = xt.era[0]
        if birth >= current or current >= birth + period:
            raise AncientBirthBlock(f"era born at #{birth} with period {period} is not valid at #{current}")
        if birth == 0:
            return self.genesis_hash
        if birth == current - 1:
            return self.parent_hash
        h = self.system.BlockHash.get(birth)
        if h == bytes(32):
            raise AncientBirthBlock(f"birth block #{birth} is unknown")
        return h

    def check_signed_extensions(self, xt: Extrinsic, call: Any, *, allow_future: bool) -> tuple[int, int]:
        """Era, nonce, fee and block limits; returns (weight, fee). Raises InvalidTransaction."""
        if xt.signer == bytes(32):
            raise MalformedTransaction("the zero account cannot sign")
        self._birth_hash(xt)
        nonce, free = self.system.nonce_and_free(xt.signer)
        if xt.nonce < nonce:
            raise StaleTransaction(f"nonce {xt.nonce} already used; next is {nonce}")
        if xt.nonce > nonce and not allow_future:
            raise FutureTransaction(f"nonce {xt.nonce} is ahead of the next nonce {nonce}")
        length = len(xt.raw)
        if length > MAX_EXTRINSIC_LENGTH:
            raise ExhaustsResources(f"extrinsic of {length} bytes exceeds {MAX_EXTRINSIC_LENGTH}")
        weight = BASE_EXTRINSIC_WEIGHT + self.call_weight_of(xt.call_bytes, call)
        fee = self.payment.fee(length, weight, xt.tip)
        if free < fee + self.balances.EXISTENTIAL_DEPOSIT:
            raise Payment(f"balance {free} cannot pay fee {fee} and keep the existential deposit")
        return weight, fee

    def decode_signed_call(self, xt: Extrinsic) -> Any:
        call = self.decode_call(xt.call_bytes)
        if not xt.signed:
            if call[0] != "Timestamp":
                raise BadOriginTx("only inherents may be unsigned")
        elif call[0] == "Timestamp":
            raise BadOriginTx("Timestamp.set is an inherent and may not be signed")
        return call

    def validate_transaction(self, xt: Extrinsic, check_signature: bool = True) -> tuple[int, int]:
        """Pool-side validity against the head state for the next block. Returns (weight, fee).

        A nonce ahead of the account's next nonce is allowed here (the pool parks it as future).
        """
        if not xt.signed:
            raise BadOriginTx("unsigned transactions are not accepted from outside")
        call = self.decode_signed_call(xt)
        if check_signature:
            self.check_signature(xt)
        return self.check_signed_extensions(xt, call, allow_future=True)

    # -- applying extrinsics -------------------------------------------------------------------------
    def apply_extrinsic(self, xt: Extrinsic, check_signature: bool = True) -> ApplyOutcome:
        """Apply one extrinsic to the block being built. InvalidTransaction: it must not be in the block
        (nothing was changed). Otherwise it is in the block, and the outcome says if its call succeeded."""
        call = self.decode_signed_call(xt)
        index = self.extrinsic_count
        if not xt.signed:
            weight = self.call_weight(call)
            self.phase = ("ApplyExtrinsic", index)
            try:
                self.dispatch_call(call, NONE)
            except DispatchError as exc:
                raise InvalidTransaction(f"inherent failed: {exc}") from None
            self._deposit_result(None, weight, "Mandatory", "No")
            self._count(xt, weight)
            return ApplyOutcome(True, None, 0, weight)
        if check_signature:
            self.check_signature(xt)
        paid = None
        if self.fast_paths:
            fast = try_apply_transfer(self, xt, call, BASE_EXTRINSIC_WEIGHT, MAX_BLOCK_WEIGHT, MAX_BLOCK_LENGTH)
            if fast is not None:
                return fast
            paid = try_pay_fee(self, xt, call, BASE_EXTRINSIC_WEIGHT, MAX_BLOCK_WEIGHT, MAX_BLOCK_LENGTH)
        who = xt.signer
        assert who is not None
        if paid is None:
            weight, fee = self.check_signed_extensions(xt, call, allow_future=False)
            if self.block_weight + weight > MAX_BLOCK_WEIGHT or self.block_length + len(xt.raw) > MAX_BLOCK_LENGTH:
                raise ExhaustsResources("block is full")
            self.phase = ("ApplyExtrinsic", index)
            if not self.balances.withdraw_fee(who, fee, bump_nonce=True):  # checked above
                raise Payment("balance changed before the fee could be withdrawn")
        else:
            weight, fee = paid
        error: DispatchError | None = None
        try:
            self.dispatch_call(call, Origin.signed(who))
        except DispatchError as exc:
            # kept in the outcome: without its traceback, which would keep every frame of the caller's
            # stack alive (a bulk day's actions with them) in a cycle that the paused collector misses
            error = exc.with_traceback(None)
            error.__context__ = None
        except Exception as exc:  # a pallet bug must not halt the chain; the call failed, visibly
            error = self._defect(f"{call[0]}.{call[1][0]}", exc)
        if self.fast_paths:
            fee_paid(self, xt, fee)
        else:
            self.payment.emit("TransactionFeePaid", {"who": who, "actual_fee": fee, "tip": xt.tip})
        self._deposit_result(error, weight, "Normal", "Yes")
        self._count(xt, weight)
        return ApplyOutcome(error is None, error, fee, weight)

    def _count(self, xt: Extrinsic, weight: int) -> None:
        self.extrinsic_count += 1
        self.block_weight += weight
        self.block_length += len(xt.raw)

    def _deposit_result(self, error: DispatchError | None, weight: int, cls: str, pays: str) -> None:
        if error is None:  # the fields and their encoding depend on (weight, class, pays) only: made once
            key = (weight, cls, pays)
            cached = self._result_cache.get(key)
            if cached is None:
                info = {"weight": {"ref_time": weight, "proof_size": 0}, "class": (cls, None), "pays_fee": (pays, None)}
                cached = self._result_cache[key] = ({"dispatch_info": info}, DISPATCH_INFO.encode(info))
            self.deposit_event(self.system.INDEX, self.system.event_def("ExtrinsicSuccess"), cached[0], cached[1])
        else:
            info = {"weight": {"ref_time": weight, "proof_size": 0}, "class": (cls, None), "pays_fee": (pays, None)}
            self.system.emit("ExtrinsicFailed", {"dispatch_error": error.to_value(), "dispatch_info": info})

    # -- reading decoded events back (indexer, receipts, explorer) --------------------------------------
    def decode_events(self, raw: bytes) -> list[dict[str, Any]]:
        """Decode a System.Events value into dicts: phase, pallet, event, fields.

        The speed path: each event's fields go straight through its EventDef's (compiled) body codec
        instead of walking the RuntimeEvent enum; `decode_events_reference` is the reference, and
        tests/chain/test_decode_events.py checks that both agree.
        """
        table = self._event_table
        if table is None:
            table = self._event_table = {
                (p.INDEX, e.index): (p.NAME, e) for p in self.pallets for e in p.EVENTS
                if not any(n == "" for n, _ in e.fields)
            }
        n, pos = decode_compact(raw, 0)
        out = []
        for i in range(n):
            tag = raw[pos]
            if tag == 0:
                phase: tuple[str, Any] = ("ApplyExtrinsic", int.from_bytes(raw[pos + 1 : pos + 5], "little"))
                pos += 5
            elif tag in (1, 2):
                phase = ("Finalization" if tag == 1 else "Initialization", None)
                pos += 1
            else:
                return self.decode_events_reference(raw)
            entry = table.get((raw[pos], raw[pos + 1]))
            if entry is None:
                return self.decode_events_reference(raw)
            pallet, ev = entry
            fields, pos = ev.body.decode_from(raw, pos + 2)
            topics, pos = decode_compact(raw, pos)
            pos += 32 * topics
            out.append({"index": i, "phase": phase, "pallet": pallet, "event": ev.name, "fields": fields})
        if pos != len(raw):
            raise CodecError(f"{len(raw) - pos} trailing bytes after the events")
        return out

    def decode_events_reference(self, raw: bytes) -> list[dict[str, Any]]:
        """Decode a System.Events value through the RuntimeEvent enum (the reference path)."""
        out = []
        for i, r in enumerate(Vec(EVENT_RECORD).decode(raw)):
            pallet, (name, fields) = r["event"]
            out.append({"index": i, "phase": r["phase"], "pallet": pallet, "event": name, "fields": fields or {}})
        return out



