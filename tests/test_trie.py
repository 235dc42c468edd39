"""State trie (chain/trie.py) and standalone proofs (chain/proofs.py).

The trie is checked against `reference_root`, a naive from-scratch definition written here from the
documented encoding, so `apply` (incremental) and `from_items` (bulk) are both held to the spec.
"""
from __future__ import annotations

import ast
import json
import pathlib
import random
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chain.errors import ProofError
from chain.hashing import blake2_256
from chain.proofs import (
    EMPTY_ROOT,
    BranchStep,
    Proof,
    check_extrinsic_proof,
    check_state_proof,
    extrinsic_proof,
    extrinsics_root,
    verify_extrinsic_proof,
    verify_state_proof,
)
from chain.trie import StateTrie

# ---------------------------------------------------------------------------------------- helpers


def nibble(key_hash: bytes, depth: int) -> int:
    return key_hash[depth // 2] >> 4 if depth % 2 == 0 else key_hash[depth // 2] & 0x0F


def reference_root(state: dict[bytes, bytes]) -> bytes:
    """The documented definition, computed from scratch: empty / leaf / branch over 16 nibble groups."""

    def node(group: list[tuple[bytes, bytes]], depth: int) -> bytes:
        if len(group) == 1:
            key_hash, value_hash = group[0]
            return blake2_256(b"\x10" + key_hash + value_hash)
        children: dict[int, list[tuple[bytes, bytes]]] = defaultdict(list)
        for key_hash, value_hash in group:
            children[nibble(key_hash, depth)].append((key_hash, value_hash))
        bitmap = sum(1 << n for n in children)
        return blake2_256(
            b"\x11" + bitmap.to_bytes(2, "little") + b"".join(node(children[n], depth + 1) for n in sorted(children))
        )

    if not state:
        return blake2_256(b"")
    return node([(blake2_256(k), blake2_256(v)) for k, v in state.items()], 0)


def check_invariants(trie: StateTrie) -> None:
    """Every branch: bitmap matches its children, hashes match them, and it holds >= 2 leaves (a lone
    leaf is never wrapped in branches); the leaf count matches len()."""

    def walk(node: object) -> tuple[int, bytes]:
        if isinstance(node, bytes):
            assert len(node) == 64
            return 1, blake2_256(b"\x10" + node)
        assert isinstance(node, tuple)
        bitmap, packed, *children = node
        assert bitmap.bit_count() == len(children) >= 1
        assert len(packed) == 32 * len(children)
        leaves = 0
        for i, child in enumerate(children):
            n, h = walk(child)
            assert packed[32 * i:32 * i + 32] == h
            leaves += n
        assert leaves >= 2
        return leaves, blake2_256(b"\x11" + bitmap.to_bytes(2, "little") + packed)

    if trie._root is None:
        assert len(trie) == 0 and trie.root == EMPTY_ROOT
    else:
        n, h = walk(trie._root)
        assert n == len(trie) and h == trie.root


def find_deep_keys() -> list[bytes]:
    """Keys whose hashes share long prefixes (pairs sharing 7+ nibbles, triples sharing 5), found by
    brute force once, so splits and collapses several levels deep get exercised."""
    by_7_nibbles: dict[int, list[bytes]] = defaultdict(list)
    by_5_nibbles: dict[int, list[bytes]] = defaultdict(list)
    for i in range(120_000):
        key = b"deep" + i.to_bytes(4, "little")
        prefix = int.from_bytes(blake2_256(key)[:4], "big")
        by_7_nibbles[prefix >> 4].append(key)
        by_5_nibbles[prefix >> 12].append(key)
    deep = [k for group in by_7_nibbles.values() if len(group) > 1 for k in group]
    triples = [group[:3] for group in by_5_nibbles.values() if len(group) >= 3][:10]
    return sorted(set(deep + [k for group in triples for k in group]))


DEEP_KEYS = find_deep_keys()

keys = st.binary(min_size=0, max_size=3)  # a small key space: updates and deletes of present keys are common
values = st.binary(min_size=0, max_size=6)
states = st.dictionaries(keys, values, max_size=60)
change_sets = st.dictionaries(keys, st.none() | values, max_size=25)
deep_keys = st.sampled_from(DEEP_KEYS)
deep_change_sets = st.dictionaries(deep_keys | keys, st.none() | values, max_size=12)


def apply_to_model(model: dict[bytes, bytes], changes: dict[bytes, bytes | None]) -> None:
    for k, v in changes.items():
        if v is None:
            model.pop(k, None)
        else:
            model[k] = v


# ----------------------------------------------------------------------------------- the trie


def test_deep_keys_are_deep() -> None:
    assert len(DEEP_KEYS) >= 12
    trie = StateTrie.from_items({k: b"v" for k in DEEP_KEYS})
    assert max(len(trie.prove(k).branches) for k in DEEP_KEYS) >= 8


def test_empty_trie() -> None:
    trie = StateTrie()
    assert trie.root == EMPTY_ROOT == blake2_256(b"") == reference_root({})
    assert len(trie) == 0
    assert StateTrie.from_items({}).root == EMPTY_ROOT
    assert StateTrie.from_items([]).root == EMPTY_ROOT
    assert trie.apply({}) == EMPTY_ROOT
    assert trie.apply({b"missing": None}) == EMPTY_ROOT and len(trie) == 0
    proof = trie.prove(b"anything")
    assert proof == Proof((), None)
    assert verify_state_proof(EMPTY_ROOT, b"anything", None, proof)
    assert not verify_state_proof(EMPTY_ROOT, b"anything", b"", proof)


def test_single_entry_root_is_its_leaf() -> None:
    trie = StateTrie()
    root = trie.apply({b"k": b"v"})
    assert root == blake2_256(b"\x10" + blake2_256(b"k") + blake2_256(b"v")) == reference_root({b"k": b"v"})
    assert len(trie) == 1 and trie.value_hash(b"k") == blake2_256(b"v") and b"k" in trie and b"x" not in trie
    assert verify_state_proof(root, b"k", b"v", trie.prove(b"k"))
    assert verify_state_proof(root, b"x", None, trie.prove(b"x"))
    assert trie.apply({b"k": None}) == EMPTY_ROOT and len(trie) == 0


def test_empty_value_differs_from_absent() -> None:
    trie = StateTrie.from_items({b"a": b""})
    assert len(trie) == 1 and trie.root != EMPTY_ROOT
    assert verify_state_proof(trie.root, b"a", b"", trie.prove(b"a"))
    assert not verify_state_proof(trie.root, b"a", None, trie.prove(b"a"))


@settings(max_examples=60, deadline=None)
@given(states, st.randoms(use_true_random=False))
def test_root_independent_of_insertion_order(state: dict[bytes, bytes], rnd: random.Random) -> None:
    expected = reference_root(state)
    assert StateTrie.from_items(state).root == expected
    items = list(state.items())
    rnd.shuffle(items)
    one_by_one = StateTrie()
    for k, v in items:
        one_by_one.apply({k: v})
    assert one_by_one.root == expected
    assert StateTrie.from_items(items).root == expected
    check_invariants(one_by_one)


@settings(max_examples=60, deadline=None)
@given(st.lists(change_sets, max_size=6), st.randoms(use_true_random=False))
def test_root_independent_of_batching(blocks: list[dict[bytes, bytes | None]], rnd: random.Random) -> None:
    model: dict[bytes, bytes] = {}
    merged: dict[bytes, bytes | None] = {}
    stepwise = StateTrie()
    for changes in blocks:
        stepwise.apply(changes)
        apply_to_model(model, changes)
        merged.update(changes)
    at_once = StateTrie()
    at_once.apply(merged)
    # the same final changes, cut into random batches of single keys and pairs
    pieces = StateTrie()
    items = list(merged.items())
    rnd.shuffle(items)
    while items:
        cut = rnd.randint(1, 2)
        pieces.apply(dict(items[:cut]))
        items = items[cut:]
    assert stepwise.root == at_once.root == pieces.root == reference_root(model)
    assert len(stepwise) == len(at_once) == len(pieces) == len(model)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states, st.lists(change_sets | deep_change_sets, min_size=1, max_size=8))
