"""Extrinsic format v4: encoding, decoding, the standard signed extensions and the signing payload.

Bytes: compact(len) | 0x84 (signed v4) or 0x04 (unsigned) | MultiAddress::Id | MultiSignature | era |
compact(nonce) | compact(tip) | mode (u8, CheckMetadataHash) | call. The signing payload is
call | era | compact(nonce) | compact(tip) | mode | spec_version | tx_version | genesis | birth | None,
hashed with blake2-256 when longer than 256 bytes (see ../shared/notes/substrate-rpc.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from chain.codec import decode_compact, encode_compact
from chain.errors import CodecError, MalformedTransaction
from chain.hashing import blake2_256
from chain.types import ERA

SIGNED_BIT = 0x80
VERSION = 4

# The standard set, in the order substrate-interface hard-codes (and metadata must list).
SIGNED_EXTENSIONS: tuple[str, ...] = (
    "CheckNonZeroSender", "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckMortality",
    "CheckNonce", "CheckWeight", "ChargeTransactionPayment", "CheckMetadataHash",
)
SIG_LENGTH = {0: 64, 1: 64, 2: 65}  # MultiSignature: Ed25519, Sr25519, Ecdsa


class Signer(Protocol):
    public: bytes
    key_type: int

    def sign(self, message: bytes) -> bytes: ...


class _computed_once:
    """A lazily computed attribute stored in the instance on first use (functools.cached_property
    without its per-access lock: every extrinsic's hash is asked for once or twice, on the hot path)."""

    def __init__(self, fn: Any) -> None:
        self.fn, self.name = fn, fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass(frozen=True)
class Extrinsic:
    """A decoded extrinsic. `raw` is the full encoding (with its length prefix) and `call_bytes` the call."""

    raw: bytes
    call_bytes: bytes
    signer: bytes | None = None
    sig_type: int | None = None
    signature: bytes | None = None
    era: tuple[int, int] | None = None
    nonce: int = 0
    tip: int = 0
    mode: int = 0

    def __init__(self, raw: bytes, call_bytes: bytes, signer: bytes | None = None, sig_type: int | None = None,
                 signature: bytes | None = None, era: tuple[int, int] | None = None, nonce: int = 0, tip: int = 0,
                 mode: int = 0) -> None:
        # the fields in one step (frozen: dataclass's generated __init__ sets each through object.__setattr__)
        self.__dict__.update(raw=raw, call_bytes=call_bytes, signer=signer, sig_type=sig_type, signature=signature,
                             era=era, nonce=nonce, tip=tip, mode=mode)

    @property
    def signed(self) -> bool:
        return self.signer is not None

    @_computed_once
    def hash(self) -> bytes:
        """blake2_256 of the full encoding (computed once: the pool and the node ask often)."""
        return blake2_256(self.raw)


def decode_extrinsic(raw: bytes) -> Extrinsic:
    """Split extrinsic bytes into their parts; the call itself is decoded by the runtime."""
    try:
        length, pos = decode_compact(raw, 0)
        if length != len(raw) - pos:
            raise MalformedTransaction(f"length prefix says {length} bytes, {len(raw) - pos} follow")
        if pos >= len(raw):
            raise MalformedTransaction("empty extrinsic")
        version = raw[pos]
        pos += 1
        if version & 0x7F != VERSION:
            raise MalformedTransaction(f"unsupported extrinsic version {version & 0x7F}")
        if not version & SIGNED_BIT:
            return Extrinsic(raw=raw, call_bytes=raw[pos:])
        if raw[pos] != 0:
            raise MalformedTransaction("only MultiAddress::Id signers are supported")
        signer = raw[pos + 1 : pos + 33]
        pos += 33
        sig_type = raw[pos]
        if sig_type not in SIG_LENGTH:
            raise MalformedTransaction(f"unknown signature type {sig_type}")
        n = SIG_LENGTH[sig_type]
        signature = raw[pos + 1 : pos + 1 + n]
        pos += 1 + n
        era, pos = ERA.decode_from(raw, pos)
        nonce, pos = decode_compact(raw, pos)
        tip, pos = decode_compact(raw, pos)
        if pos >= len(raw):
            raise MalformedTransaction("input too short for the metadata-hash mode")
        mode = raw[pos]
        if mode > 1:
            raise MalformedTransaction(f"invalid CheckMetadataHash mode {mode}")
        pos += 1
        if len(signer) != 32 or len(signature) != n or pos >= len(raw):
            raise MalformedTransaction("extrinsic truncated")
        if nonce >> 32:
            raise MalformedTransaction(f"nonce {nonce} does not fit in u32")
        if tip >> 128:
            raise MalformedTransaction(f"tip {tip} does not fit in u128")
        return Extrinsic(raw, raw[pos:], signer, sig_type, signature, era, nonce, tip, mode)
    except CodecError as exc:
        raise MalformedTransaction(str(exc)) from None


def split_extrinsic(raw: bytes) -> tuple[bytes | None, int | None, int, int] | None:
    """The speed path beside decode_extrinsic, for readers of stored blocks (the indexer): only
    (signer, nonce, tip, offset of the call in `raw`), nonce None when unsigned; None whenever anything is
    unusual, and then decode_extrinsic (the reference) decodes it or raises the proper error.
    tests/chain/test_client_columns.py checks both agree."""
    try:
        b0 = raw[0]
        mode = b0 & 3
        if mode == 0:
            length, pos = b0 >> 2, 1
        elif mode == 1:
            length, pos = int.from_bytes(raw[0:2], "little") >> 2, 2
        else:
            return None
        if length != len(raw) - pos:
            return None
        version = raw[pos]
        if version == VERSION:
            return (None, None, 0, pos + 1) if pos + 1 < len(raw) else None
        if version != SIGNED_BIT | VERSION or raw[pos + 1] != 0:
            return None
        n = SIG_LENGTH.get(raw[pos + 34])
        if n is None:
            return None
        signer = raw[pos + 2:pos + 34]
        pos += 35 + n
        if raw[pos] == 0:
            pos += 1
        else:
            _, pos = ERA.decode_from(raw, pos)
        nonce, pos = decode_compact(raw, pos)
        tip, pos = decode_compact(raw, pos)
        if raw[pos] > 1 or pos + 1 >= len(raw) or nonce >> 32 or tip >> 128:
            return None
        return signer, nonce, tip, pos + 1
    except (IndexError, CodecError):
        return None


def signing_payload(call_bytes: bytes, era: tuple[int, int] | None, nonce: int, tip: int, mode: int,
                    spec_version: int, tx_version: int, genesis_hash: bytes, birth_hash: bytes) -> bytes:
    """What the signer signs (blake2-256 of it when over 256 bytes)."""
    payload = b"".join((
        call_bytes, ERA.encode(era), encode_compact(nonce), encode_compact(tip), bytes([mode]),
        spec_version.to_bytes(4, "little"), tx_version.to_bytes(4, "little"), genesis_hash, birth_hash, b"\x00",
    ))
    return blake2_256(payload) if len(payload) > 256 else payload


def encode_signed(call_bytes: bytes, signer: bytes, sig_type: int, signature: bytes,
                  era: tuple[int, int] | None, nonce: int, tip: int = 0, mode: int = 0) -> bytes:
    body = b"".join((
        bytes([SIGNED_BIT | VERSION]), b"\x00", signer, bytes([sig_type]), signature, ERA.encode(era),
        encode_compact(nonce), encode_compact(tip), bytes([mode]), call_bytes,
    ))
    return encode_compact(len(body)) + body


def encode_unsigned(call_bytes: bytes) -> bytes:
    body = bytes([VERSION]) + call_bytes
    return encode_compact(len(body)) + body


def sign_extrinsic(signer: Signer, call_bytes: bytes, nonce: int, *, genesis_hash: bytes, spec_version: int,
                   tx_version: int, era: tuple[int, int] | None = None, birth_hash: bytes | None = None,
                   tip: int = 0) -> bytes:
    """Build a signed v4 extrinsic. A mortal era needs the hash of its birth block."""
    if era is not None and birth_hash is None:
        raise ValueError("a mortal era needs birth_hash")
    payload = signing_payload(call_bytes, era, nonce, tip, 0, spec_version, tx_version, genesis_hash,
                              genesis_hash if era is None else birth_hash)  # type: ignore[arg-type]
    return encode_signed(call_bytes, signer.public, int(signer.key_type), signer.sign(payload), era, nonce, tip)


def describe(xt: Extrinsic, call: Any) -> dict[str, Any]:
    """A JSON-friendly summary of an extrinsic (explorer, indexer)."""
    pallet, (name, args) = call
    return {
        "hash": "0x" + xt.hash.hex(), "signed": xt.signed, "signer": xt.signer.hex() if xt.signer else None,
        "nonce": xt.nonce, "tip": xt.tip, "pallet": pallet, "call": name, "args": args,
    }
