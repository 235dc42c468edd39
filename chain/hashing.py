"""Substrate's hashers: blake2b and xxHash-based twox, and storage key prefixes."""
from __future__ import annotations

import hashlib
from functools import lru_cache

import xxhash


def blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def blake2_128(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def twox64(data: bytes) -> bytes:
    return xxhash.xxh64_digest(data, seed=0)[::-1]


def twox128(data: bytes) -> bytes:
    """xxh64 with seed 0 then seed 1, each little-endian (Substrate's Twox128)."""
    return xxhash.xxh64_intdigest(data, seed=0).to_bytes(8, "little") + xxhash.xxh64_intdigest(
        data, seed=1
    ).to_bytes(8, "little")


def twox256(data: bytes) -> bytes:
    return b"".join(xxhash.xxh64_intdigest(data, seed=s).to_bytes(8, "little") for s in range(4))


@lru_cache(maxsize=None)
def storage_prefix(pallet: str, item: str) -> bytes:
    """twox128(pallet) + twox128(item): the key of a storage value, the prefix of a map's keys."""
    return twox128(pallet.encode()) + twox128(item.encode())
