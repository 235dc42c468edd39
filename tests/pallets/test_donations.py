"""Donations: campaigns, lots, FIFO and pro-rata allocation, overhead cap, milestones, vouchers, refunds."""
from __future__ import annotations

from typing import Any

import pytest

import chain.pallets.donations as donations_mod
from chain.pallets.donations import (
    OPERATIONS, VOUCHER_POOL, campaign_account, lot_balanced, split_fifo, split_pro_rata,
)
from chain.testing import TestChain, account

KES = 1
FOOD, WATER, EDUCATION, HEALTH = 0, 1, 2, 3
INFO = b"\x42" * 32


@pytest.fixture
def t() -> TestChain:
    t = TestChain()
    for donor in ("Bob", "Charlie", "Dave"):
        t.mint_asset(donor, KES, 1_000_000)
    t.dispatch("root", "Assets", "force_license_agent", agent=("Id", account("Agent")), country="KE")
    t.dispatch("root", "Donations", "register_merchant", merchant=("Id", account("Ferdie")))
    t.drain_events()
    return t


def create(t: TestChain, **over: Any) -> int:
    args: dict[str, Any] = dict(asset=KES, goal=100_000, deadline=100, categories=[FOOD, WATER], rule=("Fifo", None),
                                overhead_cap_bps=1_000, validator=None, milestones=[], info_hash=INFO)
    args.update(over)
    d = t.rt.pallet("Donations")
    cid = d.NextCampaignId.get()
    t.dispatch("Alice", "Donations", "create_campaign", **args)
    return cid


def lot(t: TestChain, did: int) -> dict[str, Any]:
    return t.rt.pallet("Donations").donation(did)


def check_books(t: TestChain) -> None:
    """Every lot balances; escrows hold exactly the open remainders; the pool holds the vouchers."""
    d, assets = t.rt.pallet("Donations"), t.rt.pallet("Assets")
    remaining: dict[int, int] = {}
    for (did,), lt in d.Donations.iter():
        assert lot_balanced(lt), lt
        remaining[lt["campaign"]] = remaining.get(lt["campaign"], 0) + lt["remaining"]
    for (cid,), c in d.Campaigns.iter():
        assert assets.balance(c["asset"], campaign_account(cid)) == remaining.get(cid, 0)
        assert c["raised"] == c["disbursed"] + c["refunded"] + remaining.get(cid, 0)
    pooled = sum(p["amount"] for _, ps in d.VoucherLots.iter() for p in ps)
    pooled += sum(p["amount"] for _, ps in d.MerchantLots.iter() for p in ps)
    assert assets.balance(KES, VOUCHER_POOL) == pooled
    t.check_assets()


def test_split_helpers_are_exact() -> None:
    assert split_fifo(70, [(1, 30), (2, 50), (3, 20)]) == [(1, 30), (2, 40)]
    assert split_pro_rata(10, [(1, 10), (2, 10), (3, 10)]) == [(1, 4), (2, 3), (3, 3)]
    assert split_pro_rata(100, [(1, 300), (2, 100)]) == [(1, 75), (2, 25)]
    assert split_pro_rata(400, [(1, 300), (2, 100)]) == [(1, 300), (2, 100)]
    assert split_pro_rata(1, [(1, 5), (2, 7)]) == [(2, 1)]
    with pytest.raises(ValueError):
        split_fifo(11, [(1, 10)])


def test_donations_are_lots_with_receipt_numbers(t: TestChain) -> None:
    cid = create(t)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=30_000)
    t.dispatch("Charlie", "Donations", "donate", campaign=cid, amount=50_000)
    evs = [e for e in t.drain_events() if e[0] == "Donations"]
    assert evs[0][1] == "CampaignCreated"
    assert evs[1] == ("Donations", "Donated", {"donation_id": 0, "campaign": cid, "donor": account("Bob"), "amount": 30_000})
    assert evs[2][2]["donation_id"] == 1
    assert t.asset_balance(campaign_account(cid), KES) == 80_000
    assert lot(t, 1)["remaining"] == 50_000 and t.rt.pallet("Donations").OpenLots.get(cid) == [0, 1]
    check_books(t)


def test_fifo_disbursement_names_each_donation(t: TestChain) -> None:
    cid = create(t)
    for donor, amount in (("Bob", 30_000), ("Charlie", 50_000), ("Dave", 20_000)):
        t.dispatch(donor, "Donations", "donate", campaign=cid, amount=amount)
    t.drain_events()
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=70_000, purpose=FOOD, voucher=False)
    allocated = [e[2] for e in t.drain_events() if e[1] == "Allocated"]
    assert [(a["donation_id"], a["amount"], a["disbursement_id"], a["purpose"]) for a in allocated] == [
        (0, 30_000, 0, FOOD), (1, 40_000, 0, FOOD)]
    assert t.asset_balance("Eve", KES) == 70_000
    assert (lot(t, 0)["remaining"], lot(t, 1)["remaining"], lot(t, 2)["remaining"]) == (0, 10_000, 20_000)
    assert t.rt.pallet("Donations").OpenLots.get(cid) == [1, 2]
    check_books(t)