def test_apply_matches_rebuild(state: dict[bytes, bytes], blocks: list[dict[bytes, bytes | None]]) -> None:
    trie = StateTrie.from_items(state)
    model = dict(state)
    for changes in blocks:
        root = trie.apply(changes)
        apply_to_model(model, changes)
        assert root == trie.root == StateTrie.from_items(model).root == reference_root(model)
        assert len(trie) == len(model)
        check_invariants(trie)


@settings(max_examples=60, deadline=None)
@given(states, st.dictionaries(keys | deep_keys, values, min_size=1, max_size=20))
def test_insert_then_delete_restores_root(state: dict[bytes, bytes], extra: dict[bytes, bytes]) -> None:
    trie = StateTrie.from_items(state)
    before = trie.root
    new = {k: v for k, v in extra.items() if k not in state}
    trie.apply(new)
    trie.apply({k: None for k in new})
    assert trie.root == before and len(trie) == len(state)
    # changing values and changing them back also restores it
    trie.apply({k: v + b"!" for k, v in state.items()})
    assert state == {} or trie.root != before
    assert trie.apply(dict(state)) == before
    check_invariants(trie)


def test_deep_keys_split_and_collapse() -> None:
    rng = random.Random(5)
    trie = StateTrie()
    model: dict[bytes, bytes] = {}
    for _ in range(40):
        changes = {k: (None if rng.random() < 0.4 else rng.randbytes(3)) for k in rng.sample(DEEP_KEYS, 6)}
        trie.apply(changes)
        apply_to_model(model, changes)
        assert trie.root == reference_root(model) and len(trie) == len(model)
        check_invariants(trie)
    trie.apply({k: None for k in DEEP_KEYS})
    assert trie.root == EMPTY_ROOT and len(trie) == 0 and trie._root is None


