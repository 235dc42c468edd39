"""Lending metrics on the lending fixture chain (tests/analytics/chains.py: build_lending_chain), worked by hand.

Loans (USDP, flat 0.7% a week, 4 weekly installments, 2 blocks a day): Bob 100 (loan 0, disbursed #11, day 5),
Charlie 100 (loan 1, #12, day 6), Dave 200 (loan 2, #13, day 6). Installments of 25.70 (Bob, Charlie) and 51.40
(Dave): 25 or 50 principal + 0.70 or 1.40 interest.
"""
from __future__ import annotations

import pytest

from analytics.metrics import METRICS, UnknownMetric, run_metric, run_metric_rows
from tests.analytics.chains import USD, acct


def test_portfolio_at_risk_at_block_49(lending):
    # #49: Bob paid inst 0 (#25), 1 (#39): 50 left, next due #53 -> 0 days past due
    #      Charlie paid inst 0 only: 75 left, inst 1 due #40 -> (49 - 40) // 2 = 4 days past due
    #      Dave paid inst 0 (#35), 1 (#41): 100 left, next due #55 -> 0
    _, db = lending
    row = run_metric_rows(db, "lending_par", as_of_block=49)[0]
    assert (row["loans"], row["outstanding"], row["at_risk_1"], row["at_risk_7"]) == (3, 225 * USD, 75 * USD, 0)
    assert row["par1"] == pytest.approx(75 / 225) and row["par7"] == 0 and row["par30"] == 0 and row["par90"] == 0


def test_portfolio_at_risk_after_default_and_write_off(lending):
    # #61: Bob repaid (off the books); Charlie defaulted at #60, 75 outstanding, (61 - 40) // 2 = 10 days past due;
    #      Dave 50 left, not due -> PAR1 = PAR7 = 75 / 125, PAR30 = 0
    _, db = lending
    row = run_metric_rows(db, "lending_par", as_of_block=61)[0]
    assert row["outstanding"] == 125 * USD and row["par1"] == pytest.approx(0.6) and row["par7"] == pytest.approx(0.6)
    assert row["par30"] == 0
    # #63: Charlie's loan was written off at #62 -> off the books; only Dave's 50, current
    row = run_metric_rows(db, "lending_par", as_of_block=63)[0]
    assert (row["loans"], row["outstanding"], row["par1"]) == (1, 50 * USD, 0.0)
    # at the end every loan is repaid or written off: nothing outstanding, no rows
    assert run_metric(db, "lending_par").empty


def test_repayment_rates_and_yield_at_block_49(lending):
    # installments fallen due by #49: Bob 0, 1; Charlie 0, 1; Dave 0, 1 = 6
    # paid on time: Bob 0, 1; Charlie 0; Dave 1 = 4; paid late: Dave 0 (4 days)
    # scheduled due: 2 x 25.70 + 2 x 25.70 + 2 x 51.40 = 205.60; paid in full: 51.40 + 25.70 + 102.80 = 179.90 -> 0.875
    # income: Bob 0.70 x 2, Charlie 0.70, Dave 1.40 x 2 + late fee 0.514 = 5.414
    # outstanding at each day's end, days 5..24 (20 days): 100, 400 x 6, 375, 350 x 4, 300 x 2, 275, 225 x 5
    #   = 6,275 -> average 313.75; yield = 5.414 / 313.75 x 365 / 20
    _, db = lending
    row = run_metric_rows(db, "lending_performance", as_of_block=49)[0]
    assert (row["installments_due"], row["paid_on_time"], row["paid_late"]) == (6, 4, 1)
    assert row["on_time_rate"] == pytest.approx(4 / 6)
    assert row["repayment_rate"] == pytest.approx(179.9 / 205.6)
    assert (row["disbursed"], row["principal_repaid"], row["interest_and_fees"]) == (400 * USD, 175 * USD, 5_414_000)
    assert row["avg_outstanding"] == pytest.approx(313.75 * USD) and row["days"] == 20
    assert row["portfolio_yield"] == pytest.approx(5.414 / 313.75 * 365 / 20)
    assert row["write_off_ratio"] == 0 and row["default_ratio"] == 0


