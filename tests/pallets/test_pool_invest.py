"""FRAME-style tests of InvestmentPool: deposits and withdrawals at NAV, pool-funded loans through Lending,
gains and losses shared pro rata."""
from __future__ import annotations

import pytest

from chain.pallets.lending_engine import status_of
from chain.pallets.pool_invest import pool_account
from finance_helpers import BPD, USD, acct, check_all, make_chain, of, terms


@pytest.fixture
def c():
    chain = make_chain()
    for who, amount in (("R1", 2_000), ("R2", 1_000), ("R3", 1_000), ("Bob", 1_000), ("Carol", 100)):
        chain.mint_asset(who, 0, amount * USD)
    chain.dispatch("Manager", "InvestmentPool", "create_pool", asset=0)
    chain.dispatch("R1", "InvestmentPool", "deposit", pool_id=0, amount=1_000 * USD)
    chain.dispatch("R2", "InvestmentPool", "deposit", pool_id=0, amount=500 * USD)
    yield chain
    check_all(chain)


def pool(c):
    return c.rt.pallet("InvestmentPool")


def pool_product(c, **kw) -> int:
    c.dispatch("Manager", "InvestmentPool", "create_product", pool_id=0, terms=terms(auto_approve=False, **kw))
    return pool(c).Pools.get(0)["products"][-1]


def lend(c, who: str, amount: int, **kw) -> int:
    pid = pool_product(c, **kw)
    c.dispatch(who, "Lending", "request_loan", product_id=pid, amount=amount, guarantors=[], auto_debit=False)
    loan_id = c.rt.pallet("Lending").NextLoanId.get() - 1
    c.dispatch("Manager", "InvestmentPool", "approve_loan", pool_id=0, loan_id=loan_id)
    return loan_id


def test_deposits_mint_shares_at_nav(c):
    assert pool(c).Holdings.get(0, acct("R1")) == 1_000 * USD
    assert pool(c).nav(0) == 1_500 * USD == c.asset_balance(pool_account(0), 0)
    assert of(c.drain_events(), "InvestmentPool", "Deposited")[-1] == {
        "pool_id": 0, "who": acct("R2"), "amount": 500 * USD, "shares": 500 * USD, "nav": 1_000 * USD}
    c.assert_noop("ZeroAmount", "R3", "InvestmentPool", "deposit", pool_id=0, amount=0)
    c.assert_noop("PoolNotFound", "R3", "InvestmentPool", "deposit", pool_id=4, amount=1)
    c.assert_noop("InsufficientBalance", "R3", "InvestmentPool", "deposit", pool_id=0, amount=5_000 * USD)
    c.assert_noop("UnknownAsset", "R3", "InvestmentPool", "create_pool", asset=12)


def test_withdraw_rules(c):
    c.assert_noop("ZeroAmount", "R2", "InvestmentPool", "withdraw", pool_id=0, shares=0)
    c.assert_noop("InsufficientShares", "R2", "InvestmentPool", "withdraw", pool_id=0, shares=501 * USD)
    c.dispatch("R2", "InvestmentPool", "withdraw", pool_id=0, shares=200 * USD)
    assert c.asset_balance("R2", 0) == 700 * USD and pool(c).Holdings.get(0, acct("R2")) == 300 * USD


def test_manager_only_and_asset_checks(c):
    c.assert_noop("NotManager", "R1", "InvestmentPool", "create_product", pool_id=0, terms=terms())
    c.assert_noop("WrongAsset", "Manager", "InvestmentPool", "create_product", pool_id=0, terms=terms(asset=1))
    c.assert_noop("InvalidTerms", "Manager", "InvestmentPool", "create_product", pool_id=0, terms=terms(term=0))
    pid = pool_product(c)
    assert c.rt.pallet("Lending").Products.get(pid)["lender"] == pool_account(0)
    c.assert_noop("NotManager", "R1", "InvestmentPool", "set_product_active", pool_id=0, product_id=pid, active=False)
    c.dispatch("Manager", "InvestmentPool", "set_product_active", pool_id=0, product_id=pid, active=False)
    # another lender's loan cannot be approved through the pool
    c.mint_asset("Lender", 0, 100 * USD)
    c.dispatch("Lender", "Lending", "create_product", terms=terms(auto_approve=False))
    c.dispatch("Bob", "Lending", "request_loan", product_id=pid + 1, amount=50 * USD, guarantors=[], auto_debit=False)
    c.assert_noop("NotLender", "Manager", "InvestmentPool", "approve_loan", pool_id=0, loan_id=0)
    c.assert_noop("NotManager", "R1", "InvestmentPool", "approve_loan", pool_id=0, loan_id=0)


def test_repayments_raise_every_share_pro_rata(c):
    loan_id = lend(c, "Bob", 600 * USD)
    assert status_of(c.rt.pallet("Lending").Loans.get(loan_id)) == "Active"
    assert pool(c).cash(0) == 900 * USD and pool(c).nav(0) == 1_500 * USD  # lending does not change NAV
    c.assert_noop("InsufficientLiquidity", "R1", "InvestmentPool", "withdraw", pool_id=0, shares=1_000 * USD)
    c.dispatch("Bob", "Lending", "repay_early", loan_id=loan_id)  # nothing due yet: principal only
    c.next_day(1)
    loan_id = lend(c, "Bob", 600 * USD)
    for inst in c.rt.pallet("Lending").installments(loan_id):
        c.next_block(inst["due_block"] - c.block_number)
        c.dispatch("Bob", "Lending", "repay", loan_id=loan_id, amount=inst["principal"] + inst["interest"])
    interest = c.rt.pallet("Lending").Loans.get(loan_id)["interest_paid"]
    assert interest > 0 and pool(c).nav(0) == 1_500 * USD + interest
    r1, r2 = pool(c).share_value(0, acct("R1")), pool(c).share_value(0, acct("R2"))
    assert r1 > 1_000 * USD and r2 > 500 * USD and abs(r1 - 2 * r2) <= 2
    c.assert_noop("DepositTooSmall", "R3", "InvestmentPool", "deposit", pool_id=0, amount=1)  # a share is worth > 1
    c.dispatch("R1", "InvestmentPool", "withdraw", pool_id=0, shares=1_000 * USD)
    assert c.asset_balance("R1", 0) == 1_000 * USD + r1


