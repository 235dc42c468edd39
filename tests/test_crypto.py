"""chain.crypto against substrate-interface 1.8.1 (the golden reference) and well-known dev keys."""
from __future__ import annotations

import os
import random

import nacl.signing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scalecodec.utils.ss58 import ss58_decode as si_ss58_decode
from scalecodec.utils.ss58 import ss58_encode as si_ss58_encode
from substrateinterface import Keypair as SIKeypair
from substrateinterface import KeypairType

import chain.crypto as crypto
from chain.crypto import (
    DEV_ACCOUNTS,
    DEV_PHRASE,
    InvalidAddress,
    InvalidKey,
    Keypair,
    KeyType,
    account_from_str,
    dev_keypair,
    shutdown_verifier,
    ss58_decode,
    ss58_decode_with_prefix,
    ss58_encode,
    verify,
    verify_many,
)
from chain.errors import ChainError

ALICE_PUB = bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
ALICE_SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
# Alice's ed25519 (GRANDPA) dev key, as every Substrate dev chain spec lists it.
ALICE_ED25519_PUB = bytes.fromhex("88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee")
MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow"
VALID_PREFIXES = st.integers(0, 16383).filter(lambda p: p not in (46, 47))


# ----------------------------------------------------------------------------------------- keys


def test_alice_matches_golden_values():
    alice = dev_keypair("Alice")
    assert alice.public == ALICE_PUB
    assert alice.ss58 == ALICE_SS58
    assert alice.key_type is KeyType.SR25519
    assert dev_keypair("Alice") is alice  # cached


@pytest.mark.parametrize(
    "uri",
    ["//Alice", "//Bob", "//Alice//stash", "//Bob//stash", "//Alice/soft", "//1//2/3",
     f"{MNEMONIC}/soft", f"{MNEMONIC}//hard/soft", f"{MNEMONIC}//{'x' * 40}", DEV_PHRASE],
)
def test_sr25519_uri_matches_substrate_interface(uri):
    ours = Keypair.from_uri(uri)
    theirs = SIKeypair.create_from_uri(uri)
    assert ours.public == theirs.public_key
    assert ours.ss58 == theirs.ss58_address


def test_dev_accounts_are_distinct_and_match_reference():
    keys = {dev_keypair(name).public for name in DEV_ACCOUNTS}
    assert len(keys) == len(DEV_ACCOUNTS) == 6
    for name in DEV_ACCOUNTS:
        assert dev_keypair(name).public == SIKeypair.create_from_uri("//" + name).public_key


def test_hex_seed_uri_equals_mnemonic_uri():
    import bip39

    mini = bytes(bip39.bip39_to_mini_secret(DEV_PHRASE, ""))
    assert Keypair.from_uri("0x" + mini.hex() + "//Alice").public == ALICE_PUB
    assert Keypair.from_uri("0x" + mini.hex()).public == Keypair.from_seed(mini).public


def test_uri_password_goes_into_the_mini_secret():
    import bip39

    with_pw = Keypair.from_uri(MNEMONIC + "///secret")
    assert with_pw.public == Keypair.from_seed(bytes(bip39.bip39_to_mini_secret(MNEMONIC, "secret"))).public
    assert with_pw.public != Keypair.from_uri(MNEMONIC).public


def test_derived_sr25519_keeps_root_seed_and_path():
    stash = dev_keypair("Alice//stash")
    assert stash.path == "//Alice//stash"
    assert stash.seed is not None and len(stash.seed) == 32
    assert Keypair.from_uri("0x" + stash.seed.hex() + stash.path).public == stash.public


def test_equality_ignores_random_sr25519_nonce():
    a, b = Keypair.from_uri("//Alice"), Keypair.from_uri("//Alice")
    assert a == b and hash(a) == hash(b)
    assert "secret" not in repr(a) and a.secret.hex() not in repr(a)


def test_from_secret_rebuilds_public():
    alice = dev_keypair("Alice")
    again = Keypair.from_secret(alice.secret)
    assert again.public == ALICE_PUB and again.seed is None
    assert verify(KeyType.SR25519, again.sign(b"m"), b"m", ALICE_PUB)


def test_ed25519_from_seed_matches_substrate_interface():
    for _ in range(5):
        seed = os.urandom(32)
        ours = Keypair.from_seed(seed, KeyType.ED25519)
        theirs = SIKeypair.create_from_seed(seed.hex(), crypto_type=KeypairType.ED25519)
        assert ours.public == theirs.public_key
        assert ours.ss58 == theirs.ss58_address


