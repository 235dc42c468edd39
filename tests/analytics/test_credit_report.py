"""Credit validation (score vs default, calibration, PSI, four-fifths) and credentials vs repayment, on table
rows written by hand into an in-memory analytics database (so every answer can be worked out on paper)."""
from __future__ import annotations

import math

import pytest

from analytics.credit_report import (
    approval_fairness, band_of, calibration_by_band, groups_from_registry, psi_by_month, score_vs_default,
)
from analytics.db import SCHEMA_VERSION, AnalyticsDB
from analytics.metrics import run_metric_rows


def put(db: AnalyticsDB, table: str, **row) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.sql(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))


def event_row(block: int, day: int) -> dict:
    return {"block_number": block, "extrinsic_index": 1, "event_index": 0, "day": day}


# (loan, account, day requested, score at request, decision, outcome)
LOANS = [
    (0, "A", 1, 700, "approved", "repaid"), (1, "A", 2, 650, "approved", "defaulted"),
    (2, "B", 3, 720, "approved", "repaid"), (3, "B", 31, 600, "approved", "defaulted"),
    (4, "C", 32, 650, "approved", "repaid"), (5, "D", 33, None, "approved", "repaid"),
    (6, "E", 34, 690, "approved", None), (7, "F", 35, 610, "rejected", None),
    (8, "G", 36, 590, "rejected", None), (9, "H", 37, 580, "rejected", None), (10, "I", 38, 585, "cancelled", None),
]
GROUPS = {"A": "women", "C": "women", "F": "women", "B": "men", "D": "men", "E": "men", "G": "men", "H": "men", "I": "men"}


@pytest.fixture()
def empty():
    d = AnalyticsDB()
    put(d, "index_state", id=1, schema_version=SCHEMA_VERSION, genesis_hash="0x00", chain_name="t", spec_name="t", blocks_per_day=1,
        token_symbol="PUI", token_decimals=12, ss58_prefix=42, last_block=100, last_hash=None, balances_at_block=None)
    yield d
    d.close()


@pytest.fixture()
def db(empty):
    d = empty
    for loan, who, day, score, decision, outcome in LOANS:
        put(d, "loans", **event_row(day, day), loan_id=loan, account=who, asset=0, amount=100, score=score)
        put(d, "loan_status_changes", **event_row(day, day), loan_id=loan, status=decision)
        if decision == "approved":
            put(d, "loan_disbursements", **event_row(day, day), loan_id=loan, account=who, asset=0, principal=100)
        if outcome:
            put(d, "loan_status_changes", **event_row(day + 20, day + 20), loan_id=loan, status=outcome)
    return d


def test_auc_ks_gini_of_scores_at_request(db):
    # resolved and scored: goods 700, 720, 650; bads 650, 600 (loan 5 has no score, loan 6 is still running)
    # good-bad pairs: (700,650) (700,600) (720,650) (720,600) (650,600) rank right, (650,650) ties: 5.5 of 6
    # KS: at 650 the bads' cumulative share is 1, the goods' 1/3 -> 2/3
    d = score_vs_default(db)
    assert (d.loans, d.bads) == (5, 2)
    assert d.auc == pytest.approx(5.5 / 6) and d.gini == pytest.approx(2 * 5.5 / 6 - 1) and d.ks == pytest.approx(2 / 3)


def test_score_vs_default_as_of_an_earlier_block(db):
    # by block 21 only loan 0 (repaid at 21) is resolved: one class is empty -> NaN
    d = score_vs_default(db, as_of_block=21)
    assert d.loans == 1 and math.isnan(d.auc)


def test_calibration_by_band(db):
    # 580-670: 650 (bad), 600 (bad), 650 (good) -> 2 of 3; 670-740: 700, 720 -> 0 of 2
    rows = {r["band"]: r for r in calibration_by_band(db).to_dict("records")}
    assert (rows["580-670"]["loans"], rows["580-670"]["defaults"]) == (3, 2)
    assert rows["580-670"]["default_rate"] == pytest.approx(2 / 3)
    assert (rows["670-740"]["loans"], rows["670-740"]["defaults"], rows["670-740"]["default_rate"]) == (2, 0, 0.0)
    assert rows["300-580"]["loans"] == 0 and math.isnan(rows["300-580"]["default_rate"])
    assert band_of(650) == "580-670" and band_of(850) == "800-851"


