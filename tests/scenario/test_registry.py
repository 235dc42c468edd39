import base64
import os
import stat

import pytest

from chain.scenario import registry as r
from chain.scenario.registry import PersonRecord, Registry


def _reg() -> Registry:
    reg = Registry()
    reg.put(b"\x01" * 32, PersonRecord("Wanjiru Kamau", "Kimalongo", "female", 34, "farmer"))
    reg.put(b"\x02" * 32, PersonRecord("Rodrigo Santos", "Barangayan", "male", 51, "vendor"))
    return reg


def test_round_trip(tmp_path):
    key = r.generate_key()
    _reg().save(tmp_path / "registry.enc", key)
    blob = (tmp_path / "registry.enc").read_bytes()
    assert b"Wanjiru" not in blob and b"Kimalongo" not in blob
    back = Registry.load(tmp_path / "registry.enc", key)
    assert back[b"\x01" * 32] == PersonRecord("Wanjiru Kamau", "Kimalongo", "female", 34, "farmer")
    assert len(back) == 2
    assert stat.S_IMODE(os.stat(tmp_path / "registry.enc").st_mode) == 0o600


def test_wrong_key_fails_with_a_named_error(tmp_path):
    _reg().save(tmp_path / "registry.enc", r.generate_key())
    with pytest.raises(r.WrongRegistryKey):
        Registry.load(tmp_path / "registry.enc", r.generate_key())


def test_tampered_file_fails(tmp_path):
    key = r.generate_key()
    _reg().save(tmp_path / "registry.enc", key)
    blob = bytearray((tmp_path / "registry.enc").read_bytes())
    blob[-1] ^= 1
    with pytest.raises(r.WrongRegistryKey):
        Registry.decrypt(bytes(blob), key)


def test_key_forms():
    key = os.urandom(32)
    assert r.parse_key(key.hex()) == key
    assert r.parse_key("0x" + key.hex()) == key
    assert r.parse_key(base64.b64encode(key).decode()) == key
    with pytest.raises(r.InvalidRegistryKey):
        r.parse_key("too short")


def test_key_sources(tmp_path, monkeypatch):
    monkeypatch.delenv(r.ENV_KEY, raising=False)
    with pytest.raises(r.RegistryKeyMissing):
        r.open_key(tmp_path)
    made = r.open_key(tmp_path, create=True, announce=False)
    keyfile = tmp_path / r.KEY_FILE
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    assert r.open_key(tmp_path) == made
    other = os.urandom(32)
    monkeypatch.setenv(r.ENV_KEY, other.hex())
    assert r.open_key(tmp_path) == other  # the environment wins over the key file


def test_load_names(tmp_path):
    key = r.generate_key()
    _reg().save(r.registry_path(tmp_path), key)
    assert r.load_names(tmp_path, key)[b"\x02" * 32] == "Rodrigo Santos"
