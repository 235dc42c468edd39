"""Runtime metadata V14, generated from the pallet declarations, and the runtime version.

Nothing here is written per pallet: every pallet of the runtime (core and domain pallets alike) is
described from its `CALLS`, `EVENTS`, `ERRORS`, `STORAGE` and `CONSTANTS`, and every type from the
chain/codec.py descriptor that encodes it. The metadata's own layout (frame-metadata V14, scale-info's
portable registry) is declared below with the same descriptors, so one schema both encodes what the
node serves and decodes what any Substrate node serves (chain/remote.py reads it back).

Type paths follow Substrate's, because clients pick special decoders by path (AccountId32,
MultiAddress, Era, UncheckedExtrinsic, RuntimeCall, RuntimeEvent, EventRecord, weight v2), and the
signed extensions are listed in the standard order of chain/extrinsic.py, the one substrate-interface
hard-codes.
"""
from __future__ import annotations

import hashlib
import weakref
from typing import Any

from chain.codec import (
    ACCOUNT_ID, BYTES, COMPACT_U32, COMPACT_U128, H256, TEXT, U8, U32, BoolType, BytesType, Compact, Enum,
    FixedBytes, Int, Option, ScaleType, Struct, TextType, Tuple, UInt, Variant, Vec,
)
from chain.extrinsic import SIGNED_EXTENSIONS
from chain.runtime import (
    AUTHORING_VERSION, IMPL_NAME, IMPL_VERSION, SPEC_NAME, SPEC_VERSION, STATE_VERSION, TX_VERSION, Runtime,
    pallet_module_path,
)
from chain.types import (
    ACCOUNT_DATA, ERA, EVENT_RECORD, MULTI_ADDRESS, MULTI_SIGNATURE, RuntimeCallRef, RuntimeEventRef,
)

MAGIC = b"meta"  # 0x6d657461
VERSION = 14

# ---------------------------------------------------------------------------------------------------
# The metadata's own layout (frame-metadata v14 / scale-info portable form), as codec descriptors.

