"""The node and its pool: what a transaction must satisfy to enter a block, what a failed call costs,
deterministic replay, and invalid input changing nothing."""
import pytest

from chain.block import Header
from chain.crypto import KeyType, Keypair, dev_keypair
from chain.errors import (
    AncientBirthBlock, BadProof, DuplicateTransaction, MalformedTransaction, Payment, StaleTransaction,
    UnknownCall,
)
from chain.extrinsic import encode_signed, sign_extrinsic
from chain.node import Node
from chain.runtime import SPEC_VERSION, TX_VERSION
from chain.types import UNIT, mortal_era

ALICE, BOB = dev_keypair("Alice"), dev_keypair("Bob")
ED_KEY = Keypair.from_seed(bytes(range(32)), KeyType.ED25519)


@pytest.fixture
def node(tmp_path):
    from chain.node import dev_genesis_config

    cfg = dev_genesis_config(extra_balances=[(ED_KEY.public, 1_000 * UNIT)])
    n = Node(tmp_path / "chain", cfg, seal="manual")
    yield n
    n.close()


def transfer(node, signer=ALICE, nonce=None, value=UNIT, dest=BOB.public, **kw):
    rt = node.rt
    call = rt.encode_call(rt.make_call("Balances", "transfer_keep_alive", dest=("Id", dest), value=value))
    n = node.next_nonce(signer.public) if nonce is None else nonce
    kw.setdefault("genesis_hash", node.genesis_hash)
    kw.setdefault("spec_version", SPEC_VERSION)
    kw.setdefault("tx_version", TX_VERSION)
    return sign_extrinsic(signer, call, n, **kw)


def state_fingerprint(node):
    return node.head.hash, node.trie.root, node.pool.status()


def test_transfer_with_sr25519_and_ed25519_enters_a_block(node):
    node.submit(transfer(node))
    node.submit(transfer(node, signer=ED_KEY))
    head = node.produce_block()
    assert head.number == 1
    events = [(e["pallet"], e["event"]) for e in node.events(1)]
    assert events.count(("System", "ExtrinsicSuccess")) == 3  # timestamp + 2 transfers
    assert node.account(BOB.public)["data"]["free"] == 1_000_002 * UNIT


@pytest.mark.parametrize("mutate,error", [
    (lambda node, xt: xt[:-1], MalformedTransaction),
    (lambda node, xt: xt[:40] + bytes([xt[40] ^ 1]) + xt[41:], BadProof),
    (lambda node, xt: b"\x00", MalformedTransaction),
    (lambda node, xt: b"", MalformedTransaction),
])
def test_bad_bytes_are_refused_and_change_nothing(node, mutate, error):
    before = state_fingerprint(node)
    with pytest.raises(error):
        node.submit(mutate(node, transfer(node)))
    assert state_fingerprint(node) == before


def test_wrong_genesis_and_spec_version_are_refused(node):
    with pytest.raises(BadProof, match="another chain or runtime version"):
        node.submit(transfer(node, genesis_hash=bytes(32)))
    with pytest.raises(BadProof):
        node.submit(transfer(node, spec_version=SPEC_VERSION + 1))
    with pytest.raises(BadProof):
        node.submit(transfer(node, tx_version=TX_VERSION + 1))
    assert node.pool.status().ready == 0


def test_unknown_pallet_and_call_are_refused(node):
    for call in (b"\xee\x00", b"\x02\x63"):
        xt = sign_extrinsic(ALICE, call, 0, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION, tx_version=TX_VERSION)
        with pytest.raises(UnknownCall):
            node.submit(xt)


def test_stale_duplicate_and_future_nonces(node):
    node.submit(transfer(node, nonce=0))
    with pytest.raises(DuplicateTransaction):
        node.submit(transfer(node, nonce=0))
    future = transfer(node, nonce=2)
    node.submit(future)
    assert node.pool.status().future == 1
    node.produce_block()
    assert node.account(ALICE.public)["nonce"] == 1  # nonce 2 waits for nonce 1
    node.submit(transfer(node, nonce=1))
    node.produce_block()
    assert node.account(ALICE.public)["nonce"] == 3
    with pytest.raises(StaleTransaction):
        node.submit(transfer(node, nonce=0))


def test_balance_too_low_for_fee_is_refused(node):
    poor = Keypair.from_seed(b"\x07" * 32)
    xt = transfer(node, signer=poor, value=1)
    with pytest.raises(Payment):
        node.submit(xt)


def test_failed_call_pays_fee_and_emits_module_error(node):
    before = node.account(ALICE.public)["data"]["free"]
    node.submit(transfer(node, value=10**30))
    node.produce_block()
    evs = node.events(1)
    failed = [e for e in evs if e["event"] == "ExtrinsicFailed"]
    assert len(failed) == 1
    assert failed[0]["fields"]["dispatch_error"] == ("Module", {"index": 2, "error": bytes([2, 0, 0, 0])})
    fee = [e for e in evs if e["event"] == "TransactionFeePaid"][0]["fields"]["actual_fee"]
    assert fee > 0
    assert node.account(ALICE.public)["data"]["free"] == before - fee
    assert node.account(ALICE.public)["nonce"] == 1


def test_mortal_era(node):
    node.produce_block()
    node.produce_block()
    era = mortal_era(node.head.number, 64)
    xt = transfer(node, era=era, birth_hash=node.head.hash)
    node.submit(xt)
    node.produce_block()
    assert node.account(ALICE.public)["nonce"] == 1
    # an era whose birth block hash is wrong fails the signature
    with pytest.raises(BadProof):
        node.submit(transfer(node, era=mortal_era(node.head.number, 64), birth_hash=bytes(32)))
    # an expired era is refused: the era now points at a later birth block, whose hash was not signed
    old = mortal_era(1, 4)
    for _ in range(6):
        node.produce_block()
    with pytest.raises((AncientBirthBlock, BadProof)):
        node.submit(transfer(node, era=old, birth_hash=node.block_hash(1)))