def test_ed25519_hard_derivation_gives_alice_grandpa_key():
    assert dev_keypair("Alice", KeyType.ED25519).public == ALICE_ED25519_PUB
    with pytest.raises(InvalidKey):
        Keypair.from_uri("//Alice/soft", KeyType.ED25519)


@pytest.mark.parametrize(
    "uri", ["not a valid mnemonic phrase at all", "0xzz", "0x" + "00" * 31, "0x" + "00" * 32 + "///pw"]
)
def test_bad_uris_raise_invalid_key(uri):
    with pytest.raises(InvalidKey):
        Keypair.from_uri(uri)


def test_bad_seeds_and_types_raise():
    with pytest.raises(InvalidKey):
        Keypair.from_seed(b"\0" * 31)
    with pytest.raises(InvalidKey):
        Keypair.from_seed(b"\0" * 32, KeyType.ECDSA)
    with pytest.raises(InvalidKey):
        Keypair.from_secret(b"\0" * 63)


def test_numeric_junctions_are_u64_le():
    from chain.crypto import parse_path

    assert parse_path("//5") == [(True, (5).to_bytes(8, "little").ljust(32, b"\0"))]
    assert parse_path("/+5") == parse_path("/5")
    (hard, code), = parse_path("//" + "9" * 25)  # too big for u64: a string junction, hashed (>32 bytes)
    assert hard and len(code) == 32
    with pytest.raises(InvalidKey):
        parse_path("Alice")


# ----------------------------------------------------------------------------------- signatures


def test_sr25519_signatures_cross_verify():
    msg = b"puhui transfer"
    ours, theirs = dev_keypair("Bob"), SIKeypair.create_from_uri("//Bob")
    assert theirs.verify(msg, ours.sign(msg))
    assert verify(KeyType.SR25519, theirs.sign(msg), msg, ours.public)
    assert len(ours.sign(msg)) == 64


def test_ed25519_signatures_cross_verify():
    seed, msg = os.urandom(32), b"puhui remittance"
    ours = Keypair.from_seed(seed, KeyType.ED25519)
    theirs = SIKeypair.create_from_seed(seed.hex(), crypto_type=KeypairType.ED25519)
    sig = ours.sign(msg)
    assert sig == theirs.sign(msg)  # deterministic RFC 8032
    assert theirs.verify(msg, sig)
    assert verify(KeyType.ED25519, theirs.sign(msg), msg, ours.public)
    nacl.signing.VerifyKey(ours.public).verify(msg, sig)  # libsodium agrees too


@pytest.mark.parametrize("key_type", [KeyType.SR25519, KeyType.ED25519])
def test_malformed_signatures_return_false(key_type):
    alice, bob = dev_keypair("Alice", key_type), dev_keypair("Bob", key_type)
    msg = b"m"
    sig = alice.sign(msg)
    assert verify(key_type, sig, msg, alice.public)
    assert not verify(key_type, b"\0" * 64, msg, alice.public)
    assert not verify(key_type, b"\xff" * 64, msg, alice.public)
    assert not verify(key_type, sig[:63], msg, alice.public)
    assert not verify(key_type, sig + b"\0", msg, alice.public)
    assert not verify(key_type, sig, msg, bob.public)  # wrong key
    assert not verify(key_type, sig, b"other", alice.public)
    assert not verify(key_type, sig, msg, alice.public[:31])
    assert not verify(key_type, sig, msg, b"\0" * 32)
    assert not verify(1 - key_type, sig, msg, alice.public)  # wrong scheme
    assert not verify(key_type, "not bytes", msg, alice.public)  # type: ignore[arg-type]


def test_ecdsa_and_unknown_types_are_rejected():
    alice = dev_keypair("Alice")
    sig = alice.sign(b"m")
    assert not verify(KeyType.ECDSA, sig, b"m", alice.public)
    assert not verify(7, sig, b"m", alice.public)


def _mixed_batch(n: int) -> tuple[list[tuple[int, bytes, bytes, bytes]], list[bool]]:
    rng = random.Random(1)
    keys = [dev_keypair(name, kt) for name in ("Alice", "Bob", "Charlie") for kt in (KeyType.SR25519, KeyType.ED25519)]
    items, expected = [], []
    for i in range(n):
        key = keys[i % len(keys)]
        msg = rng.randbytes(rng.randrange(1, 200))
        sig = key.sign(msg)
        good = rng.random() > 0.1
        if not good:
            sig = rng.choice([b"\0" * 64, sig[:-1] + bytes([sig[-1] ^ 1]), sig[:40], keys[0].sign(b"other")])
        items.append((int(key.key_type), sig, msg, key.public))
        expected.append(good)
    return items, expected