def test_pro_rata_disbursement_draws_on_every_donation(t: TestChain) -> None:
    cid = create(t, rule=("ProRata", None))
    for donor, amount in (("Bob", 30_000), ("Charlie", 50_000), ("Dave", 20_000)):
        t.dispatch(donor, "Donations", "donate", campaign=cid, amount=amount)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=10_001, purpose=WATER, voucher=False)
    allocated = [(e[2]["donation_id"], e[2]["amount"]) for e in t.drain_events() if e[1] == "Allocated"]
    assert allocated == [(0, 3_000), (1, 5_001), (2, 2_000)]
    check_books(t)


def test_overhead_cap_is_enforced_on_chain(t: TestChain) -> None:
    cid = create(t, overhead_cap_bps=1_000)  # 10% of the raised total
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=50_000)
    t.assert_noop("OverheadCapExceeded", "Alice", "Donations", "disburse", campaign=cid, to=account("Alice"),
                  amount=5_001, purpose=OPERATIONS, voucher=False)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Alice"), amount=5_000, purpose=OPERATIONS, voucher=False)
    t.assert_noop("OverheadCapExceeded", "Alice", "Donations", "disburse", campaign=cid, to=account("Eve"),
                  amount=1, purpose=OPERATIONS, voucher=False)
    t.dispatch("Charlie", "Donations", "donate", campaign=cid, amount=10_000)  # raised 60,000: cap 6,000
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Alice"), amount=1_000, purpose=OPERATIONS, voucher=False)
    assert t.rt.pallet("Donations").campaign(cid)["overhead"] == 6_000
    t.assert_noop("SelfPaymentNotOperations", "Alice", "Donations", "disburse", campaign=cid, to=account("Alice"),
                  amount=1, purpose=FOOD, voucher=False)
    check_books(t)


def test_milestones_release_tranches_only_after_the_validator_attests(t: TestChain) -> None:
    val = account("Validator")
    cid = create(t, validator=val, milestones=[40_000, 60_000])
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=100_000)
    t.assert_noop("MilestoneNotAttested", "Alice", "Donations", "disburse", campaign=cid, to=account("Eve"),
                  amount=1, purpose=FOOD, voucher=False)
    t.assert_noop("NotValidator", "Alice", "Donations", "attest_milestone", campaign=cid, milestone=0)
    t.assert_noop("MilestoneOutOfOrder", val, "Donations", "attest_milestone", campaign=cid, milestone=1)
    t.assert_noop("UnknownMilestone", val, "Donations", "attest_milestone", campaign=cid, milestone=2)
    t.dispatch(val, "Donations", "attest_milestone", campaign=cid, milestone=0)
    assert t.last_event("Donations") == ("Donations", "MilestoneAttested",
                                         {"campaign": cid, "milestone": 0, "validator": val, "amount": 40_000})
    t.assert_noop("MilestoneAlreadyAttested", val, "Donations", "attest_milestone", campaign=cid, milestone=0)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=40_000, purpose=FOOD, voucher=False)
    t.assert_noop("MilestoneNotAttested", "Alice", "Donations", "disburse", campaign=cid, to=account("Eve"),
                  amount=1, purpose=FOOD, voucher=False)
    t.dispatch(val, "Donations", "attest_milestone", campaign=cid, milestone=1)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=60_000, purpose=FOOD, voucher=False)
    check_books(t)


def test_missed_goal_at_deadline_refunds_every_donor_its_unspent_remainder(t: TestChain) -> None:
    cid = create(t, goal=100_000, deadline=5)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=30_000)
    t.dispatch("Charlie", "Donations", "donate", campaign=cid, amount=20_000)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=40_000, purpose=FOOD, voucher=False)
    t.next_block(4)
    evs = [e for e in t.drain_events() if e[0] == "Donations"]
    assert ("Donations", "Refunded", {"donation_id": 1, "campaign": cid, "donor": account("Charlie"), "amount": 10_000}) in evs
    assert evs[-1] == ("Donations", "CampaignFailed", {"campaign": cid, "raised": 50_000, "goal": 100_000})
    assert t.asset_balance("Charlie", KES) == 990_000 and t.asset_balance("Bob", KES) == 970_000
    assert t.rt.pallet("Donations").campaign(cid)["status"][0] == "Failed"
    assert lot(t, 1) | {} == {**lot(t, 1), "allocated": 10_000, "remaining": 0, "refunded": 10_000}
    t.assert_noop("CampaignNotOpen", "Bob", "Donations", "donate", campaign=cid, amount=1)
    t.assert_noop("CampaignEnded", "Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=1,
                  purpose=FOOD, voucher=False)
    check_books(t)


