"""The figures copied into chain/scenario/data are the ones in ../shared/data (when that folder is there)."""
import csv
from pathlib import Path

import pytest

from chain.scenario import calibration as cal
from chain.scenario.policies_remit import rpw_fee_and_margin_bps

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data not present")


@needs_shared
def test_kiva_rows_match_the_original():
    orig = {r["id"]: r for r in csv.DictReader((SHARED / "kiva" / "kiva_loans_sample.csv").open(encoding="utf-8"))}
    rows = cal.kiva_loans()
    assert len(rows) == sum(1 for r in orig.values() if r["country_code"] in ("KE", "PH", "NG", "GT")) == 363
    for loan in rows:
        o = orig[str(loan.kiva_id)]
        assert (loan.country, loan.amount_usd, loan.term_months, loan.sector, loan.activity, loan.repayment_interval) == (
            o["country_code"], float(o["loan_amount"]), int(float(o["term_in_months"])), o["sector"], o["activity"],
            o["repayment_interval"])
    female = sum(1 for r in orig.values() if {g.strip() for g in r["borrower_genders"].split(",")} == {"female"})
    assert female / len(orig) == pytest.approx(cal.KIVA_FEMALE_ONLY_SHARE)


@needs_shared
def test_rpw_corridors_match_the_original():
    orig = {(r["corridor"], r["period"]): r for r in
            csv.DictReader((SHARED / "remittance" / "rpw_filtered_corridor_quarter.csv").open(encoding="utf-8"))}
    for c in cal.corridors():
        code = next(k for k, v in cal.ALPHA3_TO_2.items() if v == c.source) + next(
            k for k, v in cal.ALPHA3_TO_2.items() if v == c.destination)
        o = orig[(code, "2025_1Q")]
        assert c.cost_pct_200 == pytest.approx(float(o["avg_cost_pct_200usd"]), abs=1e-4)
        assert c.cost_pct_500 == pytest.approx(float(o["avg_cost_pct_500usd"]), abs=1e-4)
        assert c.providers == int(o["num_providers"])


@needs_shared
def test_findex_and_rpw_headlines_match():
    rows = list(csv.DictReader((SHARED / "findex" / "findex_headline_figures.csv").open(encoding="utf-8")))
    by_year = {r["survey_year"]: r for r in rows}
    assert float(by_year["2021"]["account_ownership_pct"]) / 100 == cal.FINDEX_ACCOUNT_OWNERSHIP_WORLD_2021
    assert float(by_year["2024"]["account_ownership_pct"]) / 100 == cal.FINDEX_ACCOUNT_OWNERSHIP_LMIC_2024
    heads = {r["quarter"]: r for r in csv.DictReader((SHARED / "remittance" / "rpw_global_average_headlines.csv").open())}
    assert float(heads["2023Q3"]["global_average_pct_200usd"]) == cal.RPW_GLOBAL_AVERAGE_PCT_2023Q3


def test_corridor_costs_are_rpw_like():
    fee, margin = rpw_fee_and_margin_bps(("KE", "PH"))
    assert 200 <= fee + margin <= 700  # RPW 2025 Q1 corridors into Kenya and the Philippines: 2.5%-7.3%
    assert all(c.destination in ("KE", "PH", "NG", "GT") for c in cal.corridors())
    assert cal.corridors_to("KE")[0].cost_pct_200 <= cal.corridors_to("KE")[-1].cost_pct_200
