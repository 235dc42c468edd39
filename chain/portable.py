"""Codec descriptors from any node's metadata V14: the reverse of chain/metadata.py.

`RemoteRuntime(metadata_bytes)` turns the portable type registry of a Substrate node (this one or any
other) into chain/codec.py descriptors, so values read over RPC decode into the same Python forms the
in-process client gives: account ids and hashes as bytes, structs as dicts, enums as
(variant, payload), Option as the value or None. It also knows each pallet's storage entries, calls,
events, errors and constants, and how to take an extrinsic apart by the node's signed extensions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chain.codec import (
    BOOL, TEXT, BytesType, Compact, Enum, FixedBytes, Int, Option, ScaleType, Struct, Tuple, UInt, Variant, Vec,
    decode_compact,
)
from chain.errors import CodecError
from chain.frame import CONCAT_PREFIX_LEN, HASHERS
from chain.hashing import storage_prefix
from chain.metadata import decode_metadata
from chain.types import ERA, MULTI_ADDRESS, MULTI_SIGNATURE


class _Ref(ScaleType):
    """A type seen again while it is being built (recursive types such as RuntimeCall)."""

    def __init__(self, types: "PortableTypes", tid: int):
        self.types, self.tid = types, tid

    def encode(self, value: Any) -> bytes:
        return self.types.get(self.tid).encode(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        return self.types.get(self.tid).decode_from(data, pos)

    def __repr__(self) -> str:
        return f"Ref({self.tid})"


@dataclass(frozen=True)
class BitSequence(ScaleType):
    """BitVec<store, order>: compact bit count, then whole store words; the value is the raw bytes."""

    store_bytes: int = 1

    def encode(self, value: Any) -> bytes:
        raise CodecError("encoding bit sequences is not supported")

    def decode_from(self, data: bytes, pos: int) -> tuple[bytes, int]:
        bits, pos = decode_compact(data, pos)
        words = -(-bits // (8 * self.store_bytes))
        n = words * self.store_bytes
        if pos + n > len(data):
            raise CodecError("input too short for a bit sequence")
        return bytes(data[pos : pos + n]), pos + n


@dataclass(frozen=True)
class Unsupported(ScaleType):
    what: str

    def encode(self, value: Any) -> bytes:
        raise CodecError(f"type {self.what} is not supported")

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        raise CodecError(f"type {self.what} is not supported")


_PRIMS: dict[str, ScaleType] = {"bool": BOOL, "str": TEXT, "char": Unsupported("char"), "i256": Int(256)}
_PRIMS.update({f"u{b}": UInt(b) for b in (8, 16, 32, 64, 128, 256)})
_PRIMS.update({f"i{b}": Int(b) for b in (8, 16, 32, 64, 128)})


class PortableTypes:
    """Descriptors for the type ids of a portable registry, built on first use."""

    def __init__(self, types: list[dict[str, Any]]):
        self.defs = {t["id"]: t["type"] for t in types}
        self._built: dict[int, ScaleType] = {}
        self._building: dict[int, _Ref] = {}

    def path(self, tid: int) -> str:
        return "::".join(self.defs[tid]["path"])

    def get(self, tid: int) -> ScaleType:
        built = self._built.get(tid)
        if built is not None:
            return built
        if tid in self._building:
            return self._building[tid]
        if tid not in self.defs:
            raise CodecError(f"metadata has no type {tid}")
        self._building[tid] = _Ref(self, tid)
        try:
            t = self._build(self.defs[tid])
        finally:
            del self._building[tid]
        self._built[tid] = t
        return t

    def _is_u8(self, tid: int) -> bool:
        return self.defs[tid]["def"] == ("primitive", ("u8", None))

    def _build(self, ty: dict[str, Any]) -> ScaleType:
        path = "::".join(ty["path"])
        kind, d = ty["def"]
        if kind == "primitive":
            return _PRIMS[d[0]]
        if kind == "compact":
            return Compact(self._compact_inner(d["type"]))
        if kind == "sequence":
            return BytesType() if self._is_u8(d["type"]) else Vec(self.get(d["type"]))
        if kind == "array":
            if self._is_u8(d["type"]):
                return FixedBytes(d["len"], path)
            return Tuple((self.get(d["type"]),) * d["len"])
        if kind == "tuple":
            return Tuple(tuple(self.get(i) for i in d))
        if kind == "bitsequence":
            store = self.defs[d["bit_store_type"]]["def"]
            bits = int(store[1][0][1:]) if store[0] == "primitive" else 8
            return BitSequence(bits // 8)
        if kind == "composite":
            fields = d["fields"]
            if len(fields) == 1 and not fields[0]["name"]:  # a newtype: the inner value itself
                inner = self.get(fields[0]["type"])
                if isinstance(inner, FixedBytes) and path:
                    return FixedBytes(inner.length, path)
                return inner
            if fields and all(f["name"] for f in fields):
                return Struct(path, tuple((f["name"], self.get(f["type"])) for f in fields))
            if not fields:
                return Struct(path, ())
            return Tuple(tuple(self.get(f["type"]) for f in fields))
        if kind == "variant":
            if path == "sp_runtime::generic::era::Era":
                return ERA
            variants = d["variants"]
            if path == "Option" and len(variants) == 2:
                some = next(v for v in variants if v["name"] == "Some")
                return Option(self.get(some["fields"][0]["type"]))
            return Enum(path, tuple(Variant(v["index"], v["name"], self._variant_fields(v["fields"]), "\n".join(v["docs"]))
                                    for v in variants))
        raise CodecError(f"unknown type definition {kind}")

    def _variant_fields(self, fields: list[dict[str, Any]]) -> tuple[tuple[str, ScaleType], ...]:
        if not fields:
            return ()
        if all(f["name"] for f in fields):
            return tuple((f["name"], self.get(f["type"])) for f in fields)
        if len(fields) == 1:
            return (("", self.get(fields[0]["type"])),)
        return (("", Tuple(tuple(self.get(f["type"]) for f in fields))),)

    def _compact_inner(self, tid: int) -> UInt:
        kind, d = self.defs[tid]["def"]
        if kind == "primitive" and d[0].startswith("u"):
            return UInt(int(d[0][1:]))
        if kind == "composite" and len(d["fields"]) == 1:  # Compact<Perbill> and other wrappers
            return self._compact_inner(d["fields"][0]["type"])
        if kind in ("tuple", "composite"):
            return UInt(8)  # Compact<()>: never carries a value
        raise CodecError(f"type {tid} cannot be compact")


@dataclass
class StorageEntry:
    pallet: str
    name: str
    value: ScaleType
    hashers: tuple[str, ...]
    keys: tuple[ScaleType, ...]
    default: Any  # decoded default (None for OptionQuery)
    docs: str

    @property
    def prefix(self) -> bytes:
        return storage_prefix(self.pallet, self.name)

    def key(self, *keys: Any) -> bytes:
        if len(keys) > len(self.keys):
            raise TypeError(f"{self.pallet}.{self.name} takes {len(self.keys)} keys, got {len(keys)}")
        out = self.prefix
        for h, t, k in zip(self.hashers, self.keys, keys):
            out += HASHERS[h](t.encode(k))
        return out

    def decode_keys(self, raw: bytes) -> tuple:
        pos, out = len(self.prefix), []
        for h, t in zip(self.hashers, self.keys):
            if h not in CONCAT_PREFIX_LEN:
                raise CodecError(f"{self.pallet}.{self.name}: {h} keys cannot be read back")
            k, pos = t.decode_from(raw, pos + CONCAT_PREFIX_LEN[h])
            out.append(k)
        return tuple(out)


@dataclass
class PalletInfo:
    name: str
    index: int
    storage: dict[str, StorageEntry] = field(default_factory=dict)
    calls: Enum | None = None
    events: Enum | None = None
    errors: dict[int, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass
class SplitExtrinsic:
    raw: bytes
    signer: bytes | None
    nonce: int | None
    tip: int
    call: Any


class RemoteRuntime:
    """A node's runtime as seen through its metadata: pallets, types and the extrinsic format."""

    def __init__(self, metadata: bytes):
        md = decode_metadata(metadata)
        self.types = PortableTypes(md["types"])
        self.pallets: dict[str, PalletInfo] = {}
        self.by_index: dict[int, PalletInfo] = {}
        call_variants, event_variants = [], []
        for p in sorted(md["pallets"], key=lambda p: p["index"]):
            info = PalletInfo(p["name"], p["index"])
            if p["calls"] is not None:
                calls = self.types.get(p["calls"])
                info.calls = calls if isinstance(calls, Enum) else None
                call_variants.append(Variant(p["index"], p["name"], (("", calls),)))
            if p["event"] is not None:
                events = self.types.get(p["event"])
                info.events = events if isinstance(events, Enum) else None
                event_variants.append(Variant(p["index"], p["name"], (("", events),)))
            if p["error"] is not None:
                err = self.types.defs[p["error"]]["def"]
                if err[0] == "variant":
                    info.errors = {v["index"]: v["name"] for v in err[1]["variants"]}
            for c in p["constants"]:
                try:
                    info.constants[c["name"]] = self.types.get(c["type"]).decode(c["value"])
                except CodecError:
                    info.constants[c["name"]] = c["value"]
            if p["storage"] is not None:
                for e in p["storage"]["entries"]:
                    info.storage[e["name"]] = self._entry(p["storage"]["prefix"], e)
            self.pallets[info.name] = info
            self.by_index[info.index] = info
        self.call_type = Enum("RuntimeCall", tuple(call_variants))
        self.event_type = Enum("RuntimeEvent", tuple(event_variants))
        xt = md["extrinsic"]
        self.extrinsic_version = xt["version"]
        params = {p["name"]: p["type"] for p in self.types.defs[xt["type"]]["params"]}
        self.address_type = self.types.get(params["Address"]) if params.get("Address") is not None else MULTI_ADDRESS
        self.signature_type = self.types.get(params["Signature"]) if params.get("Signature") is not None else MULTI_SIGNATURE
        self.extensions = [(e["identifier"], self.types.get(e["type"])) for e in xt["signed_extensions"]]

    def _entry(self, prefix: str, e: dict[str, Any]) -> StorageEntry:
        kind, d = e["type"]
        keys: tuple[ScaleType, ...]
        if kind == "Plain":
            value, hashers, keys = self.types.get(d), (), ()
        else:
            value = self.types.get(d["value"])
            hashers = tuple(h for h, _ in d["hashers"])
            key_type = self.types.get(d["key"])
            keys = tuple(key_type.items) if len(hashers) > 1 and isinstance(key_type, Tuple) else (key_type,)
        default = None
        if e["modifier"][0] == "Default":
            try:
                default = value.decode(e["default"])
            except CodecError:
                default = None
        return StorageEntry(prefix, e["name"], value, hashers, keys, default, "\n".join(e["docs"]))

    def error_name(self, pallet_index: int, error_index: int) -> str:
        p = self.by_index.get(pallet_index)
        if p is None:
            return f"Module({pallet_index}).{error_index}"
        name = p.errors.get(error_index)
        return f"{p.name}.{name if name is not None else error_index}"

    def split_extrinsic(self, raw: bytes) -> SplitExtrinsic:
        """Take an extrinsic apart: signer, nonce, tip (from the signed extensions) and the decoded call."""
        length, pos = decode_compact(raw, 0)
        if length != len(raw) - pos or pos >= len(raw):
            raise CodecError("extrinsic length prefix does not match")
        version = raw[pos]
        pos += 1
        if version & 0x7F != 4:
            raise CodecError(f"extrinsic version {version & 0x7F} is not supported")
        signer, nonce, tip = None, None, 0
        if version & 0x80:
            address, pos = self.address_type.decode_from(raw, pos)
            if isinstance(address, bytes):
                signer = address
            elif isinstance(address, tuple) and address[0] in ("Id", "Address32") and isinstance(address[1], bytes):
                signer = address[1]
            _, pos = self.signature_type.decode_from(raw, pos)
            nonce = 0
            for name, t in self.extensions:
                value, pos = t.decode_from(raw, pos)
                if name == "CheckNonce":
                    nonce = value if isinstance(value, int) else 0
                elif name in ("ChargeTransactionPayment", "ChargeAssetTxPayment"):
                    tip = value if isinstance(value, int) else value.get("tip", 0) if isinstance(value, dict) else 0
        call, pos = self.call_type.decode_from(raw, pos)
        if pos != len(raw):
            raise CodecError(f"{len(raw) - pos} trailing bytes after the call")
        return SplitExtrinsic(raw, signer, nonce, tip, call)
