"""Shared chain types: the SCALE shapes Substrate clients expect, and chain-wide constants."""
from __future__ import annotations

from typing import Any

from chain.codec import (
    ACCOUNT_ID, BYTES, COMPACT_U32, COMPACT_U64, H256, U8, U32, U128, Enum, FixedBytes, ScaleType,
    Struct, Tuple, Variant, Vec, decode_compact, encode_compact,
)
from chain.errors import CodecError

AccountId = bytes
Balance = int
BlockNumber = int
Hash = bytes

SS58_PREFIX = 42
TOKEN_SYMBOL = "PUI"
TOKEN_DECIMALS = 12
UNIT = 10**TOKEN_DECIMALS

UNIT_TYPE = Tuple(())

WEIGHT = Struct("sp_weights::weight_v2::Weight", (("ref_time", COMPACT_U64), ("proof_size", COMPACT_U64)))
DISPATCH_CLASS = Enum(
    "frame_support::dispatch::DispatchClass",
    (Variant(0, "Normal"), Variant(1, "Operational"), Variant(2, "Mandatory")),
)
PAYS = Enum("frame_support::dispatch::Pays", (Variant(0, "Yes"), Variant(1, "No")))
DISPATCH_INFO = Struct(
    "frame_support::dispatch::DispatchInfo",
    (("weight", WEIGHT), ("class", DISPATCH_CLASS), ("pays_fee", PAYS)),
)
MODULE_ERROR = Struct("sp_runtime::ModuleError", (("index", U8), ("error", FixedBytes(4))))
TOKEN_ERROR = Enum(
    "sp_runtime::TokenError",
    tuple(Variant(i, n) for i, n in enumerate(
        ["FundsUnavailable", "OnlyProvider", "BelowMinimum", "CannotCreate", "UnknownAsset", "Frozen",
         "Unsupported", "CannotCreateHold", "NotExpendable", "Blocked"])),
)
ARITHMETIC_ERROR = Enum(
    "sp_arithmetic::ArithmeticError",
    (Variant(0, "Underflow"), Variant(1, "Overflow"), Variant(2, "DivisionByZero")),
)
TRANSACTIONAL_ERROR = Enum(
    "sp_runtime::TransactionalError", (Variant(0, "LimitReached"), Variant(1, "NoLayer"))
)
DISPATCH_ERROR = Enum(
    "sp_runtime::DispatchError",
    (
        Variant(0, "Other"), Variant(1, "CannotLookup"), Variant(2, "BadOrigin"),
        Variant(3, "Module", (("", MODULE_ERROR),)), Variant(4, "ConsumerRemaining"),
        Variant(5, "NoProviders"), Variant(6, "TooManyConsumers"), Variant(7, "Token", (("", TOKEN_ERROR),)),
        Variant(8, "Arithmetic", (("", ARITHMETIC_ERROR),)),
        Variant(9, "Transactional", (("", TRANSACTIONAL_ERROR),)), Variant(10, "Exhausted"),
        Variant(11, "Corruption"), Variant(12, "Unavailable"), Variant(13, "RootNotAllowed"),
    ),
)
DISPATCH_RESULT = Enum(
    "Result", (Variant(0, "Ok", (("", UNIT_TYPE),)), Variant(1, "Err", (("", DISPATCH_ERROR),)))
)

ACCOUNT_DATA = Struct(
    "pallet_balances::types::AccountData",
    (("free", U128), ("reserved", U128), ("frozen", U128), ("flags", U128)),
)
ACCOUNT_INFO = Struct(
    "frame_system::AccountInfo",
    (("nonce", U32), ("consumers", U32), ("providers", U32), ("sufficients", U32), ("data", ACCOUNT_DATA)),
)
EMPTY_ACCOUNT: dict[str, Any] = {
    "nonce": 0, "consumers": 0, "providers": 0, "sufficients": 0,
    "data": {"free": 0, "reserved": 0, "frozen": 0, "flags": 1 << 127},
}

PHASE = Enum(
    "frame_system::Phase",
    (Variant(0, "ApplyExtrinsic", (("", U32),)), Variant(1, "Finalization"), Variant(2, "Initialization")),
)

