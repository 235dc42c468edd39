"""The off-chain registry of personal data: name, village, gender and age, keyed by account.

Personal data never goes on chain. It lives here, in one file encrypted with PyNaCl's SecretBox
(XSalsa20-Poly1305). The 32-byte key comes, in this order, from: the `key` argument; the environment
variable `PUHUI_REGISTRY_KEY` (64 hex digits or base64); Streamlit secrets (the app passes
`st.secrets["PUHUI_REGISTRY_KEY"]` as `key`); or a key file beside the registry (`registry.key`, mode
0600). Without any of them `open_key(..., create=True)` generates a key, writes that key file and says
so (a key file next to the data protects against a copied registry file only, not against someone who
can read the whole data directory: set PUHUI_REGISTRY_KEY for that).

File format: b"PUHUIREG1" | 24-byte nonce | SecretBox ciphertext of the UTF-8 JSON
`{"version": 1, "people": {"<account hex>": {"name", "village", "gender", "age", "role"}}}`.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import nacl.exceptions
import nacl.secret
import nacl.utils

from chain.errors import ChainError

ENV_KEY = "PUHUI_REGISTRY_KEY"
MAGIC = b"PUHUIREG1"
REGISTRY_FILE = "registry.enc"
KEY_FILE = "registry.key"
KEY_SIZE = nacl.secret.SecretBox.KEY_SIZE


class RegistryError(ChainError):
    """Raised when the registry file is missing, malformed, or cannot be written."""


class RegistryKeyMissing(RegistryError):
    """Raised when no registry key was given, none is in PUHUI_REGISTRY_KEY, and no key file exists."""


class InvalidRegistryKey(RegistryError, ValueError):
    """Raised when a registry key is not 32 bytes given as bytes, 64 hex digits or base64."""


class WrongRegistryKey(RegistryError):
    """Raised when the registry does not decrypt with the key (another key, or the file was altered)."""


@dataclass(frozen=True)
class PersonRecord:
    name: str
    village: str
    gender: str  # "female" | "male"
    age: int
    role: str


def parse_key(key: bytes | str) -> bytes:
    """A 32-byte key from raw bytes, 64 hex digits (optionally 0x-prefixed) or base64."""
    if isinstance(key, (bytes, bytearray)):
        raw = bytes(key)
        if len(raw) == KEY_SIZE:
            return raw
        key = raw.decode("ascii", errors="replace")
    text = key.strip()
    candidates = []
    hex_text = text[2:] if text[:2] in ("0x", "0X") else text
    try:
        candidates.append(bytes.fromhex(hex_text))
    except ValueError:
        pass
    try:
        candidates.append(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        pass
    for c in candidates:
        if len(c) == KEY_SIZE:
            return c
    raise InvalidRegistryKey(f"a registry key is {KEY_SIZE} bytes: 64 hex digits or base64 of 32 bytes")


def generate_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def open_key(data_dir: str | Path, key: bytes | str | None = None, *, create: bool = False,
             announce: bool = True) -> bytes:
    """The registry key: argument, then PUHUI_REGISTRY_KEY, then `data_dir/registry.key`; with
    `create`, a new key is generated and written there (mode 0600), and a note goes to stderr."""
    if key is not None:
        return parse_key(key)
    env = os.environ.get(ENV_KEY)
    if env:
        return parse_key(env)
    path = Path(data_dir) / KEY_FILE
    if path.exists():
        return parse_key(path.read_text(encoding="ascii").strip())
    if not create:
        raise RegistryKeyMissing(f"no registry key: set {ENV_KEY} (64 hex digits) or pass one; {path} does not exist")
    new = generate_key()
    _write_private(path, (new.hex() + "\n").encode("ascii"))
    if announce:
        print(f"registry: no {ENV_KEY} set; generated a key and stored it in {path} (mode 0600). "
              f"Keep it with the data, or set {ENV_KEY} to keep it elsewhere.", file=sys.stderr)
    return new


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class Registry:
    """Personal records keyed by account id (32 bytes). In memory; `save`/`load` encrypt and decrypt."""

    def __init__(self, records: Mapping[bytes, PersonRecord] | None = None):
        self._records: dict[bytes, PersonRecord] = dict(records or {})

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, account: object) -> bool:
        return account in self._records

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._records)

    def get(self, account: bytes) -> PersonRecord | None:
        return self._records.get(account)

    def __getitem__(self, account: bytes) -> PersonRecord:
        return self._records[account]

    def put(self, account: bytes, record: PersonRecord) -> None:
        if len(account) != 32:
            raise ValueError("a registry key is a 32-byte account id")
        self._records[account] = record

    def items(self) -> Iterable[tuple[bytes, PersonRecord]]:
        return self._records.items()

    def personal_strings(self) -> set[str]:
        """Every name and village name (what a scan of the chain must never find)."""
        return {r.name for r in self._records.values()} | {r.village for r in self._records.values() if r.village}

    # -- encryption ----------------------------------------------------------------------------------
    def encrypt(self, key: bytes) -> bytes:
        doc = {"version": 1, "people": {a.hex(): asdict(r) for a, r in sorted(self._records.items())}}
        plain = json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return MAGIC + bytes(nacl.secret.SecretBox(parse_key(key)).encrypt(plain))

    @classmethod
    def decrypt(cls, blob: bytes, key: bytes) -> "Registry":
        if not blob.startswith(MAGIC):
            raise RegistryError("not a Puhui registry file (bad magic)")
        try:
            plain = nacl.secret.SecretBox(parse_key(key)).decrypt(blob[len(MAGIC):])
        except nacl.exceptions.CryptoError:
            raise WrongRegistryKey("the registry does not decrypt with this key (another key, or the file was altered)") from None
        try:
            doc = json.loads(plain.decode("utf-8"))
            if doc.get("version") != 1:
                raise RegistryError(f"unsupported registry version {doc.get('version')!r}")
            return cls({bytes.fromhex(a): PersonRecord(**r) for a, r in doc["people"].items()})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise RegistryError(f"registry content is malformed: {exc}") from None

    def save(self, path: str | Path, key: bytes) -> None:
        _write_private(Path(path), self.encrypt(key))

    @classmethod
    def load(cls, path: str | Path, key: bytes) -> "Registry":
        try:
            blob = Path(path).read_bytes()
        except FileNotFoundError:
            raise RegistryError(f"no registry at {path}") from None
        return cls.decrypt(blob, key)


def registry_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / REGISTRY_FILE


def load_registry(data_dir: str | Path, key: bytes | str | None = None) -> Registry:
    """The registry of a scenario data directory (key as in `open_key`, never created here)."""
    return Registry.load(registry_path(data_dir), open_key(data_dir, key))


def load_names(data_dir: str | Path, key: bytes | str | None = None) -> dict[bytes, str]:
    """{account: name} from a scenario data directory's registry (for the staff view only)."""
    return {a: r.name for a, r in load_registry(data_dir, key).items()}
