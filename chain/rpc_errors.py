"""JSON-RPC errors and the parsing of parameters (hex, hashes, block numbers), shared by the RPC modules."""
from __future__ import annotations

from typing import Any

INVALID_PARAMS = -32602


class RpcError(Exception):
    """Raised by a method to answer with a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            out["data"] = self.data
        return out


def invalid_params(msg: str) -> RpcError:
    return RpcError(INVALID_PARAMS, f"Invalid params: {msg}")


def parse_hex(value: Any, what: str = "data", length: int | None = None) -> bytes:
    """0x-prefixed hex to bytes; anything else is an invalid-params error naming `what`."""
    if not isinstance(value, str) or not value.startswith("0x"):
        raise invalid_params(f"{what} must be a 0x-prefixed hex string")
    try:
        out = bytes.fromhex(value[2:])
    except ValueError:
        raise invalid_params(f"{what} is not valid hex") from None
    if length is not None and len(out) != length:
        raise invalid_params(f"{what} must be {length} bytes, got {len(out)}")
    return out


def hexs(data: bytes) -> str:
    return "0x" + data.hex()


def parse_number(value: Any, what: str = "block number") -> int:
    if isinstance(value, bool):
        raise invalid_params(f"{what} must be a number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        try:
            n = int(value, 16) if value.startswith("0x") else int(value)
        except ValueError:
            raise invalid_params(f"{what} is not a number") from None
    else:
        raise invalid_params(f"{what} must be a number")
    if not 0 <= n < 1 << 32:
        raise invalid_params(f"{what} is out of range")
    return n


def parse_hash(value: Any) -> bytes:
    return parse_hex(value, "block hash", 32)
