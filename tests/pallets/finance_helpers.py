"""Shared helpers of the finance pallet tests (Lending, Credit, SavingsGroups, InvestmentPool): a chain with
few blocks per day, default product terms, and the invariants every test checks at its end."""
from __future__ import annotations

from typing import Any

from chain.node import dev_genesis_config
from chain.pallets.credit import STAKE_ACCOUNT
from chain.pallets.lending_engine import escrow_account, status_of
from chain.pallets.savings import group_account, member_claims
from chain.testing import TestChain, account

USD = 10**6  # one USDP (asset 0, 6 decimals)
BPD = 2      # blocks per day in these tests


def make_chain(blocks_per_day: int = BPD) -> TestChain:
    return TestChain(dev_genesis_config(blocks_per_day=blocks_per_day))


def terms(**overrides: Any) -> dict[str, Any]:
    """A weekly, four-installment, declining-balance product in USDP, approved automatically."""
    t = dict(asset=0, min_amount=10 * USD, max_amount=1_000 * USD, term=4, interval_days=7,
             interest_kind=("Declining", None), rate_bps=2_400, tiers=[], grace_days=2, late_fee_bps=200,
             default_days=30, min_score=0, min_guarantors=0, newcomer_guarantors=None, guarantee_bps=0,
             auto_approve=True)
    t.update(overrides)
    return t


def acct(name: str) -> bytes:
    return account(name)


def check_lending(c: TestChain) -> None:
    """Every loan: schedule principal == principal; paid parts == the loan's counters; books add up."""
    lending = c.rt.pallet("Lending")
    assets = c.rt.pallet("Assets")
    books: dict[tuple[bytes, int], dict[str, int]] = {}
    for (loan_id,), loan in lending.Loans.iter():
        status = status_of(loan)
        key = (loan["lender"], loan["asset"])
        b = books.setdefault(key, {"outstanding": 0, "defaulted": 0, "active": 0})
        pledged = sum(a for _, a in lending.Pledges.iter(loan_id))
        assert assets.balance(loan["asset"], escrow_account(loan_id)) == pledged
        if loan["disbursed_block"] is None:
            continue
        insts = lending.installments(loan_id)
        assert sum(i["principal"] for i in insts) == loan["principal"]
        assert sum(i["principal_paid"] for i in insts) == loan["principal_repaid"]
        assert sum(i["interest_paid"] for i in insts) == loan["interest_paid"]
        assert sum(i["fee_paid"] for i in insts) == loan["fees_paid"]
        outstanding = loan["principal"] - loan["principal_repaid"]
        assert lending.outstanding_principal(loan_id) == outstanding
        if status == "Active":
            b["outstanding"] += outstanding
            b["active"] += 1
        elif status == "Defaulted":
            b["defaulted"] += outstanding
        elif status == "Repaid":
            assert outstanding == 0
        first_unpaid = next((n for n, i in enumerate(insts) if i["paid_block"] is None), len(insts))
        assert loan["next_unpaid"] == first_unpaid
    for (lender, asset), book in lending.Books.iter():
        b = books.get((lender, asset), {"outstanding": 0, "defaulted": 0, "active": 0})
        assert book["outstanding"] == b["outstanding"], "book outstanding != sum of active loans"
        assert book["defaulted"] == b["defaulted"], "book defaulted != sum of defaulted loans"
        assert book["active_loans"] == b["active"]
        assert book["disbursed"] == book["principal_repaid"] + book["outstanding"] + book["defaulted"] + book["written_off"]


def check_credit(c: TestChain) -> None:
    """The stake account holds exactly the vouch stakes; vouch counts match; an account's vouch points are the
    sum of its vouches' points."""
    credit = c.rt.pallet("Credit")
    assets = c.rt.pallet("Assets")
    stakes: dict[int, int] = {}
    counts: dict[bytes, int] = {}
    points: dict[bytes, int] = {}
    for (vouchee, _), v in credit.Vouches.iter():
        stakes[v["asset"]] = stakes.get(v["asset"], 0) + v["stake"]
        counts[vouchee] = counts.get(vouchee, 0) + 1
        points[vouchee] = points.get(vouchee, 0) + v["points"]
    for (who,), record in credit.Behaviour.iter():
        assert record["vouch_points"] == points.get(who, 0), "vouch_points != sum of the vouches' points"
    for (asset,), _ in assets.Asset.iter():
        assert assets.balance(asset, STAKE_ACCOUNT) == stakes.get(asset, 0)
    for (who,), n in credit.VouchCount.iter():
        assert counts.get(who, 0) == n


def check_savings(c: TestChain) -> None:
    """A group's account == social fund + loan fund cash; members' claims == the loan fund's value."""
    sav = c.rt.pallet("SavingsGroups")
    assets = c.rt.pallet("Assets")
    for (gid,), g in sav.Groups.iter():
        balance = assets.balance(g["asset"], group_account(gid))
        shares = [sav.Members.get(gid, m)["shares"] for m in g["members"]]
        assert sum(shares) == g["total_shares"]
        fund_value = g["total_shares"] * g["share_price"] + g["charges_earned"]
        assert balance == g["social_fund"] + fund_value - g["loans_out"]
        assert sum(member_claims(fund_value, shares)) == balance - g["social_fund"] + g["loans_out"]
        lent = sum(ln["principal"] - ln["principal_repaid"] for (_, _), ln in sav.Loans.iter(gid) if ln["active"])
        assert lent == g["loans_out"]


def check_pools(c: TestChain) -> None:
    pools = c.rt.pallet("InvestmentPool")
    for (pid,), p in pools.Pools.iter():
        assert sum(s for _, s in pools.Holdings.iter(pid)) == p["total_shares"]


def check_all(c: TestChain) -> None:
    c.check_issuance()
    c.check_assets()
    check_lending(c)
    check_credit(c)
    check_savings(c)
    check_pools(c)


def names(events: list[tuple[str, str, dict[str, Any]]], pallet: str | None = None) -> list[str]:
    return [e[1] for e in events if pallet is None or e[0] == pallet]


def of(events: list[tuple[str, str, dict[str, Any]]], pallet: str, name: str) -> list[dict[str, Any]]:
    return [e[2] for e in events if e[0] == pallet and e[1] == name]