def test_population_stability_by_month(db):
    # scored requests by 30-day month, counted over the bands 300-580-670-740-800-851:
    #   month 0: 700, 650, 720 -> (0, 1, 2, 0, 0); month 1: 600, 650, 690, 610, 590, 580, 585 -> (0, 6, 1, 0, 0)
    # shares (0, 1/3, 2/3, 0, 0) -> (0, 6/7, 1/7, 0, 0): PSI = (6/7 - 1/3) ln(18/7) + (1/7 - 2/3) ln(3/14)
    rows = psi_by_month(db).to_dict("records")
    assert [(r["month"], r["requests"]) for r in rows] == [(0, 3), (1, 7)]
    assert rows[0]["psi"] == 0.0
    expected = (6 / 7 - 1 / 3) * math.log((6 / 7) / (1 / 3)) + (1 / 7 - 2 / 3) * math.log((1 / 7) / (2 / 3))
    assert rows[1]["psi"] == pytest.approx(expected)


def test_four_fifths_across_registry_groups(db):
    # decided: women A, A, C approved, F rejected -> 3/4; men B, B, D, E approved, G, H rejected, I cancelled -> 4/7
    # ratio 4/7 / 3/4 = 0.762 < 0.8 -> men flagged
    result, table = approval_fairness(db, GROUPS)
    assert result.rates == {"men": pytest.approx(4 / 7), "women": 0.75}
    assert result.reference == "women" and result.ratios["men"] == pytest.approx((4 / 7) / 0.75)
    assert result.flagged == ["men"]
    rows = {r["group"]: r for r in table.to_dict("records")}
    assert (rows["men"]["decided"], rows["men"]["approved"], rows["men"]["flagged"]) == (7, 4, True)


def test_groups_from_registry_records():
    class Person:
        def __init__(self, gender):
            self.gender = gender

    groups = groups_from_registry([(b"\x01" * 32, Person("f")), (b"\x02" * 32, {"gender": "m"}), (b"\x03" * 32, {})])
    assert groups == {"0x" + "01" * 32: "f", "0x" + "02" * 32: "m", "0x" + "03" * 32: "unknown"}


def test_credentials_and_repayment(empty):
    # X held a credential when asking; Y earned one only after; Z's was revoked before asking.
    # installments due by block 100: X 2 (both on time), Y 2 (one on time, one late), Z 2 (unpaid); Y and Z defaulted
    db = empty
    put(db, "credentials", **event_row(40, 40), credential=0, kind="issued", account="X", course=0)
    put(db, "credentials", **event_row(60, 60), credential=1, kind="issued", account="Y", course=0)
    put(db, "credentials", **event_row(41, 41), credential=2, kind="issued", account="Z", course=0)
    put(db, "credentials", **event_row(42, 42), credential=2, kind="revoked", account="Z", course=0)
    for loan, who in ((20, "X"), (21, "Y"), (22, "Z")):
        put(db, "loans", **event_row(50, 50), loan_id=loan, account=who, asset=0, amount=100, score=700)
        put(db, "loan_disbursements", **event_row(50, 50), loan_id=loan, account=who, asset=0, principal=100)
        for n, due in enumerate((60, 70)):
            put(db, "installments", **event_row(50, 50), loan_id=loan, installment=n, due_block=due, due_day=due,
                principal=50, interest=1)
    for loan, n, on_time in ((20, 0, True), (20, 1, True), (21, 0, True), (21, 1, False)):
        put(db, "installment_payments", **event_row(65, 65), loan_id=loan, installment=n, on_time=on_time)
    for loan in (21, 22):
        put(db, "loan_status_changes", **event_row(90, 90), loan_id=loan, status="defaulted", amount=50)
    rows = {r["has_credential"]: r for r in run_metric_rows(db, "credentials_vs_repayment")}
    assert (rows[True]["borrowers"], rows[True]["loans"], rows[True]["defaulted"], rows[True]["on_time_rate"]) == (1, 1, 0, 1.0)
    f = rows[False]
    assert (f["borrowers"], f["loans"], f["defaulted"], f["default_rate"]) == (2, 2, 2, 1.0)
    assert (f["installments_due"], f["paid_on_time"], f["on_time_rate"]) == (4, 1, 0.25)