def test_verify_many_agrees_with_verify_parallel_and_sequential():
    items, expected = _mixed_batch(2000)
    single = [verify(*it) for it in items]
    assert single == expected and 0 < single.count(False) < 400
    assert verify_many(items, processes=1) == single
    try:
        assert verify_many(items, processes=2) == single  # 2000 >= PARALLEL_MIN_BATCH: uses the pool
        assert crypto._POOL is not None
        assert verify_many(items[:10], processes=2) == single[:10]  # small: in-process
        assert verify_many([], processes=2) == []
    finally:
        shutdown_verifier()
    assert crypto._POOL is None
    with pytest.raises(ValueError):
        verify_many(items, processes=0)


# ------------------------------------------------------------------------------------------ SS58


@given(st.binary(min_size=32, max_size=32), VALID_PREFIXES)
@settings(max_examples=200)
def test_ss58_round_trip_matches_reference(public, prefix):
    address = ss58_encode(public, prefix)
    assert address == si_ss58_encode(public, prefix)
    assert ss58_decode(address, prefix) == public
    assert ss58_decode(address, None) == public
    assert ss58_decode_with_prefix(address) == (prefix, public)
    assert si_ss58_decode(address, prefix) == public.hex()


@given(st.binary(min_size=32, max_size=32), VALID_PREFIXES, st.data())
def test_ss58_mutation_is_caught_or_changes_the_account(public, prefix, data):
    address = ss58_encode(public, prefix)
    i = data.draw(st.integers(0, len(address) - 1))
    c = data.draw(st.sampled_from("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl"))
    mutated = address[:i] + c + address[i + 1 :]
    if mutated == address:
        return
    try:
        decoded = ss58_decode_with_prefix(mutated)
    except InvalidAddress:
        return
    assert decoded != (prefix, public)  # a 2-byte checksum collision must at least be another account


@given(st.text(max_size=80))
def test_ss58_decode_of_garbage_raises_only_invalid_address(text):
    try:
        ss58_decode(text, None)
    except InvalidAddress as exc:
        assert isinstance(exc, ChainError) and isinstance(exc, ValueError)


def test_ss58_bad_inputs_raise_invalid_address():
    with pytest.raises(InvalidAddress, match="base58"):
        ss58_decode(ALICE_SS58[:-1] + "0")  # '0' is not in the alphabet
    with pytest.raises(InvalidAddress, match="checksum"):
        ss58_decode(ALICE_SS58[:10] + ("b" if ALICE_SS58[10] != "b" else "c") + ALICE_SS58[11:])
    with pytest.raises(InvalidAddress, match="length"):
        ss58_decode(si_ss58_encode(b"\1" * 8, 42))  # an account index, not an account id
    with pytest.raises(InvalidAddress, match="length"):
        ss58_decode(crypto._b58encode(b"\x2a" + b"\1" * 31 + b"\0\0"))
    with pytest.raises(InvalidAddress, match="prefix 0, expected 42"):
        ss58_decode(ss58_encode(ALICE_PUB, 0))
    with pytest.raises(InvalidAddress, match="reserved"):
        data = b"\x2e" + ALICE_PUB
        ss58_decode(crypto._b58encode(data + crypto._checksum(data)), None)
    with pytest.raises(InvalidAddress, match="prefix"):
        data = b"\x80" + ALICE_PUB
        ss58_decode(crypto._b58encode(data + crypto._checksum(data)), None)
    with pytest.raises(InvalidAddress):
        ss58_decode("")
    with pytest.raises(InvalidAddress):
        ss58_decode(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidAddress):
        ss58_decode("1" * 60)


def test_ss58_two_byte_prefixes():
    assert ss58_decode_with_prefix(ss58_encode(ALICE_PUB, 64)) == (64, ALICE_PUB)
    assert ss58_decode_with_prefix(ss58_encode(ALICE_PUB, 16383)) == (16383, ALICE_PUB)
    for bad in (-1, 16384, 46, 47):
        with pytest.raises(ValueError):
            ss58_encode(ALICE_PUB, bad)
    with pytest.raises(ValueError):
        ss58_encode(ALICE_PUB[:31])


def test_account_from_str():
    assert account_from_str(ALICE_SS58) == ALICE_PUB
    assert account_from_str(" 0x" + ALICE_PUB.hex() + "\n") == ALICE_PUB
    assert account_from_str(ss58_encode(ALICE_PUB, 2), prefix=None) == ALICE_PUB
    for bad in ("0x" + ALICE_PUB.hex()[:-2], "0xnothex", "Alice", ss58_encode(ALICE_PUB, 2)):
        with pytest.raises(InvalidAddress):
            account_from_str(bad)
