"""chain.keystore: sealing, unlocking, listing, removing; file format and permissions."""
from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from chain.crypto import Keypair, KeyType, dev_keypair, verify
from chain.errors import ChainError
from chain.keystore import (
    MEMLIMIT_MIN,
    OPSLIMIT_MIN,
    Keystore,
    KeystoreError,
    UnknownKey,
    WrongPassword,
)

MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow"
SEED = bytes(range(32))


@pytest.fixture
def store(tmp_path):
    return Keystore(tmp_path / "keys" / "keystore.json", opslimit=OPSLIMIT_MIN, memlimit=MEMLIMIT_MIN)


def _signs(pair: Keypair) -> bool:
    return verify(pair.key_type, pair.sign(b"msg"), b"msg", pair.public)


@pytest.mark.parametrize("key_type", [KeyType.SR25519, KeyType.ED25519])
def test_seed_round_trip(store, key_type):
    address = store.add("main", SEED, "correct horse", key_type=key_type)
    pair = store.unlock("main", "correct horse")
    assert pair.public == Keypair.from_seed(SEED, key_type).public
    assert pair.key_type is key_type and pair.seed == SEED and address == pair.ss58
    assert _signs(pair)


def test_derived_uri_keys_reseal_from_seed_and_path(store):
    sr = Keypair.from_uri(MNEMONIC + "//treasury/0")
    ed = Keypair.from_uri(MNEMONIC + "//grandpa", KeyType.ED25519)
    store.add("sr", sr, "pw")
    store.add("ed", ed, "pw")
    store.add("uri", MNEMONIC + "//treasury/0", "pw")  # a URI string works too
    assert store.unlock("sr", "pw") == sr and store.unlock("sr", "pw").path == "//treasury/0"
    assert store.unlock("ed", "pw").public == ed.public
    assert store.unlock("uri", "pw").public == sr.public
    entries = json.loads(store.path.read_text())["keys"]
    assert {e["format"] for e in entries.values()} == {"seed"}
    assert all(_signs(store.unlock(n, "pw")) for n in ("sr", "ed"))


def test_expanded_only_keypair_is_marked(store):
    pair = Keypair.from_secret(dev_keypair("Dave").secret)
    assert pair.seed is None
    store.add("dave", pair, "pw")
    assert json.loads(store.path.read_text())["keys"]["dave"]["format"] == "expanded"
    again = store.unlock("dave", "pw")
    assert again.public == pair.public and again.secret == pair.secret and _signs(again)


def test_wrong_password_raises_named_error(store):
    store.add("main", SEED, "right")
    for bad in ("wrong", "Right", "", b"right\0"):
        with pytest.raises(WrongPassword) as info:
            store.unlock("main", bad)
        assert isinstance(info.value, ChainError)
    assert store.unlock("main", b"right").seed == SEED  # bytes passwords are the UTF-8 of str ones


def test_tampering_is_detected(store):
    store.add("main", SEED, "pw")
    doc = json.loads(store.path.read_text())
    entry = doc["keys"]["main"]
    box = bytearray(base64.b64decode(entry["box"]))
    box[0] ^= 1
    entry["box"] = base64.b64encode(bytes(box)).decode()
    store.path.write_text(json.dumps(doc))
    with pytest.raises(WrongPassword):
        store.unlock("main", "pw")

    store.add("other", SEED, "pw")
    doc = json.loads(store.path.read_text())
    doc["keys"]["other"]["public"] = "0x" + dev_keypair("Alice").public.hex()
    store.path.write_text(json.dumps(doc))
    with pytest.raises(KeystoreError, match="public key"):
        store.unlock("other", "pw")
    doc["keys"]["other"]["kdf"]["memlimit"] = 1 << 40  # a crafted file cannot ask for 1 TiB
    store.path.write_text(json.dumps(doc))
    with pytest.raises(KeystoreError, match="limits"):
        store.unlock("other", "pw")


def test_list_and_remove(store, tmp_path):
    assert store.list() == []
    store.add("b-ed", SEED, "pw", key_type=KeyType.ED25519)
    store.add("a-sr", SEED, "pw")
    listed = store.list()
    assert [(n, kt) for n, _, kt in listed] == [("a-sr", KeyType.SR25519), ("b-ed", KeyType.ED25519)]
    assert listed[0].ss58 == Keypair.from_seed(SEED).ss58
    assert "a-sr" in store and "zzz" not in store
    # another instance reads the same file
    assert Keystore(store.path, opslimit=OPSLIMIT_MIN, memlimit=MEMLIMIT_MIN).list() == listed
    store.remove("a-sr")
    assert [i.name for i in store.list()] == ["b-ed"]
    with pytest.raises(UnknownKey):
        store.remove("a-sr")
    with pytest.raises(UnknownKey):
        store.unlock("a-sr", "pw")


def test_duplicates_need_overwrite(store):
    store.add("main", SEED, "pw")
    with pytest.raises(KeystoreError, match="exists"):
        store.add("main", dev_keypair("Bob"), "pw")
    store.add("main", Keypair.from_uri(MNEMONIC), "pw2", overwrite=True)
    assert store.unlock("main", "pw2").public == Keypair.from_uri(MNEMONIC).public


def test_file_is_private_atomic_and_holds_no_plaintext(store):
    store.add("main", SEED, "pw")
    store.add("second", MNEMONIC + "//x", "pw")
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert sorted(os.listdir(store.path.parent)) == ["keystore.json"]  # no temp files left behind
    text = store.path.read_text()
    assert SEED.hex() not in text and base64.b64encode(SEED).decode() not in text
    assert "//x" not in text  # the derivation path is sealed too
    doc = json.loads(text)
    assert doc["version"] == 1
    assert set(doc["keys"]["main"]) >= {"public", "key_type", "salt", "nonce", "box", "kdf", "format"}


def test_bad_inputs(store, tmp_path):
    with pytest.raises(ValueError):
        store.add("main", SEED, "")
    with pytest.raises(ValueError):
        store.add("", SEED, "pw")
    with pytest.raises(ValueError):
        store.add("x", dev_keypair("Alice"), "pw", key_type=KeyType.ED25519)
    with pytest.raises(TypeError):
        store.add("x", 12345, "pw")  # type: ignore[arg-type]
    with pytest.raises(KeystoreError):
        Keystore(tmp_path / "k.json", opslimit=0)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(KeystoreError):
        Keystore(garbage).list()
    garbage.write_text(json.dumps({"version": 99, "keys": {}}))
    with pytest.raises(KeystoreError):
        Keystore(garbage).list()


def test_default_interactive_limits(tmp_path):
    store = Keystore(tmp_path / "ks.json")
    store.add("main", SEED, "pw")
    kdf = json.loads(store.path.read_text())["keys"]["main"]["kdf"]
    assert kdf["opslimit"] >= 2 and kdf["memlimit"] >= 64 * 1024 * 1024
    # a store opened with other limits still unlocks: the limits are read from the entry
    assert Keystore(store.path, opslimit=OPSLIMIT_MIN, memlimit=MEMLIMIT_MIN).unlock("main", "pw").seed == SEED
