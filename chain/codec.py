"""SCALE codec: the wire format of Substrate, as declarative type descriptors.

Every value that crosses the chain boundary (call arguments, events, storage values, headers,
extrinsics) is described by one `ScaleType`. The same descriptor encodes, decodes, and tells the
metadata generator (chain/metadata.py) how to describe the type to clients, so a pallet declares a
type once.

Values in Python:
- integers (`UInt`, `Compact`) are `int`; `Bool` is `bool`;
- `Bytes` and `FixedBytes` are `bytes`; `Text` is `str`;
- `Vec` is `list`, `Tuple` is `tuple`, `Option` is the value or `None`;
- `Struct` is a `dict` of field name to value;
- `Enum` is `(variant_name, payload)`, payload `None` for a unit variant, a dict for a variant with
  named fields, or the single value for a variant with one unnamed field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from chain.errors import CodecError


class ScaleType:
    """Base of every type descriptor. Composite types carry a `path` naming them in metadata;
    `type_path(t)` reads it (empty for primitives)."""

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        """Decode `data` completely; trailing bytes are an error."""
        value, pos = self.decode_from(data, 0)
        if pos != len(data):
            raise CodecError(f"{len(data) - pos} trailing bytes after {self!r}")
        return value


def _need(data: bytes, pos: int, n: int, what: str) -> None:
    if pos + n > len(data):
        raise CodecError(f"input too short for {what}: need {n} bytes at offset {pos}, have {len(data) - pos}")


@dataclass(frozen=True, eq=True)
class UInt(ScaleType):
    """Fixed-width little-endian unsigned integer (u8, u16, u32, u64, u128, u256)."""

    bits: int

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, int) or isinstance(value, bool):
            raise CodecError(f"u{self.bits} expects an int, got {type(value).__name__}")
        if value < 0 or value >> self.bits:
            raise CodecError(f"{value} does not fit in u{self.bits}")
        return value.to_bytes(self.bits // 8, "little")

    def decode_from(self, data: bytes, pos: int) -> tuple[int, int]:
        end = pos + (self.bits >> 3)
        if end > len(data):
            _need(data, pos, self.bits >> 3, f"u{self.bits}")
        return int.from_bytes(data[pos:end], "little"), end

    def decode(self, data: bytes) -> int:
        if len(data) == self.bits >> 3:  # the common case (a stored balance, a counter): no offsets
            return int.from_bytes(data, "little")
        return super().decode(data)

    def __repr__(self) -> str:
        return f"u{self.bits}"


@dataclass(frozen=True, eq=True)
class Int(ScaleType):
    """Fixed-width little-endian two's-complement signed integer (i8 .. i128)."""

    bits: int

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, int) or isinstance(value, bool):
            raise CodecError(f"i{self.bits} expects an int, got {type(value).__name__}")
        lim = 1 << (self.bits - 1)
        if not -lim <= value < lim:
            raise CodecError(f"{value} does not fit in i{self.bits}")
        return value.to_bytes(self.bits // 8, "little", signed=True)

    def decode_from(self, data: bytes, pos: int) -> tuple[int, int]:
        n = self.bits // 8
        _need(data, pos, n, f"i{self.bits}")
        return int.from_bytes(data[pos : pos + n], "little", signed=True), pos + n

    def __repr__(self) -> str:
        return f"i{self.bits}"


def encode_compact(value: int) -> bytes:
    """SCALE compact encoding of a non-negative integer."""
    if value < 0:
        raise CodecError(f"compact integers are unsigned, got {value}")
    if value < 1 << 6:
        return bytes([value << 2])
    if value < 1 << 14:
        return ((value << 2) | 1).to_bytes(2, "little")
    if value < 1 << 30:
        return ((value << 2) | 2).to_bytes(4, "little")
    n = (value.bit_length() + 7) // 8
    if n > 67:
        raise CodecError(f"{value} is too large for a compact integer")
    return bytes([((n - 4) << 2) | 3]) + value.to_bytes(n, "little")


def decode_compact(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a compact integer at `pos`; returns (value, new position)."""
    _need(data, pos, 1, "compact")
    b0 = data[pos]
    mode = b0 & 3
    if mode == 0:
        return b0 >> 2, pos + 1
    if mode == 1:
        _need(data, pos, 2, "compact")
        return int.from_bytes(data[pos : pos + 2], "little") >> 2, pos + 2
    if mode == 2:
        _need(data, pos, 4, "compact")
        return int.from_bytes(data[pos : pos + 4], "little") >> 2, pos + 4
    n = (b0 >> 2) + 4
    _need(data, pos + 1, n, "compact")
    return int.from_bytes(data[pos + 1 : pos + 1 + n], "little"), pos + 1 + n


@dataclass(frozen=True, eq=True)
class Compact(ScaleType):
    """Compact-encoded unsigned integer; `inner` is the UInt it stands for (its range is enforced)."""

    inner: UInt

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, int) or isinstance(value, bool):
            raise CodecError(f"Compact<{self.inner!r}> expects an int, got {type(value).__name__}")
        if value < 0 or value >> self.inner.bits:
            raise CodecError(f"{value} does not fit in Compact<{self.inner!r}>")
        return encode_compact(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[int, int]:
        value, pos = decode_compact(data, pos)
        if value >> self.inner.bits:
            raise CodecError(f"{value} does not fit in Compact<{self.inner!r}>")
        return value, pos

    def __repr__(self) -> str:
        return f"Compact<{self.inner!r}>"


@dataclass(frozen=True, eq=True)
class BoolType(ScaleType):
    def encode(self, value: Any) -> bytes:
        if not isinstance(value, bool):
            raise CodecError(f"bool expects True or False, got {value!r}")
        return b"\x01" if value else b"\x00"

    def decode_from(self, data: bytes, pos: int) -> tuple[bool, int]:
        _need(data, pos, 1, "bool")
        b = data[pos]
        if b > 1:
            raise CodecError(f"invalid bool byte {b:#x}")
        return b == 1, pos + 1

    def __repr__(self) -> str:
        return "bool"


@dataclass(frozen=True, eq=True)
class BytesType(ScaleType):
    """Vec<u8>: a compact length then the bytes. `max_len` bounds what a call may carry."""

    max_len: int = 1 << 24

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, (bytes, bytearray)):
            raise CodecError(f"Vec<u8> expects bytes, got {type(value).__name__}")
        if len(value) > self.max_len:
            raise CodecError(f"{len(value)} bytes exceed the limit of {self.max_len}")
        return encode_compact(len(value)) + bytes(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[bytes, int]:
        n, pos = decode_compact(data, pos)
        if n > self.max_len:
            raise CodecError(f"{n} bytes exceed the limit of {self.max_len}")
        _need(data, pos, n, "Vec<u8>")
        return bytes(data[pos : pos + n]), pos + n

    def __repr__(self) -> str:
        return "Vec<u8>"


@dataclass(frozen=True, eq=True)
class TextType(ScaleType):
    """A UTF-8 string encoded like Vec<u8>."""

    max_len: int = 1 << 16

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, str):
            raise CodecError(f"String expects str, got {type(value).__name__}")
        raw = value.encode("utf-8")
        if len(raw) > self.max_len:
            raise CodecError(f"text of {len(raw)} bytes exceeds the limit of {self.max_len}")
        return encode_compact(len(raw)) + raw

    def decode_from(self, data: bytes, pos: int) -> tuple[str, int]:
        n, pos = decode_compact(data, pos)
        if n > self.max_len:
            raise CodecError(f"text of {n} bytes exceeds the limit of {self.max_len}")
        _need(data, pos, n, "String")
        try:
            return data[pos : pos + n].decode("utf-8"), pos + n
        except UnicodeDecodeError as exc:
            raise CodecError(f"invalid UTF-8 in String: {exc}") from None

    def __repr__(self) -> str:
        return "String"


@dataclass(frozen=True, eq=True)
class FixedBytes(ScaleType):
    """[u8; n] with an optional metadata path (AccountId32, H256)."""

    length: int
    path: str = ""

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, (bytes, bytearray)) or len(value) != self.length:
            raise CodecError(f"[u8; {self.length}] expects {self.length} bytes, got {value!r:.80}")
        return bytes(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[bytes, int]:
        end = pos + self.length
        if end > len(data):
            _need(data, pos, self.length, f"[u8; {self.length}]")
        return bytes(data[pos:end]), end

    def __repr__(self) -> str:
        return self.path.rsplit("::", 1)[-1] if self.path else f"[u8; {self.length}]"


@dataclass(frozen=True, eq=True)
class Vec(ScaleType):
    inner: ScaleType
    max_len: int = 1 << 20

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, (list, tuple)):
            raise CodecError(f"Vec<{self.inner!r}> expects a list, got {type(value).__name__}")
        if len(value) > self.max_len:
            raise CodecError(f"{len(value)} items exceed the limit of {self.max_len}")
        return encode_compact(len(value)) + b"".join(self.inner.encode(v) for v in value)

    def decode_from(self, data: bytes, pos: int) -> tuple[list, int]:
        n, pos = decode_compact(data, pos)
        if n > self.max_len or n > len(data) - pos + 1:
            raise CodecError(f"Vec<{self.inner!r}> claims {n} items, more than the input can hold")
        out = []
        for _ in range(n):
            v, pos = self.inner.decode_from(data, pos)
            out.append(v)
        return out, pos

    def __repr__(self) -> str:
        return f"Vec<{self.inner!r}>"


@dataclass(frozen=True, eq=True)
class Option(ScaleType):
    inner: ScaleType

    def encode(self, value: Any) -> bytes:
        if value is None:
            return b"\x00"
        if isinstance(self.inner, BoolType):  # Option<bool> is one byte in SCALE
            return b"\x01" if value else b"\x02"
        return b"\x01" + self.inner.encode(value)

    def decode_from(self, data: bytes, pos: int) -> tuple[Any, int]:
        _need(data, pos, 1, "Option")
        tag = data[pos]
        if isinstance(self.inner, BoolType):
            if tag > 2:
                raise CodecError(f"invalid Option<bool> byte {tag:#x}")
            return (None, True, False)[tag], pos + 1
        if tag == 0:
            return None, pos + 1
        if tag != 1:
            raise CodecError(f"invalid Option tag {tag:#x}")
        return self.inner.decode_from(data, pos + 1)

    def __repr__(self) -> str:
        return f"Option<{self.inner!r}>"


@dataclass(frozen=True, eq=True)
class Tuple(ScaleType):
    items: tuple[ScaleType, ...]

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, (list, tuple)) or len(value) != len(self.items):
            raise CodecError(f"{self!r} expects a tuple of {len(self.items)}, got {value!r:.80}")
        return b"".join(t.encode(v) for t, v in zip(self.items, value))

    def decode_from(self, data: bytes, pos: int) -> tuple[tuple, int]:
        out = []
        for t in self.items:
            v, pos = t.decode_from(data, pos)
            out.append(v)
        return tuple(out), pos

    def __repr__(self) -> str:
        return "(" + ", ".join(repr(t) for t in self.items) + ")"


@dataclass(frozen=True, eq=True)
class Struct(ScaleType):
    """A composite with named fields; values are dicts. `path` names it in metadata."""

    path: str
    fields: tuple[tuple[str, ScaleType], ...]
    docs: str = ""
    _fast: Any = field(default=None, compare=False, hash=False, repr=False)
    _dec: Any = field(default=None, compare=False, hash=False, repr=False)  # compiled on first decode
    _enc: Any = field(default=None, compare=False, hash=False, repr=False)  # compiled on first encode (if not fixed)

    def __post_init__(self) -> None:
        from chain.codec_fast import compile_fixed

        object.__setattr__(self, "_fast", compile_fixed(self))

    def encode(self, value: Any) -> bytes:
        if type(value) is dict:
            if self._fast is not None:  # all fields fixed-size: one generated expression
                try:
                    return self._fast(value)
                except (KeyError, TypeError, AttributeError, OverflowError):
                    pass  # the reference path below raises the proper CodecError
            else:
                enc = self._enc
                if enc is None:
                    from chain.codec_fast import compile_encoder

                    enc = compile_encoder(self) or self.encode_reference
                    object.__setattr__(self, "_enc", enc)
                try:
                    return enc(value)
                except KeyError:
                    pass  # the reference path below raises the proper CodecError
        return self.encode_reference(value)

    def encode_reference(self, value: Any) -> bytes:
        if not isinstance(value, dict):
            raise CodecError(f"{self.path} expects a dict, got {type(value).__name__}")
        try:
            return b"".join(t.encode(value[name]) for name, t in self.fields)
        except KeyError as exc:
            raise CodecError(f"{self.path} is missing field {exc.args[0]!r}") from None

    def decode_from(self, data: bytes, pos: int) -> tuple[dict, int]:
        """The speed path: straight-line code generated for this struct (chain/codec_fast.py); on any
        trouble the reference decoder runs and raises the proper CodecError."""
        dec = self._dec
        if dec is None:
            from chain.codec_fast import compile_decoder

            dec = compile_decoder(self) or self.decode_from_reference
            object.__setattr__(self, "_dec", dec)
        try:
            return dec(data, pos)
        except (CodecError, KeyError, IndexError):
            return self.decode_from_reference(data, pos)

    def decode_from_reference(self, data: bytes, pos: int) -> tuple[dict, int]:
        out: dict[str, Any] = {}
        for name, t in self.fields:
            out[name], pos = t.decode_from(data, pos)
        return out, pos

    def __repr__(self) -> str:
        return self.path.rsplit("::", 1)[-1]


@dataclass(frozen=True, eq=True)
class Variant:
    """One variant of an Enum. `fields` of named (name, type) pairs, or one unnamed ("", type)."""

    index: int
    name: str
    fields: tuple[tuple[str, ScaleType], ...] = ()
    docs: str = ""

    @property
    def unnamed(self) -> bool:
        return len(self.fields) == 1 and self.fields[0][0] == ""


@dataclass(frozen=True, eq=True)
class Enum(ScaleType):
    """A tagged union; values are (variant_name, payload). `path` names it in metadata."""

    path: str
    variants: tuple[Variant, ...]
    docs: str = ""
    _by_name: dict = field(default=None, compare=False, hash=False, repr=False)  # type: ignore[assignment]
    _by_index: dict = field(default=None, compare=False, hash=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {v.name: v for v in self.variants})
        object.__setattr__(self, "_by_index", {v.index: v for v in self.variants})
        if len(self._by_name) != len(self.variants) or len(self._by_index) != len(self.variants):
            raise ValueError(f"{self.path}: duplicate variant name or index")

    def __hash__(self) -> int:
        return hash((self.path, self.variants))

    def variant(self, name: str) -> Variant:
        try:
            return self._by_name[name]
        except KeyError:
            raise CodecError(f"{self.path} has no variant {name!r}") from None

    def encode(self, value: Any) -> bytes:
        if isinstance(value, str):
            name, payload = value, None
        elif isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], str):
            name, payload = value
        else:
            raise CodecError(f"{self.path} expects (variant, payload), got {value!r:.80}")
        v = self.variant(name)
        head = bytes([v.index])
        if not v.fields:
            return head
        if v.unnamed:
            return head + v.fields[0][1].encode(payload)
        if not isinstance(payload, dict):
            raise CodecError(f"{self.path}::{name} expects a dict of fields, got {payload!r:.80}")
        try:
            return head + b"".join(t.encode(payload[n]) for n, t in v.fields)
        except KeyError as exc:
            raise CodecError(f"{self.path}::{name} is missing field {exc.args[0]!r}") from None

    def decode_from(self, data: bytes, pos: int) -> tuple[tuple[str, Any], int]:
        _need(data, pos, 1, self.path)
        v = self._by_index.get(data[pos])
        if v is None:
            raise CodecError(f"{self.path} has no variant with index {data[pos]}")
        pos += 1
        if not v.fields:
            return (v.name, None), pos
        if v.unnamed:
            val, pos = v.fields[0][1].decode_from(data, pos)
            return (v.name, val), pos
        out: dict[str, Any] = {}
        for n, t in v.fields:
            out[n], pos = t.decode_from(data, pos)
        return (v.name, out), pos

    def __repr__(self) -> str:
        return self.path.rsplit("::", 1)[-1]


# The primitive descriptors everything else is built from.
U8, U16, U32, U64, U128, U256 = UInt(8), UInt(16), UInt(32), UInt(64), UInt(128), UInt(256)
I32, I64, I128 = Int(32), Int(64), Int(128)
BOOL = BoolType()
BYTES = BytesType()
TEXT = TextType()
ACCOUNT_ID = FixedBytes(32, "sp_core::crypto::AccountId32")
H256 = FixedBytes(32, "primitive_types::H256")
COMPACT_U32 = Compact(U32)
COMPACT_U64 = Compact(U64)
COMPACT_U128 = Compact(U128)


def type_path(t: ScaleType) -> str:
    """The metadata path of a type ('' for primitives and anonymous composites)."""
    return getattr(t, "path", "")


def encode_fields(fields: Sequence[tuple[str, ScaleType]], values: dict[str, Any]) -> bytes:
    """Encode named values in declaration order (call args, event fields)."""
    try:
        return b"".join(t.encode(values[n]) for n, t in fields)
    except KeyError as exc:
        raise CodecError(f"missing field {exc.args[0]!r}") from None


def decode_fields(fields: Sequence[tuple[str, ScaleType]], data: bytes, pos: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    for n, t in fields:
        out[n], pos = t.decode_from(data, pos)
    return out, pos
