"""Chain values (chain/codec.py's Python forms) to the analytics vocabulary.

- `bytes` (account ids, hashes) become `0x`-prefixed lower-case hex, as Substrate's JSON does;
- enums `(variant, payload)` become `"Variant"` (unit) or `{"Variant": payload}`;
- tuples and lists become arrays, structs objects; integers stay exact JSON numbers of any size
  (DuckDB reads `fields->>'amount'` back as text and casts it to HUGEINT without loss).

A codec `Tuple` whose first element is a string is read as an enum; no pallet declares such a tuple.
"""
from __future__ import annotations

import json
from typing import Any

compact_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def hex0x(value: bytes | None) -> str | None:
    return None if value is None else "0x" + value.hex()


def plain(value: Any) -> Any:
    """A JSON-ready copy of a decoded chain value."""
    t = type(value)
    if t is bytes or t is bytearray:
        return "0x" + value.hex()
    if t is int or t is str or t is bool or value is None or t is float:
        return value
    if t is dict:
        return {k: plain(v) for k, v in value.items()}
    if t is tuple:
        if len(value) == 2 and type(value[0]) is str:
            name, payload = value
            return name if payload is None else {name: plain(payload)}
        return [plain(v) for v in value]
    if t is list:
        return [plain(v) for v in value]
    raise TypeError(f"cannot turn {t.__name__} into JSON: {value!r:.80}")


def _is_flat(fields: dict[str, Any]) -> bool:
    for v in fields.values():
        t = type(v)
        if not (t is bytes or t is int or t is bool or v is None):
            return False
    return True


def fields_json(fields: dict[str, Any]) -> str:
    """Event fields or call arguments as compact JSON text (field order kept)."""
    if not fields:
        return "{}"
    if _is_flat(fields):  # the common case (transfers, fees): no recursion
        return compact_json({k: ("0x" + v.hex()) if type(v) is bytes else v for k, v in fields.items()})
    return compact_json(plain(fields))