def test_met_goal_funds_then_close_refunds_the_rest(t: TestChain) -> None:
    cid = create(t, goal=50_000, deadline=3)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=60_000)
    t.assert_noop("NotFunded", "Alice", "Donations", "close_campaign", campaign=cid)
    t.next_block(2)
    assert t.last_event("Donations") == ("Donations", "CampaignFunded", {"campaign": cid, "raised": 60_000})
    t.assert_noop("CampaignNotOpen", "Charlie", "Donations", "donate", campaign=cid, amount=1)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=45_000, purpose=FOOD, voucher=False)
    t.assert_noop("NotCampaignOwner", "Bob", "Donations", "close_campaign", campaign=cid)
    t.dispatch("Alice", "Donations", "close_campaign", campaign=cid)
    assert lot(t, 0)["refunded"] == 15_000 and t.asset_balance("Bob", KES) == 955_000
    assert t.rt.pallet("Donations").campaign(cid)["status"][0] == "Closed"
    check_books(t)


def test_cancel_by_ngo_or_root(t: TestChain) -> None:
    a, b = create(t), create(t)
    t.dispatch("Bob", "Donations", "donate", campaign=a, amount=10_000)
    t.dispatch("Bob", "Donations", "donate", campaign=b, amount=20_000)
    t.assert_noop("NotCampaignOwner", "Bob", "Donations", "cancel_campaign", campaign=a)
    t.dispatch("Alice", "Donations", "cancel_campaign", campaign=a)
    t.dispatch("root", "Donations", "cancel_campaign", campaign=b)
    assert t.asset_balance("Bob", KES) == 1_000_000
    t.assert_noop("CampaignEnded", "Alice", "Donations", "cancel_campaign", campaign=a)
    t.next_block(120)  # the deadline hook leaves cancelled campaigns alone
    assert t.rt.pallet("Donations").campaign(a)["status"][0] == "Cancelled"
    check_books(t)


def test_vouchers_are_traced_to_the_merchant_and_its_redemption(t: TestChain) -> None:
    cid = create(t)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=30_000)
    t.dispatch("Charlie", "Donations", "donate", campaign=cid, amount=30_000)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=40_000, purpose=FOOD, voucher=True)
    assert t.asset_balance("Eve", KES) == 0 and t.rt.pallet("Donations").voucher_balance(account("Eve"), KES) == 40_000
    t.drain_events()
    t.dispatch("Eve", "Donations", "spend_voucher", asset=KES, merchant=account("Ferdie"), amount=35_000)
    spent = [(e[2]["donation_id"], e[2]["amount"]) for e in t.drain_events() if e[1] == "VoucherSpent"]
    assert spent == [(0, 30_000), (1, 5_000)]
    t.dispatch("Ferdie", "Donations", "redeem", asset=KES, amount=20_000, agent=None)
    t.dispatch("Ferdie", "Donations", "redeem", asset=KES, amount=15_000, agent=account("Agent"))
    evs = t.drain_events()
    redeemed = [(e[2]["donation_id"], e[2]["amount"], e[2]["agent"]) for e in evs if e[1] == "Redeemed"]
    assert redeemed == [(0, 20_000, None), (0, 10_000, account("Agent")), (1, 5_000, account("Agent"))]
    assert ("Assets", "CashedOut", {"asset": KES, "agent": account("Agent"), "who": account("Ferdie"), "amount": 15_000}) in evs
    assert t.asset_balance("Ferdie", KES) == 20_000
    assert (lot(t, 0)["voucher"], lot(t, 0)["voucher_spent"], lot(t, 0)["redeemed"]) == (30_000, 30_000, 30_000)
    assert (lot(t, 1)["voucher"], lot(t, 1)["voucher_spent"], lot(t, 1)["redeemed"]) == (10_000, 5_000, 5_000)
    check_books(t)