def test_larger_state_incremental_matches_bulk() -> None:
    rng = random.Random(11)
    model = {rng.randbytes(32): rng.randbytes(80) for _ in range(20_000)}
    trie = StateTrie.from_items(model)
    assert trie.root == reference_root(model)
    existing = list(model)
    for _ in range(3):
        changes: dict[bytes, bytes | None] = {k: rng.randbytes(80) for k in rng.sample(existing, 2_000)}
        changes.update({rng.randbytes(32): rng.randbytes(80) for _ in range(300)})
        changes.update({k: None for k in rng.sample(existing, 100)})
        trie.apply(changes)
        apply_to_model(model, changes)
        existing = list(model)
        assert trie.root == StateTrie.from_items(model).root
        assert len(trie) == len(model)
    assert trie.root == reference_root(model)
    check_invariants(trie)


def test_from_items_later_pair_wins_and_none_means_absent() -> None:
    trie = StateTrie.from_items([(b"a", b"1"), (b"b", b"2"), (b"a", b"3"), (b"b", None)])
    assert trie.root == reference_root({b"a": b"3"}) and len(trie) == 1


def test_apply_is_atomic_on_bad_input() -> None:
    trie = StateTrie.from_items({b"a": b"1", b"b": b"2"})
    before = trie.root
    with pytest.raises(TypeError):
        trie.apply({b"c": b"3", b"d": 4})  # type: ignore[dict-item]
    assert trie.root == before and len(trie) == 2 and b"c" not in trie


def test_copy_is_an_independent_snapshot() -> None:
    trie = StateTrie.from_items({bytes([i]): bytes([i]) * 3 for i in range(200)})
    snapshot = trie.copy()
    old_root = trie.root
    trie.apply({bytes([i]): b"new" for i in range(0, 200, 3)} | {b"\x00\x01": b"x", b"\x05": None})
    assert snapshot.root == old_root != trie.root and len(snapshot) == 200
    assert verify_state_proof(old_root, b"\x05", b"\x05" * 3, snapshot.prove(b"\x05"))
    assert verify_state_proof(trie.root, b"\x05", None, trie.prove(b"\x05"))
    snapshot.apply({b"\x07": None})
    assert trie.value_hash(b"\x07") == blake2_256(b"\x07" * 3)


