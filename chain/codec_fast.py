"""Compiled codecs for fixed-size structs: the speed path beside chain/codec.py's reference code.

A `Struct` whose fields are all fixed-width (unsigned ints, bools, byte arrays, nested such structs) —
`frame_system::AccountInfo` is the hot one — gets a generated encoder and decoder that slice at known
offsets instead of walking descriptors. They must agree with the reference code exactly:
tests/chain/test_codec_fast.py checks that with random values. On any doubt (a wrong type, a value out
of range), the fast encoder defers to the reference one, which raises the proper CodecError.
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


def _decoder_expr(t: Any, path: str, rows: dict[str, tuple[str, int, int]]) -> str:
    from chain.codec import Struct

    if isinstance(t, Struct):
        parts = ", ".join(f"{name!r}: {_decoder_expr(ft, f'{path}[{name!r}]', rows)}" for name, ft in t.fields)
        return "{" + parts + "}"
    kind, off, size = rows[path]
    if kind == "uint":
        return f"_from(data[pos + {off}:pos + {off + size}], 'little')"
    if kind == "bool":
        return f"_bool(data[pos + {off}])"
    return f"data[pos + {off}:pos + {off + size}]"


def compile_fixed(t: Any) -> tuple[Callable[[Any], bytes], Callable[[bytes, int], tuple[Any, int]]] | None:
    """Generated (encode, decode_from) for a fixed-size Struct, or None if it has variable-size parts."""
    rows: list[tuple[str, str, int, int]] = []
    size = _layout(t, "v", 0, rows)
    if size is None or not rows:
        return None
    by_path = {p: (k, o, s) for p, k, o, s in rows}
    enc_parts = []
    for p, kind, _, n in rows:
        if kind == "uint":
            enc_parts.append(f"{p}.to_bytes({n}, 'little')")
        elif kind == "bool":
            enc_parts.append(f"_enc_bool({p})")
        else:
            enc_parts.append(f"_fixed({p}, {n})")
    src = (
        "def encode(v):\n"
        f"    return b''.join(({', '.join(enc_parts)},))\n"
        "def decode_from(data, pos):\n"
        f"    if len(data) - pos < {size}:\n"
        f"        raise CodecError('input too short for ' + {repr(getattr(t, 'path', ''))} + ': need {size} bytes at offset ' + str(pos))\n"
        f"    return {_decoder_expr(t, 'v', by_path)}, pos + {size}\n"
    )

    def _bool(b: int) -> bool:
        if b > 1:
            raise CodecError(f"invalid bool byte {b:#x}")
        return b == 1

    def _enc_bool(x: Any) -> bytes:
        if not isinstance(x, bool):
            raise TypeError
        return b"\x01" if x else b"\x00"

    def _fixed(x: Any, n: int) -> bytes:
        if not isinstance(x, (bytes, bytearray)) or len(x) != n:
            raise TypeError
        return bytes(x)

    ns: dict[str, Any] = {"_from": int.from_bytes, "_bool": _bool, "_enc_bool": _enc_bool, "_fixed": _fixed,
                          "CodecError": CodecError}
    exec(compile(src, f"<fast codec {getattr(t, 'path', '')}>", "exec"), ns)
    return ns["encode"], ns["decode_from"]