def test_merchant_registry_and_voucher_errors(t: TestChain) -> None:
    cid = create(t)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=30_000)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=10_000, purpose=FOOD, voucher=True)
    t.assert_noop("BadOrigin", "Alice", "Donations", "register_merchant", merchant=("Id", account("Dave")))
    t.assert_noop("AlreadyMerchant", "root", "Donations", "register_merchant", merchant=("Id", account("Ferdie")))
    t.assert_noop("NotMerchant", "root", "Donations", "deregister_merchant", merchant=("Id", account("Dave")))
    t.assert_noop("NotMerchant", "Eve", "Donations", "spend_voucher", asset=KES, merchant=account("Dave"), amount=1)
    t.assert_noop("InsufficientVoucher", "Eve", "Donations", "spend_voucher", asset=KES, merchant=account("Ferdie"), amount=10_001)
    t.assert_noop("ZeroAmount", "Eve", "Donations", "spend_voucher", asset=KES, merchant=account("Ferdie"), amount=0)
    t.dispatch("Eve", "Donations", "spend_voucher", asset=KES, merchant=account("Ferdie"), amount=10_000)
    t.assert_noop("InsufficientRedeemable", "Ferdie", "Donations", "redeem", asset=KES, amount=10_001, agent=None)
    t.assert_noop("ZeroAmount", "Ferdie", "Donations", "redeem", asset=KES, amount=0, agent=None)
    t.assert_noop("NotAgent", "Ferdie", "Donations", "redeem", asset=KES, amount=1, agent=account("Dave"))
    t.dispatch("root", "Donations", "deregister_merchant", merchant=("Id", account("Ferdie")))
    t.dispatch("Ferdie", "Donations", "redeem", asset=KES, amount=10_000, agent=None)  # still redeems what it holds
    check_books(t)


def test_bounded_lists(t: TestChain, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(donations_mod, "MAX_OPEN_LOTS", 2)
    monkeypatch.setattr(donations_mod, "MAX_VOUCHER_PIECES", 1)
    cid = create(t)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=10)
    t.dispatch("Charlie", "Donations", "donate", campaign=cid, amount=10)
    t.assert_noop("TooManyDonations", "Dave", "Donations", "donate", campaign=cid, amount=10)
    t.assert_noop("TooManyVoucherPieces", "Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=15,
                  purpose=FOOD, voucher=True)
    t.dispatch("Alice", "Donations", "disburse", campaign=cid, to=account("Eve"), amount=10, purpose=FOOD, voucher=True)
    t.dispatch("Dave", "Donations", "donate", campaign=cid, amount=10)  # a lot closed: room again


def test_create_errors_leave_storage_unchanged(t: TestChain) -> None:
    base: dict[str, Any] = dict(asset=KES, goal=100_000, deadline=100, categories=[FOOD], rule=("Fifo", None),
                                overhead_cap_bps=1_000, validator=None, milestones=[], info_hash=INFO)

    def bad(error: str, **over: Any) -> None:
        t.assert_noop(error, "Alice", "Donations", "create_campaign", **{**base, **over})

    bad("UnknownAsset", asset=99)
    bad("ZeroGoal", goal=0)
    bad("BadDeadline", deadline=1)
    bad("BadDeadline", deadline=donations_mod.MAX_CAMPAIGN_BLOCKS + 2)
    bad("BadCategories", categories=[])
    bad("BadCategories", categories=[FOOD, FOOD])
    bad("BadCategories", categories=[OPERATIONS])
    bad("BadCategories", categories=[9])
    bad("BadOverheadCap", overhead_cap_bps=10_001)
    bad("TooManyMilestones", milestones=[1] * 17, validator=account("Validator"))
    bad("TooManyMilestones", milestones=[5, 0], validator=account("Validator"))
    bad("ValidatorRequired", milestones=[5])
    bad("ValidatorNotIndependent", validator=account("Alice"))


def test_donate_and_disburse_errors_leave_storage_unchanged(t: TestChain) -> None:
    cid = create(t, categories=[FOOD])
    t.assert_noop("UnknownCampaign", "Bob", "Donations", "donate", campaign=9, amount=1)
    t.assert_noop("ZeroAmount", "Bob", "Donations", "donate", campaign=cid, amount=0)
    t.assert_noop("InsufficientBalance", "Bob", "Donations", "donate", campaign=cid, amount=1_000_001)
    t.dispatch("Bob", "Donations", "donate", campaign=cid, amount=10_000)

    def bad(error: str, who: str = "Alice", **over: Any) -> None:
        args: dict[str, Any] = dict(campaign=cid, to=account("Eve"), amount=1_000, purpose=FOOD, voucher=False)
        t.assert_noop(error, who, "Donations", "disburse", **{**args, **over})

    bad("UnknownCampaign", campaign=9)
    bad("NotCampaignOwner", who="Bob")
    bad("ZeroAmount", amount=0)
    bad("UnknownPurpose", purpose=7)
    bad("PurposeNotInCampaign", purpose=WATER)
    bad("VoucherNotAllowed", purpose=OPERATIONS, voucher=True)
    bad("InsufficientFunds", amount=10_001)
    t.assert_noop("UnknownCampaign", "Alice", "Donations", "attest_milestone", campaign=9, milestone=0)
    t.assert_noop("UnknownCampaign", "Alice", "Donations", "cancel_campaign", campaign=9)
    t.assert_noop("UnknownCampaign", "Alice", "Donations", "close_campaign", campaign=9)
    check_books(t)