# ------------------------------------------------------------------------------- state proofs


def flipped(data: bytes) -> list[bytes]:
    """Every byte position, flipped three ways."""
    return [data[:i] + bytes([data[i] ^ mask]) + data[i + 1:] for i in range(len(data)) for mask in (0x01, 0x80, 0xFF)]


@settings(max_examples=60, deadline=None)
@given(states.filter(bool), keys | deep_keys, st.data())
def test_state_proofs_present_and_absent(state: dict[bytes, bytes], probe: bytes, data: st.DataObject) -> None:
    trie = StateTrie.from_items(state)
    root = trie.root
    present = data.draw(st.sampled_from(sorted(state)))
    value = state[present]
    proof = trie.prove(present)
    assert proof.leaf is None
    assert verify_state_proof(root, present, value, proof)
    assert not verify_state_proof(root, present, value + b"x", proof)  # wrong value
    assert not verify_state_proof(root, present, None, proof)  # claims absence of a present key
    assert not verify_state_proof(blake2_256(root), present, value, proof)  # wrong root
    other = present + b"\x00"
    assert not verify_state_proof(root, other, value, proof)  # wrong key
    absent_proof = trie.prove(probe)
    if probe in state:
        assert verify_state_proof(root, probe, state[probe], absent_proof)
    else:
        assert verify_state_proof(root, probe, None, absent_proof)
        assert not verify_state_proof(root, probe, b"", absent_proof)
        assert not verify_state_proof(root, probe, None, trie.prove(present))  # another key's inclusion proof
        # an absence proof must not work once the key is there
        with_probe = trie.copy()
        with_probe.apply({probe: b"now here"})
        assert not verify_state_proof(with_probe.root, probe, None, absent_proof)
        assert verify_state_proof(with_probe.root, probe, b"now here", with_probe.prove(probe))


def proof_samples() -> list[tuple[bytes, bytes, bytes | None, Proof]]:
    """(root, key, value, proof) for each way a path can end, in a trie of 3,000 entries."""
    rng = random.Random(3)
    state = {rng.randbytes(16): rng.randbytes(40) for _ in range(3_000)}
    trie = StateTrie.from_items(state)
    present = next(iter(state))
    samples: list[tuple[bytes, bytes, bytes | None, Proof]] = [(trie.root, present, state[present], trie.prove(present))]
    ends: dict[str, tuple[bytes, bytes, bytes | None, Proof] | None] = {"leaf": None, "slot": None}
    for i in range(10_000):
        key = b"absent" + i.to_bytes(4, "little")
        proof = trie.prove(key)
        kind = "leaf" if proof.leaf is not None else "slot"
        if ends[kind] is None:
            ends[kind] = (trie.root, key, None, proof)
        if all(ends.values()):
            break
    samples.extend(v for v in ends.values() if v is not None)
    assert len(samples) == 3
    single = StateTrie.from_items({b"only": b"one"})
    samples.append((single.root, b"other", None, single.prove(b"other")))
    samples.append((single.root, b"only", b"one", single.prove(b"only")))
    return samples


@pytest.mark.parametrize("root,key,value,proof", proof_samples())
def test_every_flipped_byte_of_a_proof_fails(root: bytes, key: bytes, value: bytes | None, proof: Proof) -> None:
    encoded = proof.encode()
    assert Proof.decode(encoded) == proof
    assert verify_state_proof(root, key, value, encoded)
    for bad in flipped(encoded):
        assert not verify_state_proof(root, key, value, bad)
    # truncations and extensions fail too
    for cut in range(len(encoded)):
        assert not verify_state_proof(root, key, value, encoded[:cut])
    assert not verify_state_proof(root, key, value, encoded + b"\x00")