def test_overflowing_amount_is_refused_at_encoding(node):
    from chain.errors import CodecError

    with pytest.raises(CodecError):
        transfer(node, value=2**128)
    # a raw extrinsic whose compact value overflows u128 does not decode
    rt = node.rt
    call = bytes([2, 3, 0]) + BOB.public + bytes([0xFF]) + b"\xff" * 67
    xt = sign_extrinsic(ALICE, call, 0, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION, tx_version=TX_VERSION)
    with pytest.raises(MalformedTransaction):
        node.submit(xt)
    assert rt is node.rt


def test_deterministic_replay(tmp_path):
    """Same genesis and extrinsics give the same block hashes (sr25519 signing is randomized, so the
    extrinsics are signed once and the same bytes are replayed)."""
    signed = []

    def run(path):
        with Node(path, seal="manual") as n:
            if not signed:
                signed.extend(transfer(n, nonce=i, value=(i + 1) * UNIT) for i in range(5))
            for xt in signed:
                n.submit(xt)
            n.produce_block()
            n.produce_block()
            return [n.block_hash(i) for i in range(3)]

    assert run(tmp_path / "a") == run(tmp_path / "b")


def test_restart_resumes_at_head(tmp_path):
    with Node(tmp_path, seal="manual") as n:
        n.submit(transfer(n))
        n.produce_block()
        head = n.head
    with Node(tmp_path, seal="manual") as n:
        assert n.head == head
        assert n.next_nonce(ALICE.public) == 1
        n.submit(transfer(n))
        assert n.produce_block().number == 2


def test_header_round_trip(node):
    h = node.produce_block()
    assert Header.decode(h.encode()) == h
    assert node.block_hash(1) == h.hash


def test_a_pallet_bug_fails_the_call_but_not_the_chain(node, capsys):
    from chain.pallets.system import System

    def broken(self, origin, remark):
        raise KeyError("oops")

    cdef = System.call_def("remark")
    object.__setattr__(cdef, "method", broken)
    try:
        rt = node.rt
        call = rt.encode_call(rt.make_call("System", "remark", remark=b"x"))
        node.submit(sign_extrinsic(ALICE, call, 0, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION,
                                   tx_version=TX_VERSION))
        node.produce_block()
        node.produce_block()
    finally:
        object.__setattr__(cdef, "method", System.remark)
    assert node.head.number == 2
    failed = [e for e in node.events(1) if e["event"] == "ExtrinsicFailed"]
    assert failed and failed[0]["fields"]["dispatch_error"] == ("Corruption", None)
    assert "System.remark raised KeyError" in capsys.readouterr().err


def test_a_failed_start_releases_the_data_directory(tmp_path, monkeypatch):
    import chain.node as node_mod

    def broken(*a, **k):
        raise RuntimeError("pallet import failed")

    monkeypatch.setattr(node_mod, "Runtime", broken)
    with pytest.raises(RuntimeError):
        Node(tmp_path)
    monkeypatch.undo()
    with Node(tmp_path) as n:  # the lock was released: the same process can open it again
        assert n.head.number == 0


def test_every_stored_block_keeps_its_events_even_when_equal_to_its_parents(tmp_path):
    """Two empty blocks in a row have byte-identical events (the timestamp inherent's); the second
    one's state change is a no-op, but its stored events part must still hold them."""
    with Node(tmp_path, seal="manual") as node:
        node.produce_block()
        node.produce_block()
        first, second = node.store.get_block(1), node.store.get_block(2)
        assert first.events and second.events == first.events
        assert node.rt.decode_events(second.events)[0]["event"] == "ExtrinsicSuccess"


def test_deferred_commit_stores_and_announces_blocks_only_when_it_ends(tmp_path):
    heard = []
    with Node(tmp_path, seal="manual") as node:
        node.listeners.append(lambda kind, data: heard.append(data["header"].number) if kind == "block" else None)
        with node.deferred_commit():
            first = node.produce_blocks(2)
            second = node.produce_blocks(3)
            assert node.head.number == 0 and node.store.head()[0] == 0 and heard == []  # built, not yet durable
            assert [h.number for h in first + second] == [1, 2, 3, 4, 5]
            assert second[0].parent_hash == first[-1].hash  # built on one another
        assert node.head.number == 5 and node.store.head() == (5, second[-1].hash)
        assert heard == [1, 2, 3, 4, 5]
        node.produce_block()  # and production goes on normally after it
        assert node.head.number == 6
    from chain.node import verify_chain

    assert verify_chain(tmp_path) == 6  # re-executed from genesis: every hash and root checks


def test_a_failed_calls_error_is_kept_without_its_traceback(tmp_path):
    """The outcome keeps the DispatchError, not its traceback: that would hold every frame of the caller's
    stack (a scenario day's actions) in a reference cycle, which a bulk run freezes instead of freeing."""
    from chain.client import EmbeddedClient
    from chain.extrinsic import decode_extrinsic

    with Node(tmp_path / "c", seal="manual") as node:
        client = EmbeddedClient.from_node(node)
        raw = client.sign(dev_keypair("Alice"), "Balances", "transfer_keep_alive",
                          {"dest": ("Id", dev_keypair("Bob").public), "value": 10**30})
        with node.lock:
            node.rt.prepare_for_validation(node.head.number, node.head.hash)
            outcome = node.rt.apply_extrinsic(decode_extrinsic(raw))
        assert not outcome.success and outcome.error is not None
        assert outcome.error.__traceback__ is None and outcome.error.__context__ is None
