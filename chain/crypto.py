"""Keys, signatures and SS58 addresses, compatible with Substrate.

- `Keypair`: sr25519 or ed25519 keys from a 32-byte seed or a secret URI (`//Alice`, `//Bob//stash`,
  `<mnemonic>//hard/soft///password`, `0x<seed>//path`), derived exactly as Substrate (and, for sr25519,
  substrate-interface) derive them.
- `verify` / `verify_many`: check a `MultiSignature` (variant index, 64 bytes) over a message; never raise.
- `ss58_encode` / `ss58_decode`: account addresses (default prefix 42, the generic Substrate one).

Signing contexts are Substrate's: sr25519 signs with the context `b"substrate"` (inside the bindings),
ed25519 is plain RFC 8032. Secrets are kept as `bytes`; Python cannot wipe them from memory.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

import ed25519_zebra
import sr25519

from chain.codec import encode_compact
from chain.errors import ChainError
from chain.hashing import blake2_256

if TYPE_CHECKING:  # the pool's modules are imported on first use (~15 ms saved at import)
    from concurrent.futures import ProcessPoolExecutor

DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"
DEV_ACCOUNTS = ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie")
SS58_PREFIX = 42


class InvalidAddress(ChainError, ValueError):
    """Raised when a string is not an SS58 address of a 32-byte account (base58, checksum, length, prefix)."""


class InvalidKey(ChainError, ValueError):
    """Raised when a seed, secret URI, mnemonic or derivation path cannot make a keypair."""


class KeyType(IntEnum):
    """Signature schemes, numbered as the variants of `sp_runtime::MultiSignature`."""

    ED25519 = 0
    SR25519 = 1
    ECDSA = 2  # not supported: cannot make keys; `verify` returns False


# ---------------------------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class Keypair:
    """A signing key. Equal (and hashed) by `public` and `key_type` only.

    `secret` is what signs: the 64-byte expanded secret (key + nonce) for sr25519, the 32-byte seed for
    ed25519. `seed` + `path` regenerate the key (`from_uri("0x<seed><path>")`); `seed` is None when only
    the expanded secret is known (`from_secret`). sr25519 derivation draws a random nonce, so two
    derivations of the same URI have different `secret` bytes but the same public key.
    """

    public: bytes
    secret: bytes = field(repr=False, compare=False)
    key_type: KeyType = KeyType.SR25519
    seed: bytes | None = field(default=None, repr=False, compare=False)
    path: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.public, bytes) or len(self.public) != 32:
            raise InvalidKey("a public key is 32 bytes")
        object.__setattr__(self, "key_type", KeyType(self.key_type))

    def sign(self, msg: bytes) -> bytes:
        """A 64-byte signature of `msg` (sr25519 signatures are randomized; ed25519 are deterministic)."""
        if self.key_type == KeyType.SR25519:
            return bytes(sr25519.sign((self.public, self.secret), msg))
        if self.key_type == KeyType.ED25519:
            return bytes(ed25519_zebra.ed_sign(self.secret, msg))
        raise InvalidKey(f"cannot sign with {self.key_type.name}")

    @property
    def ss58(self) -> str:
        """The account address with the default prefix (42)."""
        return ss58_encode(self.public, SS58_PREFIX)

    @classmethod
    def from_seed(cls, seed: bytes, key_type: KeyType = KeyType.SR25519) -> Keypair:
        """The keypair of a 32-byte seed (sr25519 mini-secret, ed25519 secret key)."""
        seed = _check_len(seed, 32, "seed")
        if key_type == KeyType.SR25519:
            public, secret = sr25519.pair_from_seed(seed)
            return cls(bytes(public), bytes(secret), KeyType.SR25519, seed, "")
        if key_type == KeyType.ED25519:
            secret, public = ed25519_zebra.ed_from_seed(seed)
            return cls(bytes(public), bytes(secret), KeyType.ED25519, seed, "")
        raise InvalidKey(f"unsupported key type {key_type!r}")

    @classmethod
    def from_secret(cls, secret: bytes, key_type: KeyType = KeyType.SR25519) -> Keypair:
        """An sr25519 keypair from a 64-byte expanded secret (no seed); ed25519 takes its 32-byte seed."""
        if key_type == KeyType.ED25519:
            return cls.from_seed(secret, key_type)
        if key_type != KeyType.SR25519:
            raise InvalidKey(f"unsupported key type {key_type!r}")
        secret = _check_len(secret, 64, "sr25519 secret")
        try:
            public = sr25519.public_from_secret_key(secret)
        except ValueError as exc:
            raise InvalidKey(f"not an sr25519 secret: {exc}") from None
        return cls(bytes(public), secret, KeyType.SR25519, None, "")

    @classmethod
    def from_uri(cls, uri: str, key_type: KeyType = KeyType.SR25519) -> Keypair:
        """The keypair of a secret URI `[phrase | 0x<seed>][//hard | /soft]*[///password]`.

        No phrase means the dev phrase (`//Alice`). ed25519 allows hard junctions only (as Substrate).
        """
        m = _URI.match(uri)
        if m is None:
            raise InvalidKey("malformed secret URI")
        phrase, path, password = m.group("phrase") or DEV_PHRASE, m.group("path") or "", m.group("password")
        if phrase.startswith("0x"):
            if password is not None:
                raise InvalidKey("a password applies to a mnemonic, not to a hex seed")
            try:
                seed = bytes.fromhex(phrase[2:])
            except ValueError:
                raise InvalidKey("hex seed is not valid hex") from None
        else:
            import bip39  # only mnemonics need it

            try:
                seed = bytes(bip39.bip39_to_mini_secret(phrase, password or ""))
            except ValueError as exc:
                raise InvalidKey(f"invalid mnemonic: {exc}") from None
        return cls.from_seed(seed, key_type).derive(path)

    def derive(self, path: str) -> Keypair:
        """The child key at `path` (`//hard/soft...`). sr25519 needs `secret`; ed25519 needs `seed`."""
        junctions = parse_path(path)
        if not junctions:
            return self
        if self.key_type == KeyType.ED25519:
            seed = _check_len(self.seed or b"", 32, "ed25519 seed")
            for hard, code in junctions:
                if not hard:
                    raise InvalidKey("ed25519 keys allow only hard derivation (//)")
                seed = blake2_256(_ED25519_HDKD + seed + code)
            return Keypair.from_seed(seed, KeyType.ED25519)
        if self.key_type != KeyType.SR25519:
            raise InvalidKey(f"cannot derive {self.key_type.name} keys")
        public, secret = self.public, self.secret
        for hard, code in junctions:
            fn = sr25519.hard_derive_keypair if hard else sr25519.derive_keypair
            _, public, secret = fn((code, public, secret), b"")
        # sr25519 children have no seed of their own: keep the root seed and the full path to them
        root_path = self.path + path if self.seed is not None else ""
        return Keypair(bytes(public), bytes(secret), KeyType.SR25519, self.seed, root_path)


_URI = re.compile(r"^(?P<phrase>[^/]+)?(?P<path>(?://?[^/]+)*)(?:///(?P<password>.*))?$", re.DOTALL)
_JUNCTION = re.compile(r"(//?)([^/]+)")
_ED25519_HDKD = encode_compact(len(b"Ed25519HDKD")) + b"Ed25519HDKD"


def parse_path(path: str) -> list[tuple[bool, bytes]]:
    """Junctions of a derivation path as (hard, 32-byte chain code), coded as Substrate's DeriveJunction:
    a u64 (`+`? digits) is 8 bytes LE, anything else SCALE `str`; zero-padded, or blake2_256 if over 32."""
    parts = _JUNCTION.findall(path)
    if "".join(sep + j for sep, j in parts) != path:
        raise InvalidKey(f"malformed derivation path {path!r}")
    return [(sep == "//", _chain_code(j)) for sep, j in parts]


def _chain_code(junction: str) -> bytes:
    digits = junction[1:] if junction.startswith("+") else junction
    if digits.isascii() and digits.isdigit() and int(digits) < 1 << 64:
        code = int(digits).to_bytes(8, "little")
    else:
        raw = junction.encode("utf-8")
        code = encode_compact(len(raw)) + raw
    return blake2_256(code) if len(code) > 32 else code.ljust(32, b"\0")


def _check_len(value: bytes, n: int, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != n:
        raise InvalidKey(f"{what} must be {n} bytes")
    return bytes(value)


@lru_cache(maxsize=256)
def dev_keypair(name: str, key_type: KeyType = KeyType.SR25519) -> Keypair:
    """The well-known dev key `//<name>` (e.g. "Alice", "Bob//stash"); public knowledge, demo only."""
    return Keypair.from_uri("//" + name, KeyType(key_type))


# ------------------------------------------------------------------------------------------ verify

# Measured single-core on the dev box (100-byte messages): sr25519 ~23.7k/s; ed25519 via ed25519-zebra
# ~26.8k/s vs PyNaCl (libsodium) ~18.1k/s, so ed25519 uses zebra. Zebra is also what Substrate's
# sp-core uses (ZIP-215 rules: it accepts a few edge-case signatures that libsodium rejects, e.g.
# small-order keys, so consensus follows Substrate rather than libsodium).


def verify(key_type: int, signature: bytes, message: bytes, public: bytes) -> bool:
    """True if `signature` (a MultiSignature variant `key_type`) signs `message` for `public`.

    Returns False, never raises, for malformed input: wrong lengths or types, bytes that are not a
    signature or point, unknown key types. ECDSA is unsupported (its signatures are 65 bytes and its
    account ids are hashes of a 33-byte key) and always returns False.
    """
    try:
        if len(signature) != 64 or len(public) != 32:
            return False
        if key_type == KeyType.SR25519:
            return bool(sr25519.verify(bytes(signature), bytes(message), bytes(public)))
        if key_type == KeyType.ED25519:
            return bool(ed25519_zebra.ed_verify(bytes(signature), bytes(message), bytes(public)))
    except (ValueError, TypeError, OverflowError):
        return False
    return False


VerifyItem = tuple[int, bytes, bytes, bytes]  # (key_type, signature, message, public)

# Below this many items a batch is verified in-process. Measured on 2 cores: break-even near 256
# items (10 ms either way), 512 items take 20 ms in-process vs 12 ms over 2 workers.
PARALLEL_MIN_BATCH = 512
_CHUNKS_PER_WORKER = 4  # a few chunks per worker balance the load; each chunk is one IPC round trip
_MIN_CHUNK = 64
_POOL: ProcessPoolExecutor | None = None
_POOL_KEY: tuple[int, int] = (0, 0)  # (pid that created it, workers)
_POOL_LOCK = threading.Lock()


def _verify_chunk(items: Sequence[VerifyItem]) -> list[bool]:
    return [verify(*item) for item in items]


def default_processes() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


BACKGROUND_NICE = 5  # how much lower the helper processes' CPU priority is than the node's


def background_worker_init(nice: int = BACKGROUND_NICE) -> None:
    """Start of a helper process (signature checks, bulk signing, the index writer): lower its CPU
    priority by `nice`. With two cores the node's own thread is the critical path (it builds every block);
    helpers that run ahead in bursts would otherwise take its core, and it then waits runnable but not
    running."""
    try:
        os.nice(nice)
    except OSError:  # not permitted here: run at normal priority
        pass


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _POOL, _POOL_KEY
    with _POOL_LOCK:
        if _POOL is not None and _POOL_KEY != (os.getpid(), workers):
            if _POOL_KEY[0] == os.getpid():
                _POOL.shutdown(wait=False, cancel_futures=True)
            _POOL = None  # a pool inherited through fork belongs to the parent: just forget it
        if _POOL is None:
            _POOL = start_worker_pool(workers)
            _POOL_KEY = (os.getpid(), workers)
        return _POOL


# Held while this process starts child processes: a worker pool's forks, a helper's Popen. A fork in one
# thread while another thread is between fork and exec in Popen gives the forked worker a copy of
# Popen's error pipe, and Popen then waits for it forever (seen: a scenario run hung at its first index
# batch while the signing pool started).
SPAWN_LOCK = threading.Lock()


def start_worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked helper processes (lower priority, see background_worker_init), all
    started now, under SPAWN_LOCK (a fork-context pool starts every worker at its first task)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with SPAWN_LOCK:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=background_worker_init)
        pool.submit(int).result()
    return pool


def shutdown_verifier() -> None:
    """Stop the verifier's worker processes (they restart on the next large `verify_many`)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None and _POOL_KEY[0] == os.getpid():
            _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None