def test_proof_json_round_trip() -> None:
    for root, key, value, proof in proof_samples():
        as_json = proof.to_json()
        text = json.dumps(as_json)
        back = Proof.from_json(json.loads(text))
        assert back == proof and Proof.decode(back.encode()) == proof
        assert verify_state_proof(root, key, value, json.loads(text))  # the dict form verifies directly
        assert all(isinstance(h, str) and h.startswith("0x") for b in as_json["branches"] for h in b["siblings"])


@pytest.mark.parametrize("bad", [
    {}, {"branches": None}, {"branches": [{"bitmap": 1}]}, {"branches": [{"bitmap": -1, "siblings": []}]},
    {"branches": [{"bitmap": 70000, "siblings": []}]}, {"branches": [{"bitmap": 1, "siblings": ["0x12"]}]},
    {"branches": [{"bitmap": 1, "siblings": ["zz" * 32]}]}, {"branches": [], "leaf": {"key_hash": "0x00"}},
    {"branches": [{"bitmap": True, "siblings": []}]}, [1, 2], "proof",
])
def test_malformed_proofs_are_rejected(bad: object) -> None:
    with pytest.raises(ProofError):
        Proof.from_json(bad) if isinstance(bad, dict) else check_state_proof(EMPTY_ROOT, b"k", None, bad)  # type: ignore[arg-type]
    assert not verify_state_proof(EMPTY_ROOT, b"k", None, bad)  # type: ignore[arg-type]


def test_malformed_encoded_proofs_are_rejected() -> None:
    for bad in (b"", b"\x41", b"\x01\x01\x00", b"\x01\x01\x00\x11", b"\x00\x02", b"\x00\x01" + bytes(63)):
        with pytest.raises(ProofError):
            Proof.decode(bad)
    hand_built = Proof((BranchStep(3, ("not bytes",)),), None)  # type: ignore[arg-type]
    assert not verify_state_proof(EMPTY_ROOT, b"k", None, hand_built)


def test_check_state_proof_gives_reasons() -> None:
    trie = StateTrie.from_items({bytes([i]): b"v" for i in range(50)})
    with pytest.raises(ProofError, match="state root"):
        check_state_proof(trie.root, b"\x01", b"w", trie.prove(b"\x01"))
    with pytest.raises(ProofError, match="present"):
        proof = trie.prove(b"\x01")
        other = Proof(proof.branches, (blake2_256(b"\x01"), blake2_256(b"v")))
        check_state_proof(trie.root, b"\x01", None, other)
    check_state_proof(trie.root, b"\x01", b"v", trie.prove(b"\x01"))


def test_proofs_module_needs_no_node() -> None:
    """proofs.py may import from chain only hashing and errors, so a donor can verify offline."""
    source = pathlib.Path(__file__).resolve().parents[1] / "chain" / "proofs.py"
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chain"):
            assert node.module in ("chain.hashing", "chain.errors"), node.module
        if isinstance(node, ast.Import):
            assert not any(alias.name.startswith("chain") for alias in node.names)


# ----------------------------------------------------------------------------- extrinsics root


def test_extrinsics_root_definition() -> None:
    xts = [b"a", b"bb", b"ccc"]
    h = blake2_256
    leaves = [h(b"\x00" + i.to_bytes(4, "little") + h(x)) for i, x in enumerate(xts)]
    top = h(b"\x01" + h(b"\x01" + leaves[0] + leaves[1]) + leaves[2])  # the third leaf is promoted
    assert extrinsics_root(xts) == h(b"\x02" + (3).to_bytes(4, "little") + top)
    assert extrinsics_root([]) == EMPTY_ROOT == blake2_256(b"")
    assert extrinsics_root([b""]) != EMPTY_ROOT


def test_extrinsics_root_commits_to_order_and_count() -> None:
    xts = [b"x1", b"x2", b"x3", b"x4"]
    assert extrinsics_root(xts) != extrinsics_root(xts[::-1])
    assert extrinsics_root(xts) != extrinsics_root(xts[:3])
    assert extrinsics_root(xts) != extrinsics_root(xts + [b""])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=12), min_size=1, max_size=40), st.data())