MULTI_ADDRESS = Enum(
    "sp_runtime::multiaddress::MultiAddress",
    (
        Variant(0, "Id", (("", ACCOUNT_ID),)), Variant(1, "Index", (("", COMPACT_U32),)),
        Variant(2, "Raw", (("", BYTES),)), Variant(3, "Address32", (("", FixedBytes(32)),)),
        Variant(4, "Address20", (("", FixedBytes(20)),)),
    ),
)
MULTI_SIGNATURE = Enum(
    "sp_runtime::MultiSignature",
    (
        Variant(0, "Ed25519", (("", FixedBytes(64, "sp_core::ed25519::Signature")),)),
        Variant(1, "Sr25519", (("", FixedBytes(64, "sp_core::sr25519::Signature")),)),
        Variant(2, "Ecdsa", (("", FixedBytes(65, "sp_core::ecdsa::Signature")),)),
    ),
)


class EraType(ScaleType):
    """sp_runtime::generic::era::Era: None (immortal) or (period, phase)."""

    path = "sp_runtime::generic::era::Era"

    def encode(self, value: Any) -> bytes:
        if value is None:
            return b"\x00"
        period, phase = value
        if period < 4 or period > 1 << 16 or period & (period - 1) or not 0 <= phase < period:
            raise CodecError(f"invalid mortal era period={period} phase={phase}")
        quantize = max(period >> 12, 1)
        enc = min(15, max(1, period.bit_length() - 2)) | ((phase // quantize) << 4)
        return enc.to_bytes(2, "little")

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        if pos >= len(data):
            raise CodecError("input too short for Era")
        if data[pos] == 0:
            return None, pos + 1
        if pos + 2 > len(data):
            raise CodecError("input too short for mortal Era")
        enc = int.from_bytes(data[pos : pos + 2], "little")
        period = 2 << (enc % (1 << 4))
        quantize = max(period >> 12, 1)
        phase = (enc >> 4) * quantize
        if period < 4 or phase >= period:
            raise CodecError(f"invalid mortal era encoding {enc:#06x}")
        return (period, phase), pos + 2

    def __repr__(self) -> str:
        return "Era"


ERA = EraType()


def mortal_era(current: int, period: int = 64) -> tuple[int, int]:
    """The (period, phase) of a mortal era born at block `current`, as Substrate computes it."""
    period = max(4, min(1 << 16, 1 << (max(period, 2) - 1).bit_length()))
    quantize = max(period >> 12, 1)
    phase = (current % period) // quantize * quantize
    return period, phase


def era_birth(era: tuple[int, int], current: int) -> int:
    """The birth block of a mortal era seen at block `current`."""
    period, phase = era
    return (max(current, phase) - phase) // period * period + phase


class RuntimeCallRef(ScaleType):
    """A call of any pallet (for Utility.batch, Sudo.sudo): resolves to the runtime's RuntimeCall enum."""

    path = "puhui_runtime::RuntimeCall"
    target: Enum | None = None  # set once by chain.runtime when the runtime's call enum is built

    def encode(self, value: Any) -> bytes:
        assert RuntimeCallRef.target is not None, "runtime not built"
        return RuntimeCallRef.target.encode(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        assert RuntimeCallRef.target is not None, "runtime not built"
        return RuntimeCallRef.target.decode_from(data, pos)

    def __repr__(self) -> str:
        return "RuntimeCall"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuntimeCallRef)

    def __hash__(self) -> int:
        return hash("RuntimeCall")


RUNTIME_CALL = RuntimeCallRef()

__all__ = [
    "ACCOUNT_DATA", "ACCOUNT_INFO", "DISPATCH_ERROR", "DISPATCH_INFO", "DISPATCH_RESULT", "ERA", "H256",
    "MULTI_ADDRESS", "MULTI_SIGNATURE", "PHASE", "RUNTIME_CALL", "WEIGHT", "encode_compact", "decode_compact",
    "mortal_era", "era_birth", "Vec",
]


class RuntimeEventRef(ScaleType):
    """An event of any pallet: resolves to the runtime's RuntimeEvent enum (for System.Events)."""

    path = "puhui_runtime::RuntimeEvent"
    target: Enum | None = None  # set once by chain.runtime

    def encode(self, value: Any) -> bytes:
        assert RuntimeEventRef.target is not None, "runtime not built"
        return RuntimeEventRef.target.encode(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        assert RuntimeEventRef.target is not None, "runtime not built"
        return RuntimeEventRef.target.decode_from(data, pos)

    def __repr__(self) -> str:
        return "RuntimeEvent"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuntimeEventRef)

    def __hash__(self) -> int:
        return hash("RuntimeEvent")


RUNTIME_EVENT = RuntimeEventRef()
EVENT_RECORD = Struct(
    "frame_system::EventRecord", (("phase", PHASE), ("event", RUNTIME_EVENT), ("topics", Vec(H256)))
)
