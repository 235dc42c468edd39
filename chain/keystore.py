"""A password-encrypted keystore for real signing keys (dev keys need none: `chain.crypto.dev_keypair`).

One JSON file maps names to entries:

    {"version": 1, "keys": {"treasury": {
        "public": "0x<32 bytes>", "ss58": "5...", "key_type": "sr25519", "format": "seed",
        "kdf": {"alg": "argon2id", "opslimit": 2, "memlimit": 67108864},
        "salt": "<base64>", "nonce": "<base64>", "box": "<base64>"}}}

The secret is sealed with PyNaCl's SecretBox (XSalsa20-Poly1305) under a key derived from the
password by Argon2id (`nacl.pwhash.argon2id.kdf`, INTERACTIVE limits unless told otherwise; the limits
are stored per entry). What is sealed depends on `format`:
- "seed": the 32-byte seed then the UTF-8 derivation path (`Keypair.seed`, `Keypair.path`); unlocking
  re-derives the key. For ed25519 the seed is already the derived one and the path is empty.
- "expanded": the 64-byte sr25519 expanded secret, for keypairs that have no seed (`from_secret`).
Unlocking checks the rebuilt public key against the stored one. The file is rewritten atomically
(temp file, fsync, `os.replace`) with mode 0600. One writer at a time: there is no cross-process lock.
"""
from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, NamedTuple

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils

from chain.crypto import InvalidKey, Keypair, KeyType, ss58_encode
from chain.errors import ChainError

OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE = argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE
OPSLIMIT_MIN, MEMLIMIT_MIN = argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN  # fast and weak: tests only
_OPS_RANGE = (argon2id.OPSLIMIT_MIN, argon2id.OPSLIMIT_SENSITIVE)
_MEM_RANGE = (argon2id.MEMLIMIT_MIN, argon2id.MEMLIMIT_SENSITIVE)
_VERSION = 1
_KEY_TYPES = {"sr25519": KeyType.SR25519, "ed25519": KeyType.ED25519}


class KeystoreError(ChainError):
    """Raised when the keystore file is unreadable or corrupt, or an entry cannot be stored as asked."""


class WrongPassword(KeystoreError):
    """Raised when an entry does not open with the given password (or its sealed bytes were altered)."""