def test_write_off_and_default_ratios_at_the_end(lending):
    # all 12 installments fell due; paid: Bob 4 (on time, the last prepaid at #53), Charlie 1, Dave 4 (1 late)
    # scheduled 411.20, paid in full 102.80 + 25.70 + 205.60 = 334.10; written off and defaulted: Charlie's 75 of 400
    _, db = lending
    row = run_metric_rows(db, "lending_performance")[0]
    assert (row["installments_due"], row["paid_on_time"], row["paid_late"]) == (12, 8, 1)
    assert row["repayment_rate"] == pytest.approx(334.1 / 411.2)
    assert row["written_off"] == 75 * USD and row["write_off_ratio"] == pytest.approx(75 / 400)
    assert row["default_ratio"] == pytest.approx(75 / 400)
    # interest: Bob 0.70 x 3 (the 4th waived when he repaid early), Charlie 0.70, Dave 1.40 x 4 + fee 0.514
    assert row["interest_and_fees"] == 2_100_000 + 700_000 + 5_600_000 + 514_000


def test_loan_book(lending):
    _, db = lending
    book = {r["loan_id"]: r for r in run_metric_rows(db, "lending_loan_book", as_of_block=49)}
    assert set(book) == {0, 1, 2}  # loan 3 (Ferdie) was rejected, never disbursed
    assert book[1]["account"] == acct("Charlie") and book[1]["days_past_due"] == 4 and book[1]["status"] == "active"
    assert book[2]["fees_paid"] == 514_000 and book[2]["outstanding"] == 100 * USD
    end = {r["loan_id"]: r["status"] for r in run_metric_rows(db, "lending_loan_book")}
    assert end == {0: "repaid", 1: "written_off", 2: "repaid"}


def test_vintage_curve(lending):
    # one cohort (month 0: disbursed days 5-6); at the end (#72, day 36) months on book 0 and 1.
    # defaulted: Charlie's 75 at day 30 -> month on book (30 - 6) // 30 = 0; repaid principal 100 + 25 + 200 = 325,
    # all within month 0 (Dave's last installment at day 34: (34 - 6) // 30 = 0)
    _, db = lending
    rows = run_metric_rows(db, "lending_vintages")
    assert [(r["cohort_month"], r["months_on_book"], r["loans"]) for r in rows] == [(0, 0, 3), (0, 1, 3)]
    for r in rows:
        assert r["defaulted_share"] == pytest.approx(75 / 400) and r["repaid_share"] == pytest.approx(325 / 400)


def test_tables_behind_the_metrics(lending):
    _, db = lending
    assert db.sql("SELECT count(*), sum(principal), sum(interest) FROM installments").fetchone() == \
        (12, 400 * USD, 4 * 700_000 * 2 + 4 * 1_400_000)
    assert db.sql("SELECT installment, days_past_due, late_fee FROM installment_lates WHERE loan_id = 2").fetchall() == \
        [(0, 2, 514_000)]
    assert db.sql("SELECT status, amount, days_past_due FROM loan_status_changes WHERE loan_id = 1 "
                  "AND status = 'defaulted'").fetchall() == [("defaulted", 75 * USD, 10)]
    assert db.sql("SELECT status FROM loan_status_changes WHERE loan_id = 3").fetchall() == [("rejected",)]
    assert db.sql("SELECT early, amount FROM loan_status_changes WHERE loan_id = 0 AND status = 'repaid'").fetchone() == \
        (True, 700_000)


def test_every_metric_runs_and_unknown_ones_are_refused(lending):
    _, db = lending
    for name in METRICS:
        run_metric(db, name)
    with pytest.raises(UnknownMetric):
        run_metric(db, "nope")
    with pytest.raises(TypeError, match="takes"):
        run_metric(db, "lending_par", as_of=3)
