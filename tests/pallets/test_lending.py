"""FRAME-style tests of the Lending pallet: every error path asserts the named error AND unchanged storage;
the lifecycle is checked through its events; invariants (asset conservation, loan principal, lender books)
hold after every test."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.errors import BadOrigin
from chain.pallets.lending_engine import default_vault, escrow_account, status_of
from chain.pallets.lending_schedule import (
    DECLINING, FLAT, allocate, build_schedule, days_past_due, pro_rata, schedule_parts,
)
from finance_helpers import BPD, USD, acct, check_all, make_chain, names, of, terms


@pytest.fixture
def c():
    chain = make_chain()
    for who, amount in (("Lender", 100_000), ("Bob", 1_000), ("Carol", 1_000), ("Dave", 1_000), ("Gina", 1_000),
                        ("Hugo", 1_000)):
        chain.mint_asset(who, 0, amount * USD)
    chain.dispatch("Lender", "Lending", "deposit_liquidity", asset=0, amount=50_000 * USD)
    yield chain
    check_all(chain)


def product(c, **kw) -> int:
    c.dispatch("Lender", "Lending", "create_product", terms=terms(**kw))
    return c.rt.pallet("Lending").NextProductId.get() - 1


def request(c, who="Bob", product_id=0, amount=100 * USD, guarantors=(), auto_debit=False) -> int:
    if c.rt.pallet("Lending").NextProductId.get() == 0:
        product(c)  # the default product
    c.dispatch(who, "Lending", "request_loan", product_id=product_id, amount=amount,
               guarantors=[acct(g) for g in guarantors], auto_debit=auto_debit)
    return c.rt.pallet("Lending").NextLoanId.get() - 1


def loan(c, loan_id=0):
    return c.rt.pallet("Lending").Loans.get(loan_id)


# -- pure arithmetic -----------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(principal=st.integers(1, 10**15), rate=st.integers(0, 20_000), term=st.integers(1, 104),
       interval=st.integers(1, 60), kind=st.sampled_from([FLAT, DECLINING]))
def test_schedule_principal_parts_sum_to_principal(principal, rate, term, interval, kind):
    parts = schedule_parts(principal, rate, term, interval, kind)
    assert len(parts) == term
    assert sum(p for p, _ in parts) == principal
    assert all(p >= 0 and i >= 0 for p, i in parts)


def test_flat_and_declining_interest():
    flat = schedule_parts(1_200 * USD, 1_200, 12, 30, FLAT)
    assert sum(i for _, i in flat) == 1_200 * USD * 1_200 * 360 // (10_000 * 365)
    dec = schedule_parts(1_200 * USD, 1_200, 12, 30, DECLINING)
    assert sum(i for _, i in dec) < sum(i for _, i in flat)  # declining balance charges less interest
    payments = [p + i for p, i in dec]
    assert max(payments[:-1]) - min(payments[:-1]) <= 1  # equal installments (annuity)
    assert [i for _, i in dec] == sorted((i for _, i in dec), reverse=True)


@given(amount=st.integers(0, 10**9),
       owed=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**7)), max_size=8))
def test_allocation_fees_then_interest_then_principal(amount, owed):
    parts, left = allocate(amount, owed)
    assert sum(map(sum, parts)) + left == amount
    assert left == max(0, amount - sum(map(sum, owed)))
    seen_short = False
    for (f, i, p), (fo, io, po) in zip(parts, owed):
        assert 0 <= f <= fo and 0 <= i <= io and 0 <= p <= po
        if seen_short:  # nothing reaches a later installment before an earlier one is paid in full
            assert f == i == p == 0
        assert (i == 0 or f == fo) and (p == 0 or i == io)  # fees before interest before principal
        seen_short = seen_short or (f, i, p) != (fo, io, po)


@given(total=st.integers(0, 10**12), weights=st.lists(st.integers(1, 10**9), min_size=1, max_size=20))
def test_pro_rata_is_exact_and_bounded(total, weights):
    total = min(total, sum(weights))
    parts = pro_rata(total, weights)
    assert sum(parts) == total
    assert all(0 <= p <= w for p, w in zip(parts, weights))


def test_days_past_due_pure():
    sched = build_schedule(100, 0, 2, 7, FLAT, 10, BPD)
    active = {"status": ("Active", None)}
    assert days_past_due(active, sched, 10 + 14, BPD) == 0       # on the due block
    assert days_past_due(active, sched, 10 + 14 + 1, BPD) == 0   # half a day late
    assert days_past_due(active, sched, 10 + 14 + 6, BPD) == 3
    sched[0]["paid_block"] = 25
    assert days_past_due(active, sched, 10 + 28 + 4, BPD) == 2   # the oldest unpaid is now the second
    assert days_past_due({"status": ("Repaid", None)}, sched, 100, BPD) == 0


# -- products and liquidity ----------------------------------------------------------------------------------

def test_create_product_and_invalid_terms(c):
    pid = product(c)
    assert c.rt.pallet("Lending").Products.get(pid)["terms"]["rate_bps"] == 2_400
    assert ("Lending", "ProductCreated") in [(e[0], e[1]) for e in c.drain_events()]
    bad = [dict(min_amount=0), dict(min_amount=5, max_amount=4), dict(term=0), dict(term=105), dict(interval_days=0),
           dict(rate_bps=20_001), dict(grace_days=30, default_days=30), dict(late_fee_bps=10_001),
           dict(min_score=200), dict(min_guarantors=6), dict(tiers=[{"min_score": 700, "rate_bps": 1}, {"min_score": 600, "rate_bps": 1}]),
           dict(min_amount=3, term=4)]
    for kw in bad:
        c.assert_noop("InvalidTerms", "Lender", "Lending", "create_product", terms=terms(**kw))
    c.assert_noop("UnknownAsset", "Lender", "Lending", "create_product", terms=terms(asset=99))


def test_product_status_only_by_lender(c):
    pid = product(c)
    c.assert_noop("NotLender", "Bob", "Lending", "set_product_active", product_id=pid, active=False)
    c.assert_noop("ProductNotFound", "Lender", "Lending", "set_product_active", product_id=7, active=False)
    c.dispatch("Lender", "Lending", "set_product_active", product_id=pid, active=False)
    c.assert_noop("ProductInactive", "Bob", "Lending", "request_loan", product_id=pid, amount=100 * USD, guarantors=[],
                  auto_debit=False)


def test_liquidity_deposit_and_withdraw(c):
    vault = default_vault(acct("Lender"))
    assert c.asset_balance(vault, 0) == 50_000 * USD
    c.assert_noop("ZeroAmount", "Lender", "Lending", "deposit_liquidity", asset=0, amount=0)
    c.assert_noop("InsufficientBalance", "Lender", "Lending", "deposit_liquidity", asset=0, amount=10**12 * USD)
    c.assert_noop("InsufficientLiquidity", "Lender", "Lending", "withdraw_liquidity", asset=0, amount=50_001 * USD)
    c.dispatch("Lender", "Lending", "withdraw_liquidity", asset=0, amount=1_000 * USD)
    assert c.asset_balance(vault, 0) == 49_000 * USD


# -- requests and eligibility --------------------------------------------------------------------------------

def test_request_errors(c):
    pid = product(c, min_guarantors=1)
    args = dict(product_id=pid, amount=100 * USD, auto_debit=False)
    c.assert_noop("ProductNotFound", "Bob", "Lending", "request_loan", **{**args, "product_id": 9}, guarantors=[])
    c.assert_noop("LendToSelf", "Lender", "Lending", "request_loan", **args, guarantors=[acct("Gina")])
    c.assert_noop("AmountOutOfRange", "Bob", "Lending", "request_loan", **{**args, "amount": 5 * USD}, guarantors=[acct("Gina")])
    c.assert_noop("AmountOutOfRange", "Bob", "Lending", "request_loan", **{**args, "amount": 1_001 * USD}, guarantors=[acct("Gina")])
    c.assert_noop("TooManyGuarantors", "Bob", "Lending", "request_loan", **args, guarantors=[acct(f"G{i}") for i in range(6)])
    c.assert_noop("DuplicateGuarantor", "Bob", "Lending", "request_loan", **args, guarantors=[acct("Gina"), acct("Gina")])
    c.assert_noop("GuarantorIsBorrower", "Bob", "Lending", "request_loan", **args, guarantors=[acct("Bob")])
    c.assert_noop("TooFewGuarantors", "Bob", "Lending", "request_loan", **args, guarantors=[])
    with pytest.raises(BadOrigin):
        c.dispatch(None, "Lending", "request_loan", **args, guarantors=[])


def test_score_eligibility_and_newcomers(c):
    closed = product(c, min_score=600)
    c.assert_noop("NewcomersNotAccepted", "Bob", "Lending", "request_loan", product_id=closed, amount=100 * USD,
                  guarantors=[], auto_debit=False)
    open_ = product(c, min_score=600, newcomer_guarantors=2, guarantee_bps=5_000)
    c.assert_noop("TooFewGuarantors", "Bob", "Lending", "request_loan", product_id=open_, amount=100 * USD,
                  guarantors=[acct("Gina")], auto_debit=False)
    request(c, product_id=open_, guarantors=("Gina", "Hugo"))
    assert status_of(loan(c)) == "Requested"
    # a known, low-scoring borrower is refused by name
    credit = c.rt.pallet("Credit")
    for _ in range(3):
        credit.note_repayment(acct("Dave"), False, 40)
    credit.note_default(acct("Dave"))
    c.next_day(31)
    assert credit.score(acct("Dave")) < 600
    c.assert_noop("ScoreTooLow", "Dave", "Lending", "request_loan", product_id=closed, amount=100 * USD, guarantors=[],
                  auto_debit=False)


def test_pricing_tiers_follow_the_score(c):
    pid = product(c, tiers=[{"min_score": 600, "rate_bps": 2_000}, {"min_score": 700, "rate_bps": 1_500}])
    credit = c.rt.pallet("Credit")
    for _ in range(10):
        credit.note_repayment(acct("Carol"), True, 0)
    c.next_day(31)
    score = credit.score(acct("Carol"))
    assert 600 <= score < 700
    request(c, who="Carol", product_id=pid)
    request(c, who="Bob", product_id=pid)  # newcomer: the base rate
    assert loan(c, 0)["rate_bps"] == 2_000 and loan(c, 0)["score"] == score
    assert loan(c, 1)["rate_bps"] == 2_400 and loan(c, 1)["score"] is None


def test_too_many_open_loans(c):
    pid = product(c, auto_approve=False)
    for _ in range(4):
        request(c, product_id=pid)
    c.assert_noop("TooManyOpenLoans", "Bob", "Lending", "request_loan", product_id=pid, amount=100 * USD, guarantors=[],
                  auto_debit=False)
    c.dispatch("Bob", "Lending", "cancel_request", loan_id=0)
    request(c, product_id=pid)


# -- guarantees, approval and disbursement ------------------------------------------------------------------------

def test_pledges_then_automatic_approval_and_disbursement(c):
    pid = product(c, min_guarantors=2, guarantee_bps=5_000)
    lid = request(c, product_id=pid, guarantors=("Gina", "Hugo"))
    c.assert_noop("NotGuarantor", "Carol", "Lending", "pledge", loan_id=lid, amount=10 * USD)
    c.assert_noop("ZeroAmount", "Gina", "Lending", "pledge", loan_id=lid, amount=0)
    c.assert_noop("LoanNotFound", "Gina", "Lending", "pledge", loan_id=99, amount=10 * USD)
    c.assert_noop("PledgesIncomplete", "Lender", "Lending", "approve", loan_id=lid)
    c.dispatch("Gina", "Lending", "pledge", loan_id=lid, amount=20 * USD)
    c.assert_noop("AlreadyPledged", "Gina", "Lending", "pledge", loan_id=lid, amount=1 * USD)
    c.dispatch("Hugo", "Lending", "pledge", loan_id=lid, amount=20 * USD)  # 40 < 50 required
    assert status_of(loan(c)) == "Requested"
    c.assert_noop("PledgesIncomplete", "Lender", "Lending", "approve", loan_id=lid)
    c.dispatch("Lender", "Lending", "reject", loan_id=lid)
    assert status_of(loan(c)) == "Rejected"
    assert c.asset_balance("Gina", 0) == 1_000 * USD and c.asset_balance(escrow_account(lid), 0) == 0
    c.assert_noop("NotRequested", "Hugo", "Lending", "pledge", loan_id=lid, amount=1 * USD)
    lid = request(c, product_id=pid, guarantors=("Gina", "Hugo"))
    c.dispatch("Gina", "Lending", "pledge", loan_id=lid, amount=30 * USD)
    c.drain_events()
    c.dispatch("Hugo", "Lending", "pledge", loan_id=lid, amount=20 * USD)
    evs = c.drain_events()
    assert names(evs, "Lending") == ["PledgeMade", "LoanApproved", "LoanDisbursed", "ScheduleCreated"]
    assert of(evs, "Lending", "LoanApproved")[0]["automatic"] is True
    sched = of(evs, "Lending", "ScheduleCreated")[0]["installments"]
    assert len(sched) == 4 and sum(p for _, p, _ in sched) == 100 * USD
    assert sched[0][0] == c.block_number + 7 * BPD
    assert c.asset_balance("Bob", 0) == 1_100 * USD


def test_manual_approval_waits_for_liquidity(c):
    pid = product(c, auto_approve=False, max_amount=100_000 * USD)
    lid = request(c, amount=60_000 * USD, product_id=pid)
    c.assert_noop("NotLender", "Bob", "Lending", "approve", loan_id=lid)
    c.assert_noop("NotApproved", "Bob", "Lending", "disburse", loan_id=lid)
    c.dispatch("Lender", "Lending", "approve", loan_id=lid)
    assert status_of(loan(c)) == "Approved"
    c.assert_noop("NotRequested", "Lender", "Lending", "approve", loan_id=lid)
    c.assert_noop("InsufficientLiquidity", "Bob", "Lending", "disburse", loan_id=lid)
    c.assert_noop("NotLoanParty", "Carol", "Lending", "disburse", loan_id=lid)
    c.dispatch("Lender", "Lending", "deposit_liquidity", asset=0, amount=10_000 * USD)
    c.dispatch("Bob", "Lending", "disburse", loan_id=lid)
    assert status_of(loan(c)) == "Active"


@pytest.mark.parametrize("caller", ["Lender", "Bob"])
def test_lender_or_borrower_disburses_an_approved_loan(c, caller):
    """The lender pays out, the borrower receives: either may disburse once the vault holds the principal;
    a third party may not (NotLoanParty), and disbursing twice is NotApproved."""
    pid = product(c, auto_approve=False, max_amount=100_000 * USD)
    lid = request(c, amount=60_000 * USD, product_id=pid)
    c.dispatch("Lender", "Lending", "approve", loan_id=lid)
    c.dispatch("Lender", "Lending", "deposit_liquidity", asset=0, amount=10_000 * USD)
    c.assert_noop("NotLoanParty", "Carol", "Lending", "disburse", loan_id=lid)
    c.assert_noop("LoanNotFound", caller, "Lending", "disburse", loan_id=99)
    c.drain_events()
    c.dispatch(caller, "Lending", "disburse", loan_id=lid)
    assert names(c.drain_events(), "Lending") == ["LoanDisbursed", "ScheduleCreated"]
    assert status_of(loan(c, lid)) == "Active" and c.asset_balance("Bob", 0) == 61_000 * USD
    c.assert_noop("NotApproved", caller, "Lending", "disburse", loan_id=lid)


def test_cancel_request_rules(c):
    pid = product(c, auto_approve=False, min_guarantors=1)
    lid = request(c, product_id=pid, guarantors=("Gina",))
    c.dispatch("Gina", "Lending", "pledge", loan_id=lid, amount=5 * USD)
    c.assert_noop("NotBorrower", "Carol", "Lending", "cancel_request", loan_id=lid)
    c.dispatch("Bob", "Lending", "cancel_request", loan_id=lid)
    assert names(c.drain_events(), "Lending")[-2:] == ["PledgeReleased", "LoanCancelled"]
    c.assert_noop("NotRequested", "Bob", "Lending", "cancel_request", loan_id=lid)
    assert c.rt.pallet("Lending").OpenLoans.get(acct("Bob")) == 0


# -- repayment ---------------------------------------------------------------------------------------------------

def test_manual_repayment_on_schedule(c):
    lid = request(c)
    lending = c.rt.pallet("Lending")
    c.assert_noop("ZeroAmount", "Bob", "Lending", "repay", loan_id=lid, amount=0)
    insts = lending.installments(lid)
    for n, inst in enumerate(insts):
        c.next_block(inst["due_block"] - c.block_number)
        assert lending.amount_due(lid) == inst["principal"] + inst["interest"]
        c.drain_events()
        c.dispatch("Bob", "Lending", "repay", loan_id=lid, amount=inst["principal"] + inst["interest"])
        evs = c.drain_events()
        paid = of(evs, "Lending", "RepaymentMade")[0]
        assert (paid["to_interest"], paid["to_principal"], paid["installment"]) == (inst["interest"], inst["principal"], n)
        assert of(evs, "Lending", "InstallmentPaid")[0] == {"loan_id": lid, "installment": n, "on_time": True, "days_late": 0}
    assert status_of(loan(c)) == "Repaid"
    assert of(evs, "Lending", "LoanRepaid") == [{"loan_id": lid, "borrower": acct("Bob"), "early": False, "interest_waived": 0}]
    c.assert_noop("NotActive", "Bob", "Lending", "repay", loan_id=lid, amount=1)
    assert lending.book(acct("Lender"), 0)["interest_earned"] == sum(i["interest"] for i in insts)


def test_late_installment_fee_then_fees_interest_principal(c):
    lid = request(c)
    lending = c.rt.pallet("Lending")
    first = lending.installments(lid)[0]
    c.next_block(first["due_block"] + 2 * BPD + 1 - c.block_number)  # grace of 2 days has passed
    late = of(c.drain_events(), "Lending", "InstallmentLate")
    fee = (first["principal"] + first["interest"]) * 200 // 10_000
    assert late == [{"loan_id": lid, "borrower": acct("Bob"), "installment": 0, "days_past_due": 2, "late_fee": fee}]
    assert lending.loan_days_past_due(lid) == 2
    c.dispatch("Bob", "Lending", "repay", loan_id=lid, amount=fee + 1)
    paid = of(c.drain_events(), "Lending", "RepaymentMade")[0]
    assert (paid["to_fees"], paid["to_interest"], paid["to_principal"], paid["days_late"]) == (fee, 1, 0, 2)
    c.dispatch("Bob", "Lending", "repay", loan_id=lid, amount=first["interest"] + first["principal"] - 1)
    evs = c.drain_events()
    assert of(evs, "Lending", "InstallmentPaid")[0]["on_time"] is False
    assert lending.loan_days_past_due(lid) == 0
    assert c.rt.pallet("Credit").Behaviour.get(acct("Bob"))["late"] == 1


def test_early_repayment_waives_future_interest(c):
    lid = request(c)
    lending = c.rt.pallet("Lending")
    insts = lending.installments(lid)
    c.next_block(insts[0]["due_block"] - c.block_number)
    c.dispatch("Bob", "Lending", "repay_early", loan_id=lid)
    evs = c.drain_events()
    waived = sum(i["interest"] for i in insts[1:])
    assert of(evs, "Lending", "LoanRepaid") == [{"loan_id": lid, "borrower": acct("Bob"), "early": True, "interest_waived": waived}]
    assert loan(c)["interest_paid"] == insts[0]["interest"]
    c.assert_noop("NotActive", "Bob", "Lending", "repay_early", loan_id=lid)
    # paying more than the payoff amount with `repay` is an early payoff too: only the payoff is taken
    lid2 = request(c, who="Carol")
    before = c.asset_balance("Carol", 0)
    c.dispatch("Carol", "Lending", "repay", loan_id=lid2, amount=10**6 * USD)
    assert status_of(loan(c, lid2)) == "Repaid" and before - c.asset_balance("Carol", 0) == 100 * USD
    # prepaid installments count as on time when they fall due, not before
    credit = c.rt.pallet("Credit")
    on_time = credit.Behaviour.get(acct("Bob"))["on_time"]
    c.next_block(insts[-1]["due_block"] - c.block_number)
    assert credit.Behaviour.get(acct("Bob"))["on_time"] == on_time + 3


# -- the self-executing part: auto debit, lateness, default --------------------------------------------------

def test_auto_debit_collects_when_due_and_retries(c):
    lid = request(c, auto_debit=True)
    lending = c.rt.pallet("Lending")
    insts = lending.installments(lid)
    c.next_block(insts[0]["due_block"] - c.block_number)
    evs = c.drain_events()
    assert of(evs, "Lending", "RepaymentMade")[0]["payer"] == acct("Bob")
    assert lending.installments(lid)[0]["paid_block"] == insts[0]["due_block"]
    # Bob spends everything; the next installment cannot be collected, then can
    c.dispatch("Bob", "Assets", "transfer", asset=0, dest=("Id", acct("Carol")), amount=c.asset_balance("Bob", 0))
    c.next_block(insts[1]["due_block"] - c.block_number)
    failed = of(c.drain_events(), "Lending", "AutoDebitFailed")
    assert failed == [{"loan_id": lid, "borrower": acct("Bob"), "installment": 1,
                       "shortfall": insts[1]["principal"] + insts[1]["interest"]}]
    c.mint_asset("Bob", 0, 500 * USD)
    c.next_day()
    assert lending.installments(lid)[1]["paid_block"] == c.block_number
    assert of(c.drain_events(), "Lending", "InstallmentPaid")[0]["on_time"] is True  # within the grace period
    c.assert_noop("NotBorrower", "Carol", "Lending", "set_auto_debit", loan_id=lid, enabled=False)
    c.dispatch("Bob", "Lending", "set_auto_debit", loan_id=lid, enabled=False)
    c.next_block(insts[2]["due_block"] - c.block_number)
    assert lending.installments(lid)[2]["paid_block"] is None


def test_default_draws_guarantors_pro_rata_then_vouchers(c):
    pid = product(c, min_guarantors=2, guarantee_bps=2_000, late_fee_bps=0, default_days=10)
    c.dispatch("Carol", "Credit", "vouch", vouchee=acct("Bob"), asset=0, stake=30 * USD)
    c.dispatch("Dave", "Credit", "vouch", vouchee=acct("Bob"), asset=0, stake=10 * USD)
    lid = request(c, product_id=pid, guarantors=("Gina", "Hugo"))
    c.dispatch("Gina", "Lending", "pledge", loan_id=lid, amount=15 * USD)
    c.dispatch("Hugo", "Lending", "pledge", loan_id=lid, amount=5 * USD)
    assert status_of(loan(c)) == "Active"
    c.assert_noop("VouchInUse", "Carol", "Credit", "withdraw_vouch", vouchee=acct("Bob"))
    lending = c.rt.pallet("Lending")
    insts = lending.installments(lid)
    c.drain_events()
    c.next_block(insts[0]["due_block"] + 10 * BPD - c.block_number)
    evs = c.drain_events()
    assert status_of(loan(c)) == "Defaulted"
    d = of(evs, "Lending", "LoanDefaulted")[0]
    assert (d["outstanding"], d["days_past_due"]) == (100 * USD, 10)
    # installments 0 and 1 have fallen due; the interest of 2 and 3 is waived on acceleration
    owed = insts[0]["interest"] + insts[1]["interest"] + 100 * USD
    assert of(evs, "Lending", "GuaranteeDrawn") == [
        {"loan_id": lid, "guarantor": acct("Gina"), "amount": 15 * USD},
        {"loan_id": lid, "guarantor": acct("Hugo"), "amount": 5 * USD}]
    drawn = of(evs, "Credit", "VouchStakeDrawn")
    assert [x["amount"] for x in drawn] == [30 * USD, 10 * USD] or [x["amount"] for x in drawn] == [10 * USD, 30 * USD]
    remaining = owed - 60 * USD
    assert sum(sum(lending.installments(lid)[n][k] - lending.installments(lid)[n][k + "_paid"] for k in ("fee", "interest", "principal"))
               for n in range(4)) == remaining
    book = lending.book(acct("Lender"), 0)
    assert book["defaulted"] == 100 * USD - loan(c)["principal_repaid"]
    assert c.rt.pallet("Credit").Behaviour.get(acct("Bob"))["defaults"] == 1
    # the vouches are released (and emptied): withdrawing them now works
    c.dispatch("Carol", "Credit", "withdraw_vouch", vouchee=acct("Bob"))
    # the borrower can still repay (recovery) and the lender can write off the rest
    c.dispatch("Bob", "Lending", "repay", loan_id=lid, amount=10 * USD)
    assert lending.book(acct("Lender"), 0)["recovered"] > 0
    c.assert_noop("NotLender", "Bob", "Lending", "write_off", loan_id=lid)
    c.dispatch("Lender", "Lending", "write_off", loan_id=lid)
    assert of(c.drain_events(), "Lending", "LoanWrittenOff")[0]["amount"] == 100 * USD - loan(c)["principal_repaid"]
    assert status_of(loan(c)) == "WrittenOff"
    c.assert_noop("NotDefaulted", "Lender", "Lending", "write_off", loan_id=lid)
    c.assert_noop("NotActive", "Bob", "Lending", "repay", loan_id=lid, amount=1)


def test_guarantees_covering_everything_close_the_loan(c):
    pid = product(c, min_guarantors=1, guarantee_bps=10_000, default_days=5, late_fee_bps=0)
    lid = request(c, product_id=pid, guarantors=("Gina",))
    c.dispatch("Gina", "Lending", "pledge", loan_id=lid, amount=200 * USD)
    insts = c.rt.pallet("Lending").installments(lid)
    c.next_block(insts[0]["due_block"] + 5 * BPD - c.block_number)
    evs = c.drain_events()
    owed = 100 * USD + insts[0]["interest"]
    assert of(evs, "Lending", "GuaranteeDrawn")[0]["amount"] == owed
    assert of(evs, "Lending", "PledgeReleased")[0]["amount"] == 200 * USD - owed
    assert status_of(loan(c)) == "Repaid"
    assert c.rt.pallet("Credit").Behaviour.get(acct("Bob"))["loans_repaid"] == 0  # the guarantor paid, not Bob


def test_hook_work_is_proportional_to_what_falls_due(c):
    product(c, term=12)
    for who in ("Bob", "Carol", "Dave"):
        request(c, who=who, auto_debit=True)
    lending = c.rt.pallet("Lending")
    items = sum(len(v) for _, v in lending.Agenda.iter())
    assert items == 3  # only each loan's next due item is scheduled, never the whole schedule
    assert lending.on_initialize(c.block_number + 1) == 0  # nothing falls due: no work
    c.next_day(7 * 12 + 1)
    assert all(status_of(loan(c, i)) == "Repaid" for i in range(3))
    assert sum(len(v) for _, v in lending.Agenda.iter()) == 0


def test_a_failing_agenda_item_is_rolled_back_alone(c, monkeypatch):
    request(c, who="Bob", auto_debit=True)
    request(c, who="Carol", auto_debit=True)
    lending = c.rt.pallet("Lending")
    due = lending.installments(0)[0]["due_block"]
    real = lending._auto_debit

    def broken(loan, n):
        real(loan, n)
        if loan["borrower"] == acct("Bob"):
            raise lending.fail("NotActive")  # stands in for any bug in the item's processing
    monkeypatch.setattr(lending, "_auto_debit", broken)
    c.next_block(due - c.block_number)
    evs = c.drain_events()
    assert of(evs, "Lending", "AgendaItemFailed") == [{"loan_id": 0, "installment": 0, "kind": 0}]
    assert lending.installments(0)[0]["paid_block"] is None      # Bob's debit was rolled back
    assert lending.installments(1)[0]["paid_block"] == due       # Carol's went through
    assert [e["loan_id"] for e in of(evs, "Lending", "RepaymentMade")] == [1]