atexit.register(shutdown_verifier)


def verify_many(items: Sequence[VerifyItem], processes: int | None = None) -> list[bool]:
    """`[verify(*item) for item in items]`, spread over `processes` worker processes (default: the
    CPUs available) when the batch has at least PARALLEL_MIN_BATCH items; in-process otherwise or with
    processes=1. The pool persists between calls; `shutdown_verifier()` stops it."""
    workers = default_processes() if processes is None else processes
    if workers < 1:
        raise ValueError("processes must be at least 1")
    items = list(items)
    if workers == 1 or len(items) < PARALLEL_MIN_BATCH:
        return _verify_chunk(items)
    n_chunks = min(workers * _CHUNKS_PER_WORKER, max(1, len(items) // _MIN_CHUNK))
    size = -(-len(items) // n_chunks)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    from concurrent.futures.process import BrokenProcessPool

    try:
        out: list[bool] = []
        for part in _get_pool(workers).map(_verify_chunk, chunks):
            out.extend(part)
        return out
    except (BrokenProcessPool, OSError):  # a worker died or could not start: answer anyway
        shutdown_verifier()
        return _verify_chunk(items)


class PendingVerification:
    """Signature checks running in the worker processes; `result()` waits for them.

    Lets a caller verify the next batch while it does other work (the node builds a block meanwhile).
    """

    def __init__(self, items: list[VerifyItem], futures: list | None):
        self._items, self._futures, self._result = items, futures, None

    def result(self) -> list[bool]:
        if self._result is None:
            if self._futures is None:
                self._result = _verify_chunk(self._items)
            else:
                from concurrent.futures.process import BrokenProcessPool

                try:
                    out: list[bool] = []
                    for f in self._futures:
                        out.extend(f.result())
                    self._result = out
                except (BrokenProcessPool, OSError):
                    shutdown_verifier()
                    self._result = _verify_chunk(self._items)
        return self._result


def start_verify_many(items: Sequence[VerifyItem], processes: int | None = None,
                      min_batch: int = PARALLEL_MIN_BATCH) -> PendingVerification:
    """Start `verify_many` without waiting; batches under `min_batch` items are checked in-process on
    `result()`. A caller that has other work to do before it asks for the result (a pipeline) passes a
    lower `min_batch`: what matters to it is its own thread's time, not the round trip."""
    workers = default_processes() if processes is None else processes
    items = list(items)
    if workers <= 1 or not items or len(items) < min_batch:
        return PendingVerification(items, None)
    n_chunks = min(workers * _CHUNKS_PER_WORKER, max(1, len(items) // _MIN_CHUNK))
    size = -(-len(items) // n_chunks)
    try:
        pool = _get_pool(workers)
        futures = [pool.submit(_verify_chunk, items[i : i + size]) for i in range(0, len(items), size)]
    except OSError:
        return PendingVerification(items, None)
    return PendingVerification(items, futures)


# -------------------------------------------------------------------------------------------- SS58

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_RESERVED_PREFIXES = (46, 47)


def _b58encode(data: bytes) -> str:
    n, out = int.from_bytes(data, "big"), []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + "".join(reversed(out))


def _b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        digit = _B58_INDEX.get(c)
        if digit is None:
            raise InvalidAddress(f"invalid base58 character {c!r}")
        n = n * 58 + digit
    return b"\0" * (len(text) - len(text.lstrip("1"))) + n.to_bytes((n.bit_length() + 7) // 8, "big")


def _checksum(data: bytes) -> bytes:
    return hashlib.blake2b(b"SS58PRE" + data).digest()[:2]


def _prefix_bytes(prefix: int) -> bytes:
    if not isinstance(prefix, int) or not 0 <= prefix < 16384 or prefix in _RESERVED_PREFIXES:
        raise ValueError(f"SS58 prefix must be in 0..16383 and not 46 or 47, got {prefix!r}")
    if prefix < 64:
        return bytes([prefix])
    return bytes([((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b11) << 6)])


def ss58_encode(public: bytes, prefix: int = SS58_PREFIX) -> str:
    """The SS58 address of a 32-byte account id under `prefix` (0..16383, except reserved 46, 47)."""
    if not isinstance(public, (bytes, bytearray)) or len(public) != 32:
        raise ValueError("an SS58 account id must be 32 bytes")
    data = _prefix_bytes(prefix) + bytes(public)
    return _b58encode(data + _checksum(data))


def ss58_decode_with_prefix(address: str) -> tuple[int, bytes]:
    """(prefix, 32-byte account id) of an SS58 address; raises InvalidAddress."""
    if not isinstance(address, str) or not 10 <= len(address) <= 64:
        raise InvalidAddress("an SS58 address is a string of about 48 base58 characters")
    raw = _b58decode(address)
    if raw[:1] and raw[0] < 64:
        prefix, plen = raw[0], 1
    elif raw[:1] and raw[0] < 128 and len(raw) > 1:
        prefix = ((raw[0] & 0b0011_1111) << 2) | (raw[1] >> 6) | ((raw[1] & 0b0011_1111) << 8)
        plen = 2
        if prefix < 64:
            raise InvalidAddress("non-canonical two-byte SS58 prefix")
    else:
        raise InvalidAddress("invalid SS58 prefix byte")
    if len(raw) != plen + 32 + 2:
        raise InvalidAddress(f"wrong length: {len(raw) - plen - 2} bytes of account id, expected 32")
    if _checksum(raw[:-2]) != raw[-2:]:
        raise InvalidAddress("bad SS58 checksum (mistyped address?)")
    if prefix in _RESERVED_PREFIXES:
        raise InvalidAddress(f"SS58 prefix {prefix} is reserved")
    return prefix, raw[plen:-2]


def ss58_decode(address: str, expected_prefix: int | None = SS58_PREFIX) -> bytes:
    """The 32-byte account id of an SS58 address; `expected_prefix=None` accepts any network."""
    prefix, public = ss58_decode_with_prefix(address)
    if expected_prefix is not None and prefix != expected_prefix:
        raise InvalidAddress(f"address is for SS58 prefix {prefix}, expected {expected_prefix}")
    return public


def account_from_str(s: str, prefix: int | None = SS58_PREFIX) -> bytes:
    """A 32-byte account id from an SS58 address or `0x` + 64 hex digits; raises InvalidAddress."""
    if not isinstance(s, str):
        raise InvalidAddress(f"expected an address string, got {type(s).__name__}")
    s = s.strip()
    if s[:2] in ("0x", "0X"):
        try:
            raw = bytes.fromhex(s[2:])
        except ValueError:
            raise InvalidAddress("invalid hex account id") from None
        if len(raw) != 32:
            raise InvalidAddress(f"hex account id must be 32 bytes, got {len(raw)}")
        return raw
    return ss58_decode(s, prefix)
