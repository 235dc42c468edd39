"""FRAME-style tests of the core pallets: each error path asserts the named error AND unchanged storage,
events are drained and compared, and total issuance equals the sum of balances after every test."""
import pytest

from chain.hashing import blake2_256, storage_prefix
from chain.pallets.balances import EXISTENTIAL_DEPOSIT as ED
from chain.testing import TestChain, account
from chain.types import UNIT


@pytest.fixture
def c():
    chain = TestChain()
    yield chain
    chain.check_issuance()


def bob():
    return ("Id", account("Bob"))


def test_system_account_key_is_substrates(c):
    # The well-known System.Account key of //Alice, as every Substrate chain computes it.
    key = c.rt.system.Account.key(account("Alice"))
    assert key.hex() == (
        "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        "de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    )
    assert storage_prefix("System", "Events").hex() == "26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"


def test_transfer_moves_funds_and_emits(c):
    before = c.free("Bob")
    c.dispatch("Alice", "Balances", "transfer_allow_death", dest=bob(), value=5 * UNIT)
    assert c.free("Bob") == before + 5 * UNIT
    assert c.drain_events() == [("Balances", "Transfer", {"from": account("Alice"), "to": account("Bob"), "amount": 5 * UNIT})]


def test_transfer_creates_account_with_events(c):
    new = account("Zed")
    c.dispatch("Alice", "Balances", "transfer_keep_alive", dest=("Id", new), value=ED)
    assert c.drain_events() == [
        ("System", "NewAccount", {"account": new}),
        ("Balances", "Endowed", {"account": new, "free_balance": ED}),
        ("Balances", "Transfer", {"from": account("Alice"), "to": new, "amount": ED}),
    ]


def test_insufficient_balance_is_noop(c):
    c.assert_noop("InsufficientBalance", "Bob", "Balances", "transfer_allow_death", dest=("Id", account("Eve")),
                  value=c.free("Bob") + 1)


def test_existential_deposit_is_noop(c):
    c.assert_noop("ExistentialDeposit", "Alice", "Balances", "transfer_allow_death", dest=("Id", account("Nobody")),
                  value=ED - 1)


def test_keep_alive_refuses_to_kill(c):
    c.assert_noop("Expendability", "Bob", "Balances", "transfer_keep_alive", dest=("Id", account("Eve")),
                  value=c.free("Bob") - ED + 1)


def test_allow_death_reaps_and_burns_dust(c):
    c.dispatch("Alice", "Balances", "transfer_keep_alive", dest=("Id", account("Zed")), value=ED + 10)
    c.drain_events()
    issuance = c.rt.balances.TotalIssuance.get()
    c.dispatch("Zed", "Balances", "transfer_allow_death", dest=bob(), value=ED)
    assert c.drain_events()[-3:] == [
        ("Balances", "DustLost", {"account": account("Zed"), "amount": 10}),
        ("System", "KilledAccount", {"account": account("Zed")}),
        ("Balances", "Transfer", {"from": account("Zed"), "to": account("Bob"), "amount": ED}),
    ]
    assert not c.rt.system.Account.contains(account("Zed"))
    assert c.rt.balances.TotalIssuance.get() == issuance - 10


def test_force_set_balance_needs_root_and_moves_issuance(c):
    c.assert_noop("BadOrigin", "Bob", "Balances", "force_set_balance", who=bob(), new_free=1)
    issuance = c.rt.balances.TotalIssuance.get()
    c.dispatch("root", "Balances", "force_set_balance", who=bob(), new_free=7 * UNIT)
    assert c.free("Bob") == 7 * UNIT
    assert c.rt.balances.TotalIssuance.get() == issuance - 1_000_000 * UNIT + 7 * UNIT


def test_transfer_all_keep_alive(c):
    c.dispatch("Bob", "Balances", "transfer_all", dest=("Id", account("Eve")), keep_alive=True)
    assert c.free("Bob") == ED


def test_remark_with_event(c):
    c.dispatch("Alice", "System", "remark_with_event", remark=b"hello")
    assert c.drain_events() == [("System", "Remarked", {"sender": account("Alice"), "hash": blake2_256(b"hello")})]


def test_sudo_dispatches_as_root_and_guards_key(c):
    inner = c.rt.make_call("Balances", "force_set_balance", who=bob(), new_free=3 * UNIT)
    c.assert_noop("RequireSudo", "Bob", "Sudo", "sudo", call=inner)
    c.dispatch("Alice", "Sudo", "sudo", call=inner)
    assert c.free("Bob") == 3 * UNIT
    assert c.last_event("Sudo") == ("Sudo", "Sudid", {"sudo_result": ("Ok", ())})


def test_sudo_reports_inner_failure(c):
    inner = c.rt.make_call("Balances", "force_transfer", source=bob(), dest=("Id", account("Eve")), value=10**30)
    c.dispatch("Alice", "Sudo", "sudo", call=inner)
    name, result = c.last_event("Sudo")[1:]
    assert result["sudo_result"] == ("Err", ("Module", {"index": 2, "error": bytes([2, 0, 0, 0])}))


def test_batch_stops_at_first_failure_and_batch_all_rolls_back(c):
    ok = c.rt.make_call("Balances", "transfer_keep_alive", dest=bob(), value=UNIT)
    bad = c.rt.make_call("Balances", "transfer_keep_alive", dest=bob(), value=10**30)
    start = c.free("Bob")
    c.dispatch("Alice", "Utility", "batch", calls=[ok, bad, ok])
    assert c.free("Bob") == start + UNIT
    assert c.last_event("Utility")[1] == "BatchInterrupted"
    c.drain_events()
    c.assert_noop("InsufficientBalance", "Alice", "Utility", "batch_all", calls=[ok, bad])
    assert c.free("Bob") == start + UNIT


def test_timestamp_is_an_inherent_set_once(c):
    c.assert_noop("BadOrigin", "Alice", "Timestamp", "set", now=5)
    c.dispatch(c.origin(None).__class__("none"), "Timestamp", "set", now=1000)
    c.assert_noop("AlreadySet", c.origin(None).__class__("none"), "Timestamp", "set", now=2000)


def test_nonce_and_free_reads_the_encoded_account_like_the_decoder(c):
    c.dispatch("Alice", "Balances", "transfer_keep_alive", dest=bob(), value=5 * UNIT)
    for who in ("Alice", "Bob", "Nobody"):
        info = c.rt.system.Account.get(account(who))
        assert c.rt.system.nonce_and_free(account(who)) == (info["nonce"], info["data"]["free"])