TYPE_ID = COMPACT_U32
DOCS = Vec(TEXT)
FIELD = Struct("scale_info::Field", (("name", Option(TEXT)), ("type", TYPE_ID), ("type_name", Option(TEXT)), ("docs", DOCS)))
VARIANT = Struct("scale_info::Variant", (("name", TEXT), ("fields", Vec(FIELD)), ("index", U8), ("docs", DOCS)))
PRIMITIVES = ("bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "u256", "i8", "i16", "i32", "i64", "i128", "i256")
PRIMITIVE = Enum("scale_info::TypeDefPrimitive", tuple(Variant(i, n) for i, n in enumerate(PRIMITIVES)))
TYPE_DEF = Enum("scale_info::TypeDef", (
    Variant(0, "composite", (("fields", Vec(FIELD)),)),
    Variant(1, "variant", (("variants", Vec(VARIANT)),)),
    Variant(2, "sequence", (("type", TYPE_ID),)),
    Variant(3, "array", (("len", U32), ("type", TYPE_ID))),
    Variant(4, "tuple", (("", Vec(TYPE_ID)),)),
    Variant(5, "primitive", (("", PRIMITIVE),)),
    Variant(6, "compact", (("type", TYPE_ID),)),
    Variant(7, "bitsequence", (("bit_store_type", TYPE_ID), ("bit_order_type", TYPE_ID))),
))
TYPE_PARAM = Struct("scale_info::TypeParameter", (("name", TEXT), ("type", Option(TYPE_ID))))
TYPE = Struct("scale_info::Type", (("path", Vec(TEXT)), ("params", Vec(TYPE_PARAM)), ("def", TYPE_DEF), ("docs", DOCS)))
PORTABLE_TYPE = Struct("scale_info::PortableType", (("id", TYPE_ID), ("type", TYPE)))
HASHER_NAMES = ("Blake2_128", "Blake2_256", "Blake2_128Concat", "Twox128", "Twox256", "Twox64Concat", "Identity")
HASHER = Enum("frame_metadata::StorageHasher", tuple(Variant(i, n) for i, n in enumerate(HASHER_NAMES)))
MODIFIER = Enum("frame_metadata::StorageEntryModifier", (Variant(0, "Optional"), Variant(1, "Default")))
ENTRY_TYPE = Enum("frame_metadata::StorageEntryType", (
    Variant(0, "Plain", (("", TYPE_ID),)),
    Variant(1, "Map", (("hashers", Vec(HASHER)), ("key", TYPE_ID), ("value", TYPE_ID))),
))
STORAGE_ENTRY = Struct("frame_metadata::StorageEntryMetadata", (
    ("name", TEXT), ("modifier", MODIFIER), ("type", ENTRY_TYPE), ("default", BYTES), ("docs", DOCS)))
PALLET_STORAGE = Struct("frame_metadata::PalletStorageMetadata", (("prefix", TEXT), ("entries", Vec(STORAGE_ENTRY))))
CONSTANT = Struct("frame_metadata::PalletConstantMetadata", (("name", TEXT), ("type", TYPE_ID), ("value", BYTES), ("docs", DOCS)))
PALLET = Struct("frame_metadata::PalletMetadata", (
    ("name", TEXT), ("storage", Option(PALLET_STORAGE)), ("calls", Option(TYPE_ID)), ("event", Option(TYPE_ID)),
    ("constants", Vec(CONSTANT)), ("error", Option(TYPE_ID)), ("index", U8)))
SIGNED_EXTENSION = Struct("frame_metadata::SignedExtensionMetadata", (
    ("identifier", TEXT), ("type", TYPE_ID), ("additional_signed", TYPE_ID)))
EXTRINSIC = Struct("frame_metadata::ExtrinsicMetadata", (
    ("type", TYPE_ID), ("version", U8), ("signed_extensions", Vec(SIGNED_EXTENSION))))
METADATA_V14 = Struct("frame_metadata::RuntimeMetadataV14", (
    ("types", Vec(PORTABLE_TYPE)), ("pallets", Vec(PALLET)), ("extrinsic", EXTRINSIC), ("type", TYPE_ID)))

# ---------------------------------------------------------------------------------------------------
# The standard signed extensions: what each adds to the extrinsic and to the signed payload.

UNIT = Tuple(())
_EXT = "frame_system::extensions"
MODE = Enum("frame_metadata_hash_extension::Mode", (Variant(0, "Disabled"), Variant(1, "Enabled")))
EXTENSION_TYPES: dict[str, tuple[ScaleType, ScaleType]] = {
    "CheckNonZeroSender": (Struct(f"{_EXT}::check_non_zero_sender::CheckNonZeroSender", ()), UNIT),
    "CheckSpecVersion": (Struct(f"{_EXT}::check_spec_version::CheckSpecVersion", ()), U32),
    "CheckTxVersion": (Struct(f"{_EXT}::check_tx_version::CheckTxVersion", ()), U32),
    "CheckGenesis": (Struct(f"{_EXT}::check_genesis::CheckGenesis", ()), H256),
    "CheckMortality": (Struct(f"{_EXT}::check_mortality::CheckMortality", (("", ERA),)), H256),
    "CheckNonce": (Struct(f"{_EXT}::check_nonce::CheckNonce", (("", COMPACT_U32),)), UNIT),
    "CheckWeight": (Struct(f"{_EXT}::check_weight::CheckWeight", ()), UNIT),
    "ChargeTransactionPayment": (Struct("pallet_transaction_payment::ChargeTransactionPayment", (("", COMPACT_U128),)), UNIT),
    "CheckMetadataHash": (Struct("frame_metadata_hash_extension::CheckMetadataHash", (("mode", MODE),)), Option(FixedBytes(32))),
}

# Generic parameters clients read from well-known types (polkadot.js takes the account id type from
# MultiAddress's first parameter and Address/Signature from UncheckedExtrinsic's).
KNOWN_PARAMS: dict[str, tuple[tuple[str, ScaleType], ...]] = {
    "sp_runtime::multiaddress::MultiAddress": (("AccountId", ACCOUNT_ID), ("AccountIndex", U32)),
    "frame_system::EventRecord": (("E", RuntimeEventRef()), ("T", H256)),
    "frame_system::AccountInfo": (("Nonce", U32), ("AccountData", ACCOUNT_DATA)),
}

# Runtime APIs the node answers through `state_call` (name, version); ids are blake2_64 of the name.
RUNTIME_APIS: tuple[tuple[str, int], ...] = (
    ("Core", 4), ("Metadata", 1), ("TaggedTransactionQueue", 3), ("AccountNonceApi", 1), ("TransactionPaymentApi", 4),
)


def api_id(name: str) -> bytes:
    return hashlib.blake2b(name.encode(), digest_size=8).digest()


# ---------------------------------------------------------------------------------------------------
# The portable type registry, built from descriptors


def _segments(path: str) -> list[str]:
    return [s for s in path.split("::") if s]


def _docs(text: str) -> list[str]:
    return [line for line in text.splitlines()] if text else []


def _field(name: str, type_id: int, type_name: str, docs: str = "") -> dict[str, Any]:
    return {"name": name or None, "type": type_id, "type_name": type_name or None, "docs": _docs(docs)}


class TypeRegistry:
    """Assigns each distinct descriptor a type id and its scale-info description."""

    def __init__(self, rt: Runtime):
        self.rt = rt
        self.types: list[dict[str, Any]] = []
        self._ids: dict[Any, int] = {}

    def _new(self, key: Any) -> int:
        tid = len(self.types)
        self._ids[key] = tid
        self.types.append({})
        return tid

    def _set(self, tid: int, path: str, definition: tuple[str, Any], params: tuple[tuple[str, int | None], ...] = (),
             docs: str = "") -> int:
        self.types[tid] = {"path": _segments(path), "params": [{"name": n, "type": t} for n, t in params],
                           "def": definition, "docs": _docs(docs)}
        return tid

    def id(self, t: ScaleType) -> int:
        """The type id of a descriptor, registering it (and what it contains) on first sight."""
        if isinstance(t, RuntimeCallRef):
            t = self.rt.call_type
        elif isinstance(t, RuntimeEventRef):
            t = self.rt.event_type
        key = (type(t), t)
        found = self._ids.get(key)
        if found is not None:
            return found
        tid = self._new(key)
        return self._describe(tid, t)

    def _describe(self, tid: int, t: ScaleType) -> int:
        if isinstance(t, UInt):
            return self._set(tid, "", ("primitive", (f"u{t.bits}", None)))
        if isinstance(t, Int):
            return self._set(tid, "", ("primitive", (f"i{t.bits}", None)))
        if isinstance(t, BoolType):
            return self._set(tid, "", ("primitive", ("bool", None)))
        if isinstance(t, TextType):
            return self._set(tid, "", ("primitive", ("str", None)))
        if isinstance(t, BytesType):
            return self._set(tid, "", ("sequence", {"type": self.id(U8)}))
        if isinstance(t, Compact):
            return self._set(tid, "", ("compact", {"type": self.id(t.inner)}))
        if isinstance(t, Vec):
            return self._set(tid, "", ("sequence", {"type": self.id(t.inner)}))
        if isinstance(t, Tuple):
            return self._set(tid, "", ("tuple", [self.id(i) for i in t.items]))
        if isinstance(t, FixedBytes):
            array = ("array", {"len": t.length, "type": self.id(U8)})
            if not t.path:
                return self._set(tid, "", array)
            inner = self.id(FixedBytes(t.length))
            return self._set(tid, t.path, ("composite", {"fields": [_field("", inner, f"[u8; {t.length}]")]}))
        if isinstance(t, Option):
            inner = self.id(t.inner)
            options = [{"name": "None", "fields": [], "index": 0, "docs": []},
                       {"name": "Some", "fields": [_field("", inner, "")], "index": 1, "docs": []}]
            return self._set(tid, "Option", ("variant", {"variants": options}), (("T", inner),))
        if isinstance(t, Struct):
            fields = [_field(n, self.id(ft), repr(ft)) for n, ft in t.fields]
            return self._set(tid, t.path, ("composite", {"fields": fields}), self._params(t.path), t.docs)
        if isinstance(t, Enum):
            variants = [{"name": v.name, "index": v.index, "docs": _docs(v.docs),
                         "fields": [_field(n, self.id(ft), repr(ft)) for n, ft in v.fields]} for v in t.variants]
            params = self._params(t.path)
            if t.path == "Result":
                ok, err = (v.fields[0][1] for v in t.variants)
                params = (("T", self.id(ok)), ("E", self.id(err)))
            return self._set(tid, t.path, ("variant", {"variants": variants}), params, t.docs)
        if t is ERA or type(t) is type(ERA):
            u8 = self.id(U8)
            variants = [{"name": "Immortal", "fields": [], "index": 0, "docs": []}] + [
                {"name": f"Mortal{i}", "fields": [_field("", u8, "")], "index": i, "docs": []} for i in range(1, 256)]
            return self._set(tid, ERA.path, ("variant", {"variants": variants}))
        raise TypeError(f"no metadata description for {t!r} ({type(t).__name__})")

    def _params(self, path: str) -> tuple[tuple[str, int | None], ...]:
        return tuple((name, self.id(pt)) for name, pt in KNOWN_PARAMS.get(path, ()))

    def custom(self, key: str, path: str, definition: tuple[str, Any], params: tuple[tuple[str, int | None], ...] = ()) -> int:
        found = self._ids.get(key)
        if found is not None:
            return found
        return self._set(self._new(key), path, definition, params)

    def portable(self) -> list[dict[str, Any]]:
        return [{"id": i, "type": t} for i, t in enumerate(self.types)]


# ---------------------------------------------------------------------------------------------------
# Pallets


def _pallet_enum(rt: Runtime, outer: Enum, name: str) -> Enum | None:
    for v in outer.variants:
        if v.name == name:
            return v.fields[0][1]  # type: ignore[return-value]
    return None


def _storage(reg: TypeRegistry, pallet: Any) -> dict[str, Any] | None:
    if not pallet.STORAGE:
        return None
    entries = []
    for item in pallet.STORAGE:
        value = reg.id(item.value)
        if item.keys:
            key_types = [t for _, t in item.keys]
            key = reg.id(key_types[0] if len(key_types) == 1 else Tuple(tuple(key_types)))
            entry_type: tuple[str, Any] = ("Map", {"hashers": [(h, None) for h, _ in item.keys], "key": key, "value": value})
        else:
            entry_type = ("Plain", value)
        if item.default is None:
            modifier, default = ("Optional", None), b"\x00"
        else:
            modifier, default = ("Default", None), item.value.encode(item.default)
        entries.append({"name": item.name, "modifier": modifier, "type": entry_type, "default": default,
                        "docs": _docs(item.doc)})
    return {"prefix": pallet.NAME, "entries": entries}


def _pallet(reg: TypeRegistry, rt: Runtime, pallet: Any) -> dict[str, Any]:
    calls = _pallet_enum(rt, rt.call_type, pallet.NAME)
    events = _pallet_enum(rt, rt.event_type, pallet.NAME)
    error = None
    if pallet.ERRORS:
        # Listed without gaps: substrate-interface finds an error by its position in the list, not by
        # its index, so an unused index gets a placeholder variant.
        declared = {e.index: e for e in pallet.ERRORS}
        variants = tuple(
            Variant(i, declared[i].name, (), declared[i].doc) if i in declared
            else Variant(i, f"Unused{i}", (), "This error index is not used by this pallet.")
            for i in range(max(declared) + 1))
        error = reg.id(Enum(f"{pallet_module_path(type(pallet))}::pallet::Error", variants,
                            f"The `Error` enum of the {pallet.NAME} pallet."))
    return {
        "name": pallet.NAME,
        "storage": _storage(reg, pallet),
        "calls": reg.id(calls) if calls is not None else None,
        "event": reg.id(events) if events is not None else None,
        "constants": [{"name": c.name, "type": reg.id(c.type), "value": c.type.encode(c.value), "docs": _docs(c.doc)}
                      for c in pallet.CONSTANTS],
        "error": error,
        "index": pallet.INDEX,
    }


def metadata_value(rt: Runtime) -> dict[str, Any]:
    """The RuntimeMetadataV14 of a runtime, as plain data (what METADATA_V14 encodes)."""
    reg = TypeRegistry(rt)
    # The outer enums first, so that pallet call/event types are registered under their own paths.
    reg.id(rt.call_type)
    reg.id(rt.event_type)
    reg.id(EVENT_RECORD)
    pallets = [_pallet(reg, rt, p) for p in sorted(rt.pallets, key=lambda p: p.INDEX)]
    extensions = []
    ext_types = []
    for name in SIGNED_EXTENSIONS:
        ty, additional = EXTENSION_TYPES[name]
        ext_types.append(ty)
        extensions.append({"identifier": name, "type": reg.id(ty), "additional_signed": reg.id(additional)})
    params = (("Address", reg.id(MULTI_ADDRESS)), ("Call", reg.id(rt.call_type)),
              ("Signature", reg.id(MULTI_SIGNATURE)), ("Extra", reg.id(Tuple(tuple(ext_types)))))
    xt = reg.custom("UncheckedExtrinsic", "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic",
                    ("composite", {"fields": [_field("", reg.id(BYTES), "Vec<u8>")]}), params)
    runtime_ty = reg.id(Struct("puhui_runtime::Runtime", (), "The Puhui runtime."))
    return {"types": reg.portable(), "pallets": pallets,
            "extrinsic": {"type": xt, "version": 4, "signed_extensions": extensions}, "type": runtime_ty}


def encode_metadata(value: dict[str, Any]) -> bytes:
    """RuntimeMetadataPrefixed: magic, version 14, then the V14 body."""
    return MAGIC + bytes([VERSION]) + METADATA_V14.encode(value)


def decode_metadata(data: bytes) -> dict[str, Any]:
    """Read back RuntimeMetadataPrefixed V14 (ours or any Substrate node's). ValueError if not V14."""
    if data[:4] != MAGIC:
        raise ValueError("not runtime metadata (no 'meta' magic)")
    if len(data) < 5 or data[4] != VERSION:
        raise ValueError(f"metadata version {data[4] if len(data) > 4 else None} is not supported (only V14)")
    return METADATA_V14.decode(data[5:])  # type: ignore[no-any-return]


_CACHE: "weakref.WeakKeyDictionary[Runtime, bytes]" = weakref.WeakKeyDictionary()


def runtime_metadata(rt: Runtime) -> bytes:
    """The encoded metadata of a runtime (computed once per runtime object)."""
    cached = _CACHE.get(rt)
    if cached is None:
        cached = _CACHE[rt] = encode_metadata(metadata_value(rt))
    return cached


# ---------------------------------------------------------------------------------------------------
# Runtime version

RUNTIME_VERSION = Struct("sp_version::RuntimeVersion", (
    ("spec_name", TEXT), ("impl_name", TEXT), ("authoring_version", U32), ("spec_version", U32),
    ("impl_version", U32), ("apis", Vec(Tuple((FixedBytes(8), U32)))), ("transaction_version", U32),
    ("state_version", U8),
))


def runtime_version() -> dict[str, Any]:
    """The runtime version as `state_getRuntimeVersion` answers it."""
    return {
        "specName": SPEC_NAME, "implName": IMPL_NAME, "authoringVersion": AUTHORING_VERSION,
        "specVersion": SPEC_VERSION, "implVersion": IMPL_VERSION,
        "apis": [["0x" + api_id(n).hex(), v] for n, v in RUNTIME_APIS],
        "transactionVersion": TX_VERSION, "stateVersion": STATE_VERSION,
    }


def encode_runtime_version() -> bytes:
    """SCALE RuntimeVersion (what `Core_version` returns)."""
    return RUNTIME_VERSION.encode({
        "spec_name": SPEC_NAME, "impl_name": IMPL_NAME, "authoring_version": AUTHORING_VERSION,
        "spec_version": SPEC_VERSION, "impl_version": IMPL_VERSION,
        "apis": [(api_id(n), v) for n, v in RUNTIME_APIS], "transaction_version": TX_VERSION,
        "state_version": STATE_VERSION,
    })