def test_extrinsic_proofs(xts: list[bytes], data: st.DataObject) -> None:
    root = extrinsics_root(xts)
    count = len(xts)
    index = data.draw(st.integers(0, count - 1))
    proof = json.loads(json.dumps(extrinsic_proof(xts, index)))
    assert proof["index"] == index and proof["count"] == count
    assert verify_extrinsic_proof(root, xts[index], index, count, proof)
    assert not verify_extrinsic_proof(root, xts[index] + b"\x00", index, count, proof)  # altered bytes
    if count > 1:
        other = (index + 1) % count
        assert not verify_extrinsic_proof(root, xts[index], other, count, proof)  # altered index
        bare = {"siblings": proof["siblings"]}
        if xts[other] != xts[index]:
            assert not verify_extrinsic_proof(root, xts[index], other, count, bare)
    for wrong_count in (count - 1, count + 1, 2 * count):
        assert not verify_extrinsic_proof(root, xts[index], index, wrong_count, proof)
        assert not verify_extrinsic_proof(root, xts[index], index, wrong_count, {"siblings": proof["siblings"]})
    assert not verify_extrinsic_proof(blake2_256(root), xts[index], index, count, proof)


def test_every_extrinsic_of_every_small_block_proves() -> None:
    for count in range(1, 18):
        xts = [bytes([i]) * (i + 1) for i in range(count)]
        root = extrinsics_root(xts)
        for index in range(count):
            proof = extrinsic_proof(xts, index)
            check_extrinsic_proof(root, xts[index], index, count, proof)
            for i, sibling in enumerate(proof["siblings"]):  # every altered sibling fails
                raw = bytearray.fromhex(sibling[2:])
                raw[i % 32] ^= 1
                bad = dict(proof, siblings=[*proof["siblings"][:i], "0x" + raw.hex(), *proof["siblings"][i + 1:]])
                assert not verify_extrinsic_proof(root, xts[index], index, count, bad)
            assert not verify_extrinsic_proof(root, xts[index], index, count, dict(proof, siblings=proof["siblings"][:-1])) or not proof["siblings"]
            assert not verify_extrinsic_proof(root, xts[index], index, count, dict(proof, siblings=proof["siblings"] + ["0x" + "00" * 32]))


def test_extrinsic_proof_errors() -> None:
    with pytest.raises(IndexError):
        extrinsic_proof([b"a"], 1)
    with pytest.raises(IndexError):
        extrinsic_proof([], 0)
    root = extrinsics_root([b"a", b"b"])
    proof = extrinsic_proof([b"a", b"b"], 0)
    for index, count in ((-1, 2), (2, 2), (0, 0), (0, 2**32)):
        assert not verify_extrinsic_proof(root, b"a", index, count, proof)
    for bad in ({}, {"siblings": ["0x12"]}, {"siblings": None}, {"siblings": ["0x" + "00" * 32], "index": 1}):
        assert not verify_extrinsic_proof(root, b"a", 0, 2, bad)
    with pytest.raises(ProofError, match="extrinsics root"):
        check_extrinsic_proof(root, b"b", 0, 2, proof)


def test_absence_leaf_must_lie_on_the_key_path() -> None:
    """A hand-made root over one branch whose only child is a leaf off the key's path (a shape an
    honest trie never has) must not prove the key absent."""
    key = b"k"
    key_hash = blake2_256(key)
    other = next(blake2_256(bytes([i])) for i in range(256) if nibble(blake2_256(bytes([i])), 0) != nibble(key_hash, 0))
    bit = 1 << nibble(key_hash, 0)
    leaf = blake2_256(b"\x10" + other + blake2_256(b"v"))
    root = blake2_256(b"\x11" + bit.to_bytes(2, "little") + leaf)
    proof = Proof((BranchStep(bit, ()),), (other, blake2_256(b"v")))
    with pytest.raises(ProofError, match="path"):
        check_state_proof(root, key, None, proof)