def test_default_lowers_every_share_and_new_money_enters_at_the_lower_nav(c):
    loan_id = lend(c, "Carol", 300 * USD, default_days=5, late_fee_bps=0)
    c.dispatch("Carol", "Assets", "transfer", asset=0, dest=("Id", acct("Bob")), amount=400 * USD)  # Carol has nothing
    first = c.rt.pallet("Lending").installments(loan_id)[0]
    c.next_block(first["due_block"] + 5 * BPD - c.block_number)
    assert status_of(c.rt.pallet("Lending").Loans.get(loan_id)) == "Defaulted"
    assert pool(c).nav(0) == 1_200 * USD
    assert pool(c).share_value(0, acct("R1")) == 800 * USD and pool(c).share_value(0, acct("R2")) == 400 * USD
    c.dispatch("R3", "InvestmentPool", "deposit", pool_id=0, amount=400 * USD)
    assert pool(c).Holdings.get(0, acct("R3")) == 500 * USD  # 400 at 0.8 a share
    c.assert_noop("NotManager", "R1", "InvestmentPool", "write_off", pool_id=0, loan_id=loan_id)
    c.dispatch("Manager", "InvestmentPool", "write_off", pool_id=0, loan_id=loan_id)
    assert pool(c).nav(0) == 1_600 * USD  # the loss left the NAV at default already


def test_total_loss_closes_the_pool_to_deposits(c):
    c.dispatch("R1", "InvestmentPool", "withdraw", pool_id=0, shares=1_000 * USD)
    c.dispatch("R2", "InvestmentPool", "withdraw", pool_id=0, shares=400 * USD)
    loan_id = lend(c, "Carol", 100 * USD, default_days=3)
    c.dispatch("Carol", "Assets", "transfer", asset=0, dest=("Id", acct("Bob")), amount=200 * USD)
    c.next_block(c.rt.pallet("Lending").installments(loan_id)[0]["due_block"] + 3 * BPD - c.block_number)
    assert pool(c).nav(0) == 0
    c.assert_noop("PoolInsolvent", "R3", "InvestmentPool", "deposit", pool_id=0, amount=10 * USD)
    c.dispatch("R2", "InvestmentPool", "withdraw", pool_id=0, shares=100 * USD)  # exits for nothing
    assert pool(c).Pools.get(0)["total_shares"] == 0


def test_reject_through_the_pool(c):
    pid = pool_product(c)
    c.dispatch("Bob", "Lending", "request_loan", product_id=pid, amount=50 * USD, guarantors=[], auto_debit=False)
    c.dispatch("Manager", "InvestmentPool", "reject_loan", pool_id=0, loan_id=0)
    assert status_of(c.rt.pallet("Lending").Loans.get(0)) == "Rejected"


def test_product_limit(c):
    for _ in range(16):
        pool_product(c)
    c.assert_noop("TooManyProducts", "Manager", "InvestmentPool", "create_product", pool_id=0, terms=terms())


def test_manager_disburses_a_pool_loan_that_waited_for_cash(c):
    """A pool lends from its own account, which no one can sign for: its manager disburses for it."""
    pid = pool_product(c, max_amount=2_000 * USD)
    c.dispatch("Bob", "Lending", "request_loan", product_id=pid, amount=2_000 * USD, guarantors=[], auto_debit=False)
    c.dispatch("Manager", "InvestmentPool", "approve_loan", pool_id=0, loan_id=0)
    assert status_of(c.rt.pallet("Lending").Loans.get(0)) == "Approved"  # 1,500 in the pool: it waits
    c.assert_noop("InsufficientLiquidity", "Manager", "InvestmentPool", "disburse_loan", pool_id=0, loan_id=0)
    c.dispatch("R3", "InvestmentPool", "deposit", pool_id=0, amount=500 * USD)
    c.assert_noop("NotManager", "R1", "InvestmentPool", "disburse_loan", pool_id=0, loan_id=0)
    c.assert_noop("NotLoanParty", "Manager", "Lending", "disburse", loan_id=0)  # the manager is not the lender
    c.dispatch("Manager", "InvestmentPool", "disburse_loan", pool_id=0, loan_id=0)
    assert status_of(c.rt.pallet("Lending").Loans.get(0)) == "Active"
    assert pool(c).cash(0) == 0 and pool(c).nav(0) == 2_000 * USD
    # a loan of another lender cannot be disbursed through the pool
    c.mint_asset("Lender", 0, 100 * USD)
    c.dispatch("Lender", "Lending", "create_product", terms=terms(auto_approve=False))
    c.dispatch("Bob", "Lending", "request_loan", product_id=pid + 1, amount=50 * USD, guarantors=[], auto_debit=False)
    c.dispatch("Lender", "Lending", "approve", loan_id=1)
    c.assert_noop("NotLoanParty", "Manager", "InvestmentPool", "disburse_loan", pool_id=0, loan_id=1)
