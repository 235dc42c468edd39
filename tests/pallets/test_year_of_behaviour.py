"""A year of simulated behaviour (2 blocks a day, 365 days): borrowers take one loan after another from a
microfinance lender, save weekly in a savings group and receive monthly remittances. The punctual ones'
scores rise; two borrowers stop paying after four months and their scores fall, with reason codes that
name the cause. Invariants are checked every month."""
from __future__ import annotations

from chain.pallets import credit_scorecard as sc
from chain.pallets.lending_engine import status_of
from finance_helpers import USD, acct, check_all, make_chain, terms

PUNCTUAL_AUTO = ["P1", "P2", "P3"]   # opted in to automatic debit
PUNCTUAL_MANUAL = ["P4"]             # pays by hand when an installment falls due
DEFAULTERS = ["D1", "D2"]            # fine for 120 days, then D1 stops paying, D2 pays late then stops
BORROWERS = PUNCTUAL_AUTO + PUNCTUAL_MANUAL + DEFAULTERS
TROUBLE_DAY, D2_STOPS = 120, 200
STOPS = {"D1": TROUBLE_DAY, "D2": D2_STOPS}  # from this day: no income, no saving, no paying, no new loans


def test_a_year_of_behaviour():
    c = make_chain()
    lending, credit = c.rt.pallet("Lending"), c.rt.pallet("Credit")
    c.mint_asset("MFI", 0, 100_000 * USD)
    c.dispatch("MFI", "Lending", "deposit_liquidity", asset=0, amount=100_000 * USD)
    c.dispatch("MFI", "Lending", "create_product", terms=terms(
        min_amount=20 * USD, max_amount=500 * USD, rate_bps=3_000, default_days=21,
        tiers=[{"min_score": 650, "rate_bps": 2_400}, {"min_score": 750, "rate_bps": 1_800}]))
    for who in BORROWERS:
        c.mint_asset(who, 0, 50 * USD)
    c.mint_asset("P1", 0, 30 * USD)
    c.dispatch("P1", "Credit", "vouch", vouchee=acct("D1"), asset=0, stake=30 * USD)
    group = ["P1", "P2", "P3", "D1", "D2"]
    c.dispatch("P1", "SavingsGroups", "create_group", asset=0, members=[acct(m) for m in group],
               committee=[acct("P1"), acct("P2"), acct("P3")], threshold=2, share_price=1 * USD,
               social_contribution=USD // 10, meeting_interval_days=7, cycle_meetings=26, service_charge_bps=100,
               max_loan_multiple=3)
    for m in group[1:]:
        c.dispatch(m, "SavingsGroups", "join", group_id=0)

    loans: dict[str, int] = {}
    first_score: dict[str, int] = {}
    before_trouble: dict[str, int] = {}
    for day in range(365):
        troubled = {d for d in DEFAULTERS if day >= STOPS[d]}
        for who in BORROWERS:
            if day % 7 == 0 and who not in troubled:
                c.mint_asset(who, 0, 40 * USD)  # weekly income
            if day % 30 == 0 and who not in troubled:
                credit.note_inflow(acct(who), 100 * USD, 0)  # as the Remittance pallet does on arrival
            lid = loans.get(who)
            status = status_of(lending.Loans.get(lid)) if lid is not None else None
            if status in (None, "Repaid") and who not in troubled:
                c.dispatch(who, "Lending", "request_loan", product_id=0, amount=100 * USD, guarantors=[],
                           auto_debit=who in PUNCTUAL_AUTO)
                loans[who] = lending.NextLoanId.get() - 1
            elif status == "Active":
                pays = who in PUNCTUAL_MANUAL or (who in DEFAULTERS and day < TROUBLE_DAY)
                pays_late = who == "D2" and TROUBLE_DAY <= day < D2_STOPS and lending.loan_days_past_due(lid) >= 10
                due = lending.amount_due(lid)
                if due and (pays or pays_late):
                    c.dispatch(who, "Lending", "repay", loan_id=lid, amount=due)
        if day % 7 == 0:
            for m in group:
                if m not in troubled:
                    c.dispatch(m, "SavingsGroups", "buy_shares", group_id=0, count=1)
        for who in DEFAULTERS:  # troubled borrowers spend what they have
            bal = c.asset_balance(who, 0)
            if who in troubled and bal:
                c.dispatch(who, "Assets", "transfer", asset=0, dest=("Id", acct("Shop")), amount=bal)
        c.next_day()
        for who in BORROWERS:
            record = credit.Scores.get(acct(who))
            if record and record["score"] is not None:
                first_score.setdefault(who, record["score"])
                if day == TROUBLE_DAY - 1:
                    before_trouble[who] = record["score"]
        if day % 30 == 29:
            check_all(c)

    for who in BORROWERS:
        c.dispatch(who, "Credit", "refresh_score", who=acct(who))
    final = {who: credit.Scores.get(acct(who)) for who in BORROWERS}
    for who in PUNCTUAL_AUTO + PUNCTUAL_MANUAL:
        assert final[who]["score"] > first_score[who], (who, first_score[who], final[who])
        assert final[who]["score"] >= 750
        assert not {sc.R_LATE_REPAYMENTS, sc.R_DAYS_LATE, sc.R_DEFAULTED} & set(final[who]["reasons"])
        b = credit.Behaviour.get(acct(who))
        assert b["late"] == 0 and b["defaults"] == 0 and b["loans_repaid"] >= 10
    for who in DEFAULTERS:
        assert final[who]["score"] < before_trouble[who] - 150, (who, before_trouble[who], final[who])
        reasons = final[who]["reasons"]
        assert sc.R_DEFAULTED in reasons and {sc.R_LATE_REPAYMENTS, sc.R_DAYS_LATE} & set(reasons)
        assert "Defaulted loan" in sc.explain(reasons)
        assert status_of(lending.Loans.get(loans[who])) == "Defaulted"
    assert credit.Behaviour.get(acct("D2"))["late"] > 0  # D2 paid late before stopping
    assert credit.Vouches.get(acct("D1"), acct("P1"))["stake"] < 30 * USD  # the vouch for D1 was drawn
    # the stored scores are exactly what the pure scorecard gives from the stored counters
    for who in BORROWERS:
        assert sc.compute_score(credit.features(acct(who)), credit.scorecard()) == (
            final[who]["score"], final[who]["reasons"])
    # the savings group shared out after 26 weeks and keeps its social fund
    assert c.rt.pallet("SavingsGroups").Groups.get(0)["cycle"] == 3
    check_all(c)
