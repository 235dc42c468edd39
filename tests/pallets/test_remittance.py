"""Remittance: conversion at the oracle rate, recorded costs, timeline, aliases, cash-out, expiry refunds."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chain.pallets.remittance import DESK, ISO2_TO_ISO3, alias_hash, escrow_account, normalize_phone, wb_corridor
from chain.testing import TestChain, account

USD, KES, PHP = 0, 1, 2
WB_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "remittance" / "rpw_filtered_corridor_quarter.csv"
SALT = b"puhui-test-salt"


@pytest.fixture
def t() -> TestChain:
    t = TestChain()
    t.mint_asset("Alice", USD, 1_000 * 10**6)
    t.mint_asset("Ferdie", KES, 10_000_000)  # 100,000.00 KES of float
    t.dispatch("Ferdie", "Remittance", "fund_desk", asset=KES, amount=10_000_000)
    t.dispatch("root", "Assets", "force_license_agent", agent=("Id", account("Dave")), country="KE")
    t.dispatch("root", "Assets", "force_license_agent", agent=("Id", account("Eve")), country="PH")
    t.dispatch("Alice", "Oracle", "post_rate", asset=KES, rate=129_200_000)
    t.drain_events()
    return t


def send(t: TestChain, recipient: tuple | None = None, amount: int = 200 * 10**6, who: str = "Alice") -> None:
    t.dispatch(who, "Remittance", "send_remittance", recipient=recipient or ("Account", account("Charlie")),
               send_asset=USD, amount=amount, receive_asset=KES, source_country="US", destination_country="KE")


def supplies(t: TestChain) -> dict[int, int]:
    return {k[0]: v["supply"] for k, v in t.rt.pallet("Assets").Asset.iter()}


def test_send_converts_at_oracle_rate_and_records_the_full_cost(t: TestChain) -> None:
    before = supplies(t)
    send(t)
    r = t.rt.pallet("Remittance").remittance(0)
    received = 200 * 129_200_000 * 100 * 9_950 // (10**6 * 10_000)  # 200 USD at 129.2 less 0.5%, in KES cents
    assert r["receive_amount"] == received == 2_571_080
    assert (r["fee"], r["fx_margin_bps"], r["total_cost_bps"]) == (2 * 10**6, 50, 150)
    assert (r["mid_rate"], r["rate"]) == (129_200_000, 128_554_000)
    assert (r["source_country"], r["destination_country"], r["status"][0], r["sent_at"]) == ("US", "KE", "Sent", 1)
    assert r["expires_at"] == 1 + 30 * t.rt.blocks_per_day
    assert t.asset_balance("Alice", USD) == 1_000 * 10**6 - 202 * 10**6
    assert t.asset_balance(DESK, USD) == 202 * 10**6
    assert t.asset_balance(escrow_account(0), KES) == received
    ev = t.last_event("Remittance")
    assert ev[1] == "RemittanceSent" and ev[2]["total_cost_bps"] == 150 and ev[2]["receive_amount"] == received
    assert supplies(t) == before  # moving money creates none
    t.check_assets()


def test_timeline_sent_available_cashed_out_through_a_destination_agent(t: TestChain) -> None:
    send(t)
    t.assert_noop("NotAvailable", "Charlie", "Remittance", "claim", id=0)  # not settled yet
    t.next_block()
    assert t.drain_events()[-1][1] == "RemittanceAvailable"
    r = t.rt.pallet("Remittance").remittance(0)
    assert r["status"][0] == "Available" and r["available_at"] == 2
    t.assert_noop("AgentNotInDestination", "Charlie", "Remittance", "cash_out", id=0, agent=("Id", account("Eve")))
    t.assert_noop("NotAgent", "Charlie", "Remittance", "cash_out", id=0, agent=("Id", account("Bob")))
    t.assert_noop("NotRecipient", "Bob", "Remittance", "cash_out", id=0, agent=("Id", account("Dave")))
    supply = supplies(t)[KES]
    t.dispatch("Charlie", "Remittance", "cash_out", id=0, agent=("Id", account("Dave")))
    names = [e[1] for e in t.drain_events()]
    assert "CashedOut" in names and "RemittanceCashedOut" in names
    assert supplies(t)[KES] == supply - 2_571_080  # the tokens were burned for cash
    assert t.asset_balance("Charlie", KES) == 0 and t.asset_balance(escrow_account(0), KES) == 0
    r = t.rt.pallet("Remittance").remittance(0)
    assert r["status"][0] == "CashedOut" and r["finished_at"] == 2
    t.assert_noop("NotAvailable", "Charlie", "Remittance", "claim", id=0)
    t.check_assets()
    if t.rt.has_pallet("Credit"):  # a received remittance is a credit-score feature
        record = t.rt.pallet("Credit").Behaviour.get(account("Charlie"))
        assert record is not None and record["inflows"] == 1


def test_claim_to_wallet(t: TestChain) -> None:
    send(t)
    t.next_block()
    t.dispatch("Charlie", "Remittance", "claim", id=0)
    assert t.asset_balance("Charlie", KES) == 2_571_080
    assert t.rt.pallet("Remittance").remittance(0)["status"][0] == "Claimed"
    t.check_assets()


def test_alias_recipient_never_puts_the_phone_on_chain(t: TestChain) -> None:
    phone = "+254 712-345 678"
    alias = alias_hash(SALT, phone)
    assert alias == alias_hash(SALT, "+254712345678") and normalize_phone(phone) == "+254712345678"
    send(t, recipient=("Alias", alias))
    t.next_block()
    t.assert_noop("UnknownAlias", "Charlie", "Remittance", "claim", id=0)  # nobody holds the alias yet
    t.dispatch("Charlie", "Remittance", "register_alias", alias=alias)
    t.assert_noop("AliasTaken", "Bob", "Remittance", "register_alias", alias=alias)
    t.assert_noop("NotAliasOwner", "Bob", "Remittance", "remove_alias", alias=alias)
    t.assert_noop("NotRecipient", "Bob", "Remittance", "claim", id=0)
    t.dispatch("Charlie", "Remittance", "claim", id=0)
    assert t.asset_balance("Charlie", KES) == 2_571_080
    everything = b"".join(v or b"" for v in t.rt.state.effective_changes().values())
    assert b"712345678" not in everything and normalize_phone(phone).encode() not in everything
    t.dispatch("Charlie", "Remittance", "remove_alias", alias=alias)
    assert not t.rt.pallet("Remittance").Aliases.contains(alias)


def test_expiry_refunds_principal_and_keeps_the_fee(t: TestChain) -> None:
    t.dispatch("root", "Remittance", "force_set_params", fee_bps=100, fx_margin_bps=50, settlement_blocks=1, expiry_blocks=3)
    send(t)
    t.next_block(3)
    r = t.rt.pallet("Remittance").remittance(0)
    assert r["status"][0] == "Refunded" and r["finished_at"] == 4
    refunded = [e for e in t.drain_events() if e[1] == "RemittanceRefunded"]
    assert refunded == [("Remittance", "RemittanceRefunded", {"id": 0, "sender": account("Alice"), "asset": USD,
                                                              "amount": 200 * 10**6, "sent_at": 1})]
    assert t.asset_balance("Alice", USD) == 998 * 10**6  # the fee (2 USDP) is kept
    assert t.asset_balance(escrow_account(0), KES) == 0
    assert not list(t.rt.pallet("Remittance").ExpireAt.iter())  # the index is cleaned up
    t.check_assets()


def test_refund_falls_back_to_the_received_tokens_when_the_desk_cannot_unwind(t: TestChain) -> None:
    t.dispatch("root", "Remittance", "force_set_params", fee_bps=0, fx_margin_bps=0, settlement_blocks=1, expiry_blocks=2)
    send(t)
    t.dispatch("root", "Remittance", "force_desk_withdraw", asset=USD, amount=200 * 10**6, dest=("Id", account("Ferdie")))
    t.next_block(2)
    assert t.asset_balance("Alice", KES) == 2_584_000 and t.asset_balance("Alice", USD) == 800 * 10**6
    assert t.last_event("Remittance")[2]["asset"] == KES
    t.check_assets()


def test_collected_remittance_is_not_refunded_at_expiry(t: TestChain) -> None:
    t.dispatch("root", "Remittance", "force_set_params", fee_bps=100, fx_margin_bps=50, settlement_blocks=1, expiry_blocks=3)
    send(t)
    t.next_block()
    t.dispatch("Charlie", "Remittance", "claim", id=0)
    t.next_block(4)
    assert t.rt.pallet("Remittance").remittance(0)["status"][0] == "Claimed"


def test_stale_rate_is_refused_with_a_clear_error(t: TestChain) -> None:
    t.next_block(t.rt.pallet("Oracle").MaxAge.get() + 1)
    err = t.assert_noop("StaleRate", "Alice", "Remittance", "send_remittance", recipient=("Account", account("Charlie")),
                        send_asset=USD, amount=10**6, receive_asset=KES, source_country="US", destination_country="KE")
    assert err.pallet == "Oracle" and "older than MaxAge" in err.doc  # type: ignore[union-attr]


def test_same_currency_needs_no_rate_and_costs_only_the_fee(t: TestChain) -> None:
    t.mint_asset("Bob", KES, 100_000)
    t.next_block(t.rt.pallet("Oracle").MaxAge.get() + 5)  # rates stale: not needed
    t.dispatch("Bob", "Remittance", "send_remittance", recipient=("Account", account("Charlie")), send_asset=KES,
               amount=50_000, receive_asset=KES, source_country="KE", destination_country="KE")
    r = t.rt.pallet("Remittance").remittance(0)
    assert (r["receive_amount"], r["fee"], r["total_cost_bps"], r["fx_margin_bps"]) == (50_000, 500, 100, 0)
    t.check_assets()


def test_errors_leave_storage_unchanged(t: TestChain) -> None:
    args = dict(recipient=("Account", account("Charlie")), send_asset=USD, amount=200 * 10**6, receive_asset=KES,
                source_country="US", destination_country="KE")

    def bad(error: str, who: str = "Alice", **over) -> None:  # type: ignore[no-untyped-def]
        t.assert_noop(error, who, "Remittance", "send_remittance", **{**args, **over})

    bad("ZeroAmount", amount=0)
    bad("BadCountry", source_country="us")
    bad("BadCountry", destination_country="K")
    bad("CorridorMismatch", destination_country="PH")
    bad("SelfRemittance", recipient=("Account", account("Alice")))
    bad("UnknownAsset", receive_asset=42)
    bad("AmountTooSmall", amount=1)
    bad("InsufficientBalance", amount=999 * 10**6)
    bad("InsufficientBalance", who="Bob")
    bad("InsufficientLiquidity", amount=900 * 10**6)
    t.dispatch("Alice", "Oracle", "post_rate", asset=PHP, rate=56_900_000)
    bad("InsufficientLiquidity", receive_asset=PHP, destination_country="PH")  # the desk holds no PHP
    t.assert_noop("UnknownRemittance", "Charlie", "Remittance", "claim", id=7)
    t.assert_noop("UnknownRemittance", "Charlie", "Remittance", "cash_out", id=7, agent=("Id", account("Dave")))
    t.assert_noop("NotAliasOwner", "Bob", "Remittance", "remove_alias", alias=b"\x01" * 32)
    t.assert_noop("ZeroAmount", "Ferdie", "Remittance", "fund_desk", asset=KES, amount=0)
    t.assert_noop("InsufficientBalance", "Bob", "Remittance", "fund_desk", asset=KES, amount=5)
    t.assert_noop("UnknownAsset", "Bob", "Remittance", "fund_desk", asset=42, amount=5)
    t.assert_noop("BadOrigin", "Alice", "Remittance", "force_desk_withdraw", asset=KES, amount=1, dest=("Id", account("Alice")))
    t.assert_noop("InsufficientLiquidity", "root", "Remittance", "force_desk_withdraw", asset=PHP, amount=1,
                  dest=("Id", account("Alice")))
    t.assert_noop("ZeroAmount", "root", "Remittance", "force_desk_withdraw", asset=KES, amount=0, dest=("Id", account("Alice")))
    t.assert_noop("BadParams", "root", "Remittance", "force_set_params", fee_bps=2_001, fx_margin_bps=0,
                  settlement_blocks=1, expiry_blocks=10)
    t.assert_noop("BadParams", "root", "Remittance", "force_set_params", fee_bps=10, fx_margin_bps=10,
                  settlement_blocks=10, expiry_blocks=10)
    t.assert_noop("BadOrigin", "Alice", "Remittance", "force_set_params", fee_bps=10, fx_margin_bps=10,
                  settlement_blocks=1, expiry_blocks=10)


def test_no_rate_for_a_new_local_asset(t: TestChain) -> None:
    t.dispatch("root", "Assets", "force_create", id=7, symbol="GHSP", name="Ghana cedi token", decimals=2, country="GH",
               is_stable=False)
    t.assert_noop("NoRate", "Alice", "Remittance", "send_remittance", recipient=("Account", account("Charlie")),
                  send_asset=USD, amount=10**6, receive_asset=7, source_country="US", destination_country="GH")


def test_corridor_codes_match_the_world_bank_data() -> None:
    assert wb_corridor("US", "KE") == "USAKEN" and wb_corridor("PH", "ZZ") is None
    if not WB_DATA.exists():
        pytest.skip("World Bank RPW data not present")
    codes = set()
    corridors = set()
    with WB_DATA.open() as f:
        for row in csv.DictReader(f):
            codes |= {row["source_code"], row["destination_code"]}
            corridors.add(row["corridor"])
    assert codes == set(ISO2_TO_ISO3.values())
    for corridor in ("USAKEN", "USAPHL", "USANGA", "USAGTM", "GBRKEN"):
        assert corridor in corridors
