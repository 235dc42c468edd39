"""The transfer speed path (chain/fast_transfer.py) agrees with the reference executive byte for byte:
the same random traffic, valid and invalid, builds identical blocks, events and states either way."""
import random

import pytest

from chain.crypto import KeyType, Keypair
from chain.errors import InvalidTransaction
from chain.extrinsic import sign_extrinsic
from chain.hashing import blake2_256
from chain.node import Node, dev_genesis_config
from chain.pallets.balances import EXISTENTIAL_DEPOSIT as ED
from chain.runtime import SPEC_VERSION, TX_VERSION, Runtime
from chain.types import UNIT

KEYS = [Keypair.from_seed(blake2_256(bytes([i])), KeyType(i % 2)) for i in range(8)]


def traffic(genesis_hash, seed):
    rng = random.Random(seed)
    rt = Runtime()
    nonces = [0] * len(KEYS)
    xts = []
    for _ in range(300):
        s = rng.randrange(len(KEYS))
        kind = rng.choice(["keep", "keep", "death", "self", "new", "zero", "huge", "drain", "stale"])
        dest = KEYS[rng.randrange(len(KEYS))].public
        value = rng.choice([1, ED, UNIT, 3 * UNIT])
        name = "transfer_allow_death" if kind in ("death", "drain") else "transfer_keep_alive"
        if kind == "self":
            dest = KEYS[s].public
        elif kind == "new":
            dest = blake2_256(rng.randbytes(8))
        elif kind == "zero":
            value = 0
        elif kind == "huge":
            value = 10**30
        elif kind == "drain":
            value = 9 * UNIT + rng.randrange(UNIT)
        nonce = nonces[s] - 1 if kind == "stale" and nonces[s] else nonces[s]
        call = rt.encode_call(rt.make_call("Balances", name, dest=("Id", dest), value=value))
        xts.append(sign_extrinsic(KEYS[s], call, nonce, genesis_hash=genesis_hash, spec_version=SPEC_VERSION,
                                  tx_version=TX_VERSION, tip=rng.choice([0, 0, 5])))
        if kind != "stale":
            nonces[s] += 1
    return xts


def run(path, xts, fast):
    cfg = dev_genesis_config(extra_balances=[(k.public, 10 * UNIT) for k in KEYS])
    Runtime.fast_paths = fast
    try:
        with Node(path, cfg, seal="manual") as node:
            for i, xt in enumerate(xts):
                try:
                    node.submit(xt)
                except InvalidTransaction:
                    pass
                if i % 37 == 36:
                    node.produce_block(now_ms=1_000 * (i + 1))
            node.produce_block(now_ms=10**6)
            blocks = [node.get_block(n) for n in range(node.head.number + 1)]
            events = [node.storage(node.rt.events_key, n) for n in range(1, node.head.number + 1)]
            return [b.hash for b in blocks], events, node.trie.root
    finally:
        Runtime.fast_paths = True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_and_reference_paths_build_identical_chains(tmp_path, seed):
    with Node(tmp_path / "g", dev_genesis_config(extra_balances=[(k.public, 10 * UNIT) for k in KEYS]), seal="manual") as n:
        genesis = n.genesis_hash
    xts = traffic(genesis, seed)
    fast = run(tmp_path / "fast", xts, True)
    ref = run(tmp_path / "ref", xts, False)
    assert fast[2] == ref[2], "state roots differ"
    assert fast[1] == ref[1], "events differ"
    assert fast[0] == ref[0], "block hashes differ"


def _scenario_hashes(path, fast):
    from chain.scenario.engine import Simulation

    Runtime.fast_paths = fast
    try:
        sim = Simulation.create(path, "demo", seed=3, registry_key=bytes(32))
        try:
            sim.run_days(30)
            node = sim.node
            return [node.get_block(n).hash for n in range(node.head.number + 1)], node.trie.root
        finally:
            sim.close()
    finally:
        Runtime.fast_paths = True


def test_fee_prelude_speed_path_agrees_on_every_pallets_calls(tmp_path):
    """The fee prelude runs for every signed call: a demo community (loans, remittances, donations,
    savings groups, courses, failed calls among them) builds the same chain with and without it."""
    fast = _scenario_hashes(tmp_path / "fast", True)
    ref = _scenario_hashes(tmp_path / "ref", False)
    assert fast[1] == ref[1], "state roots differ"
    assert fast[0] == ref[0], "block hashes differ"