class UnknownKey(KeystoreError, KeyError):
    """Raised when no entry has the given name."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class KeyInfo(NamedTuple):
    name: str
    ss58: str
    key_type: KeyType


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _password_bytes(password: str | bytes) -> bytes:
    raw = password.encode("utf-8") if isinstance(password, str) else bytes(password)
    if not raw:
        raise ValueError("an empty password does not protect a key")
    return raw


def _check_limits(opslimit: int, memlimit: int) -> None:
    if not (_OPS_RANGE[0] <= opslimit <= _OPS_RANGE[1] and _MEM_RANGE[0] <= memlimit <= _MEM_RANGE[1]):
        raise KeystoreError(f"argon2id limits out of range: opslimit={opslimit}, memlimit={memlimit}")


def _box(password: bytes, salt: bytes, opslimit: int, memlimit: int) -> nacl.secret.SecretBox:
    key = argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, password, salt, opslimit=opslimit, memlimit=memlimit)
    return nacl.secret.SecretBox(key)


class Keystore:
    """Named, password-sealed keys in one JSON file at `path` (created on the first `add`)."""

    def __init__(
        self, path: str | os.PathLike[str], *, opslimit: int = OPSLIMIT_INTERACTIVE,
        memlimit: int = MEMLIMIT_INTERACTIVE,
    ) -> None:
        _check_limits(opslimit, memlimit)
        self.path = Path(path)
        self.opslimit, self.memlimit = opslimit, memlimit
        self._lock = threading.Lock()

    # -------------------------------------------------------------------------------- public API

    def add(
        self, name: str, key: Keypair | bytes | str, password: str | bytes, *,
        key_type: KeyType | None = None, overwrite: bool = False,
    ) -> str:
        """Seal `key` (a Keypair, a 32-byte seed, or a secret URI) under `name`; returns its SS58 address.

        `key_type` applies to a seed or URI (default sr25519). An existing name raises KeystoreError
        unless `overwrite`.
        """
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValueError("a key name is a non-empty string without surrounding spaces")
        pw = _password_bytes(password)
        pair = self._as_keypair(key, key_type)
        if pair.seed is not None:
            fmt, plain = "seed", pair.seed + pair.path.encode("utf-8")
        elif pair.key_type == KeyType.SR25519 and len(pair.secret) == 64:
            fmt, plain = "expanded", pair.secret
        else:
            raise KeystoreError("this keypair has neither a seed nor an expanded sr25519 secret")
        salt = nacl.utils.random(argon2id.SALTBYTES)
        sealed = _box(pw, salt, self.opslimit, self.memlimit).encrypt(plain)
        entry = {
            "public": "0x" + pair.public.hex(),
            "ss58": pair.ss58,
            "key_type": pair.key_type.name.lower(),
            "format": fmt,
            "kdf": {"alg": "argon2id", "opslimit": self.opslimit, "memlimit": self.memlimit},
            "salt": _b64(salt),
            "nonce": _b64(sealed.nonce),
            "box": _b64(sealed.ciphertext),
        }
        with self._lock:
            doc = self._load()
            if name in doc["keys"] and not overwrite:
                raise KeystoreError(f"a key named {name!r} exists; remove it or pass overwrite=True")
            doc["keys"][name] = entry
            self._save(doc)
        return pair.ss58

    def unlock(self, name: str, password: str | bytes) -> Keypair:
        """The keypair stored under `name`. Raises UnknownKey, WrongPassword or KeystoreError."""
        entry = self._entry(name)
        try:
            public = bytes.fromhex(entry["public"].removeprefix("0x"))
            key_type = _KEY_TYPES[entry["key_type"]]
            fmt, kdf = entry["format"], entry["kdf"]
            opslimit, memlimit = int(kdf["opslimit"]), int(kdf["memlimit"])
            salt, nonce, box = (base64.b64decode(entry[k], validate=True) for k in ("salt", "nonce", "box"))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise KeystoreError(f"keystore entry {name!r} is malformed: {exc!r}") from None
        if kdf.get("alg") != "argon2id" or len(salt) != argon2id.SALTBYTES:
            raise KeystoreError(f"keystore entry {name!r} has an unknown key derivation")
        _check_limits(opslimit, memlimit)
        try:
            plain = _box(_password_bytes(password), salt, opslimit, memlimit).decrypt(box, nonce)
        except (nacl.exceptions.CryptoError, ValueError):
            raise WrongPassword(f"wrong password for key {name!r} (or its sealed bytes were altered)") from None
        try:
            if fmt == "seed":
                pair = Keypair.from_seed(plain[:32], key_type).derive(plain[32:].decode("utf-8"))
            elif fmt == "expanded":
                pair = Keypair.from_secret(plain, key_type)
            else:
                raise KeystoreError(f"keystore entry {name!r} has unknown format {fmt!r}")
        except (InvalidKey, UnicodeDecodeError) as exc:
            raise KeystoreError(f"keystore entry {name!r} does not hold a valid key: {exc}") from None
        if pair.public != public:
            raise KeystoreError(f"keystore entry {name!r} does not match its public key")
        return pair

    def list(self) -> list[KeyInfo]:
        """(name, ss58, key_type) of every entry, sorted by name; needs no password."""
        out = []
        for name, entry in sorted(self._load()["keys"].items()):
            try:
                public, key_type = bytes.fromhex(entry["public"].removeprefix("0x")), _KEY_TYPES[entry["key_type"]]
                out.append(KeyInfo(name, ss58_encode(public), key_type))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise KeystoreError(f"keystore entry {name!r} is malformed: {exc!r}") from None
        return out

    def remove(self, name: str) -> None:
        """Delete the entry `name` (its sealed secret is gone once the file is rewritten)."""
        with self._lock:
            doc = self._load()
            if name not in doc["keys"]:
                raise UnknownKey(f"no key named {name!r} in {self.path}")
            del doc["keys"][name]
            self._save(doc)

    def __contains__(self, name: object) -> bool:
        return name in self._load()["keys"]

    # ------------------------------------------------------------------------------------ helpers

    @staticmethod
    def _as_keypair(key: Keypair | bytes | str, key_type: KeyType | None) -> Keypair:
        if isinstance(key, Keypair):
            if key_type is not None and key_type != key.key_type:
                raise ValueError(f"keypair is {key.key_type.name}, not {KeyType(key_type).name}")
            return key
        kt = KeyType.SR25519 if key_type is None else KeyType(key_type)
        if isinstance(key, (bytes, bytearray)):
            return Keypair.from_seed(bytes(key), kt)
        if isinstance(key, str):
            return Keypair.from_uri(key, kt)
        raise TypeError(f"expected a Keypair, a 32-byte seed or a secret URI, got {type(key).__name__}")

    def _entry(self, name: str) -> dict[str, Any]:
        entry = self._load()["keys"].get(name)
        if entry is None:
            raise UnknownKey(f"no key named {name!r} in {self.path}")
        if not isinstance(entry, dict):
            raise KeystoreError(f"keystore entry {name!r} is malformed")
        return entry

    def _load(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": _VERSION, "keys": {}}
        except OSError as exc:
            raise KeystoreError(f"cannot read keystore {self.path}: {exc}") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KeystoreError(f"keystore {self.path} is not valid JSON: {exc}") from None
        if not isinstance(doc, dict) or doc.get("version") != _VERSION or not isinstance(doc.get("keys"), dict):
            raise KeystoreError(f"{self.path} is not a version {_VERSION} Puhui keystore")
        return doc

    def _save(self, doc: dict[str, Any]) -> None:
        directory = self.path.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        try:  # make the rename itself durable
            dir_fd = os.open(directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)
