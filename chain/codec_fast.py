"""Generated codecs: the speed path beside chain/codec.py's reference code.

- `compile_decoder`: every Struct decodes through straight-line code (fixed-width parts read at constant
  offsets, the rest through each field's descriptor); `compile_columns` is the same code appending to
  the indexer's columns.
- `compile_fixed`: a fixed-size Struct (`frame_system::AccountInfo` is the hot one) encodes in one
  expression; `compile_encoder`: any other Struct encodes without the reference's per-field loop.
They must agree with the reference code exactly: tests/chain/test_codec_fast.py checks values and
damaged input. On any doubt (a wrong type, a value out of range, bad bytes) they defer to the reference,
which raises the proper CodecError.
"""
from __future__ import annotations

from typing import Any, Callable

from chain.errors import CodecError


def _layout(t: Any, path: str, offset: int, out: list[tuple[str, str, int, int]]) -> int | None:
    """Flatten t into (access path, kind, offset, size) rows; None if not fixed-size."""
    from chain.codec import BoolType, FixedBytes, Struct, UInt

    if isinstance(t, UInt):
        out.append((path, "uint", offset, t.bits // 8))
        return offset + t.bits // 8
    if isinstance(t, BoolType):
        out.append((path, "bool", offset, 1))
        return offset + 1
    if isinstance(t, FixedBytes):
        out.append((path, "bytes", offset, t.length))
        return offset + t.length
    if isinstance(t, Struct):
        for name, ft in t.fields:
            end = _layout(ft, f"{path}[{name!r}]", offset, out)
            if end is None:
                return None
            offset = end
        return offset
    return None


def compile_fixed(t: Any) -> Callable[[Any], bytes] | None:
    """A generated encoder for a fixed-size Struct (one expression joining every field at its width), or
    None if it has variable-size parts. Decoding every struct, fixed or not, is `compile_decoder`'s."""
    rows: list[tuple[str, str, int, int]] = []
    size = _layout(t, "v", 0, rows)
    if size is None or not rows:
        return None
    enc_parts = []
    for p, kind, _, n in rows:
        if kind == "uint":
            enc_parts.append(f"{p}.to_bytes({n}, 'little')")
        elif kind == "bool":
            enc_parts.append(f"_enc_bool({p})")
        else:
            enc_parts.append(f"_fixed({p}, {n})")
    src = f"def encode(v):\n    return b''.join(({', '.join(enc_parts)},))\n"

    def _enc_bool(x: Any) -> bytes:
        if not isinstance(x, bool):
            raise TypeError
        return b"\x01" if x else b"\x00"

    def _fixed(x: Any, n: int) -> bytes:
        if not isinstance(x, (bytes, bytearray)) or len(x) != n:
            raise TypeError
        return bytes(x)

    ns: dict[str, Any] = {"_enc_bool": _enc_bool, "_fixed": _fixed}
    exec(compile(src, f"<fast codec {getattr(t, 'path', '')}>", "exec"), ns)
    return ns["encode"]


# -- columnar decoders (the indexer's speed path) ------------------------------------------------------------
class _Gen:
    """Straight-line decoding code for a struct: fixed-width parts read at constant offsets from `p`;
    anything else (compact, option, vec, text, enums with payloads) calls its descriptor's decode_from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.off = 0
        self.n = 0

    def _tmp(self, expr: str) -> str:
        name = f"t{self.n}"
        self.n += 1
        self.lines.append(f"    {name} = {expr}")
        return name

    def _const(self, value: Any) -> str:
        name = f"_c{len(self.consts)}"
        self.consts[name] = value
        return name

    def value(self, t: Any) -> str:
        """Emit code decoding t; returns the name holding its value."""
        from chain.codec import BoolType, Compact, Enum, FixedBytes, Struct, UInt

        o = self.off
        if isinstance(t, UInt):
            self.off += t.bits // 8
            return self._tmp(f"_from(data[p + {o}:p + {self.off}], 'little')")
        if isinstance(t, BoolType):
            self.off += 1
            return self._tmp(f"_bool(data[p + {o}])")
        if isinstance(t, FixedBytes):
            self.off += t.length
            return self._tmp(f"data[p + {o}:p + {self.off}]")
        if isinstance(t, Enum) and t.variants and not any(v.fields for v in t.variants):
            self.off += 1  # an unknown index raises KeyError: the caller falls back to the reference decoder
            return self._tmp(f"{self._const({v.index: (v.name, None) for v in t.variants})}[data[p + {o}]]")
        if isinstance(t, Struct):
            parts = [f"{name!r}: {self.value(ft)}" for name, ft in t.fields]
            return self._tmp("{" + ", ".join(parts) + "}")
        if self.off:
            self.lines.append(f"    p += {self.off}")
            self.off = 0
        if isinstance(t, Compact):  # the 1-, 2- and 4-byte modes inline where their values fit the inner width
            name = f"t{self.n}"
            self.n += 1
            modes = [(0, 1, "data[p] >> 2")]
            if t.inner.bits >= 16:
                modes.append((1, 2, "_from(data[p:p + 2], 'little') >> 2"))
            if t.inner.bits >= 32:
                modes.append((2, 4, "_from(data[p:p + 4], 'little') >> 2"))
            self.lines.append("    m = data[p] & 3")
            for i, (mode, size, expr) in enumerate(modes):
                self.lines.append(f"    {'if' if i == 0 else 'elif'} m == {mode}:")
                self.lines.append(f"        {name} = {expr}")
                self.lines.append(f"        p += {size}")
            self.lines.append("    else:")
            self.lines.append(f"        {name}, p = {self._const(t.decode_from)}(data, p)")
            return name
        name = f"t{self.n}"
        self.n += 1
        self.lines.append(f"    {name}, p = {self._const(t.decode_from)}(data, p)")
        return name


def _straight_line(t: Any, params: str, ending: Callable[[list[str]], list[str]], label: str) -> Callable[..., Any] | None:
    """Compile `def fn(data, pos, ...)` decoding Struct t at `pos` with _Gen's straight-line code, the
    fields' values in locals named by `ending(names)`, which writes the function's last lines. None for
    a struct without fields."""
    from chain.codec import Struct

    if not isinstance(t, Struct) or not t.fields:
        return None
    g = _Gen()
    names = [g.value(ft) for _, ft in t.fields]
    src = "\n".join([
        f"def fn({params}):",
        "    p = pos",
        *g.lines,
        f"    p += {g.off}",
        "    if p > len(data):",
        f"        raise CodecError('input too short for ' + {t.path!r} + ' at offset ' + str(pos))",
        *ending(names),
    ]) + "\n"
    ns: dict[str, Any] = {"_from": int.from_bytes, "_bool": _bool_byte, "CodecError": CodecError, **g.consts}
    exec(compile(src, f"<{label} {t.path}>", "exec"), ns)
    return ns["fn"]


def compile_columns(t: Any) -> Callable[[bytes, int, list[list[Any]]], int] | None:
    """A generated `append_from(data, pos, columns) -> pos` for a Struct with fields: decodes the struct at
    `pos` and appends each top-level field's value to its column (columns in field order): the same values
    `t.decode_from` puts in its dict. Everything is decoded before anything is appended, so bad input
    (CodecError; KeyError for an unknown enum index; IndexError past the end) leaves the columns untouched,
    and callers fall back to the reference decoder, which raises the proper error. None for no fields."""
    return _straight_line(t, "data, pos, cols", lambda names: [
        *(f"    cols[{i}].append({n})" for i, n in enumerate(names)), "    return p"], "column codec")


# -- dict decoders for any struct (the runtime's speed path) -------------------------------------------------
def compile_decoder(t: Any) -> Callable[[bytes, int], tuple[dict[str, Any], int]] | None:
    """A generated `decode_from(data, pos) -> (dict, pos)` for a Struct with fields, the same straight-line
    code as `compile_columns` but returning the struct's dict (what `Struct.decode_from_reference` returns).
    On bad input it raises CodecError, KeyError or IndexError; `Struct.decode_from` then runs the
    reference decoder, which raises the proper CodecError. None for a struct without fields."""
    return _straight_line(t, "data, pos", lambda names: [
        "    return {" + ", ".join(f"{name!r}: {n}" for (name, _), n in zip(t.fields, names)) + "}, p"], "struct codec")


def compile_encoder(t: Any) -> Callable[[dict[str, Any]], bytes] | None:
    """A generated `encode(value) -> bytes` for a Struct with fields: each field through its own
    descriptor's `encode` (which checks the value), joined once, without the reference's per-field loop.
    A missing field raises KeyError; `Struct.encode` then runs the reference encoder, which raises the
    proper CodecError. None for a struct without fields."""
    from chain.codec import Struct

    if not isinstance(t, Struct) or not t.fields:
        return None
    ns: dict[str, Any] = {f"_e{i}": ft.encode for i, (_, ft) in enumerate(t.fields)}
    parts = ", ".join(f"_e{i}(v[{name!r}])" for i, (name, _) in enumerate(t.fields))
    src = f"def encode(v):\n    return b''.join(({parts},))\n"
    exec(compile(src, f"<struct encoder {t.path}>", "exec"), ns)
    return ns["encode"]


def _bool_byte(b: int) -> bool:
    if b > 1:
        raise CodecError(f"invalid bool byte {b:#x}")
    return b == 1
