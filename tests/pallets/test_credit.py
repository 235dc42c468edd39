"""FRAME-style tests of the Credit pallet and the pure scorecard: newcomers, reason codes, the governed
scorecard, notes from other pallets, and vouching with stakes."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chain.errors import BadOrigin
from chain.pallets import credit_scorecard as sc
from chain.pallets.credit import STAKE_ACCOUNT
from chain.pallets.credit_scorecard import DEFAULT_SCORECARD, Features, compute_score, explain
from finance_helpers import USD, acct, check_all, make_chain, of


@pytest.fixture
def c():
    chain = make_chain()
    for who in ("Bob", "Carol", "Dave", "Eve"):
        chain.mint_asset(who, 0, 1_000 * USD)
    yield chain
    check_all(chain)


def credit(c):
    return c.rt.pallet("Credit")


def build_standing(c, *who: bytes) -> None:
    """A spotless record for each account (12 installments on time, a loan repaid), then 31 days pass."""
    for account in who:
        for _ in range(12):
            credit(c).note_repayment(account, True, 0)
        credit(c).note_loan_repaid(account)
    c.next_day(31)


def seasoned(**kw) -> Features:
    """A year-old account with a spotless record."""
    base = dict(on_time=24, loans_repaid=4, savings_regular=40, inflow_months=12, age_days=365, activity=250,
                vouch_points=10, credentials=1)
    base.update(kw)
    return Features(**base)


# -- the pure scorecard ------------------------------------------------------------------------------------

def test_default_scorecard_spans_300_to_850():
    assert compute_score(seasoned(), DEFAULT_SCORECARD) == (850, [])
    worst = Features(late=10, days_late=900, defaults=3, savings_missed=10, age_days=30)
    assert compute_score(worst, DEFAULT_SCORECARD)[0] == 300
    DEFAULT_SCORECARD.validate()


def test_newcomer_gets_insufficient_history_not_a_low_score():
    assert compute_score(Features(), DEFAULT_SCORECARD) == (None, [sc.R_INSUFFICIENT_HISTORY])
    assert compute_score(Features(on_time=5, age_days=10), DEFAULT_SCORECARD) == (None, [1])   # too young
    assert compute_score(Features(age_days=400, credentials=3), DEFAULT_SCORECARD) == (None, [1])  # no behaviour
    assert explain([1], "zh") == ["信用记录不足"]


def test_reasons_name_the_costliest_features_first():
    score, reasons = compute_score(seasoned(on_time=6, late=4, days_late=40, defaults=1), DEFAULT_SCORECARD)
    assert reasons[:2] == [sc.R_LATE_REPAYMENTS, sc.R_DEFAULTED]  # 100 points each; ties in feature order
    assert sc.R_DAYS_LATE in reasons
    assert explain(reasons[:2]) == ["Late repayments", "Defaulted loan"]
    assert score < 700
    _, reasons = compute_score(Features(on_time=3, age_days=31), DEFAULT_SCORECARD)
    assert len(reasons) == 4 and sc.R_INSUFFICIENT_HISTORY not in reasons


@given(st.builds(Features, on_time=st.integers(0, 200), late=st.integers(0, 200), days_late=st.integers(0, 10_000),
                 defaults=st.integers(0, 5), loans_repaid=st.integers(0, 50), savings_regular=st.integers(0, 100),
                 savings_missed=st.integers(0, 100), inflow_months=st.integers(0, 30), age_days=st.integers(0, 2_000),
                 activity=st.integers(0, 1_000), vouch_points=st.integers(0, 80), credentials=st.integers(0, 5)))
def test_score_is_bounded_and_more_lateness_never_helps(f):
    score, reasons = compute_score(f, DEFAULT_SCORECARD)
    assert len(reasons) <= 4 and len(set(reasons)) == len(reasons)
    if score is None:
        assert reasons == [1]
        return
    assert 300 <= score <= 850
    worse = dataclasses.replace(f, late=f.late + 1, days_late=f.days_late + 30)
    assert compute_score(worse, DEFAULT_SCORECARD)[0] <= score
    assert compute_score(dataclasses.replace(f, defaults=f.defaults + 1), DEFAULT_SCORECARD)[0] <= score


def test_scorecard_roundtrips_and_validates():
    assert sc.Scorecard.from_value(DEFAULT_SCORECARD.to_value()) == DEFAULT_SCORECARD
    bad = DEFAULT_SCORECARD.to_value()
    bad["features"][0]["bins"].reverse()
    with pytest.raises(ValueError):
        sc.Scorecard.from_value(bad).validate()


# -- the pallet: notes and ScoreUpdated -----------------------------------------------------------------------

def test_notes_rescore_and_emit_only_on_change(c):
    bob = acct("Bob")
    credit(c).note_activity(bob)
    assert of(c.drain_events(), "Credit", "ScoreUpdated") == [
        {"who": bob, "score": None, "reasons": [1], "scorecard_version": 1}]
    credit(c).note_activity(bob)
    assert c.drain_events() == []  # still a newcomer: nothing changed, nothing emitted
    for _ in range(3):
        credit(c).note_repayment(bob, True, 0)
    c.next_day(30)
    c.dispatch("Carol", "Credit", "refresh_score", who=bob)
    ev = of(c.drain_events(), "Credit", "ScoreUpdated")[0]
    expected = compute_score(credit(c).features(bob), DEFAULT_SCORECARD)
    assert (ev["score"], ev["reasons"]) == expected and ev["score"] is not None
    assert credit(c).Scores.get(bob)["score"] == ev["score"]


def test_inflows_count_distinct_months(c):
    bob = acct("Bob")
    for _ in range(3):
        credit(c).note_inflow(bob, 50 * USD, 0)
    assert credit(c).Behaviour.get(bob)["inflow_months"] == 1
    c.next_day(30)
    credit(c).note_inflow(bob, 50 * USD, 0)
    credit(c).note_inflow(bob, 0, 0)  # nothing arrived: not an inflow
    r = credit(c).Behaviour.get(bob)
    assert (r["inflows"], r["inflow_months"]) == (4, 2)


def test_credentials_come_and_go(c):
    bob = acct("Bob")
    credit(c).note_credential(bob)
    credit(c).note_credential(bob)
    credit(c).note_credential_revoked(bob)
    assert credit(c).Behaviour.get(bob)["credentials"] == 1


# -- governance --------------------------------------------------------------------------------------------------

def test_set_scorecard_versions(c):
    v2 = dataclasses.replace(DEFAULT_SCORECARD, version=2, base=250).to_value()
    with pytest.raises(BadOrigin):
        c.dispatch("Bob", "Credit", "set_scorecard", scorecard=v2)
    c.assert_noop("StaleScorecardVersion", None, "Credit", "set_scorecard", scorecard=DEFAULT_SCORECARD.to_value())
    bad = dict(v2, features=[{"feature": 99, "bins": [{"threshold": 0, "points": 1, "reason": 0}]}])
    c.assert_noop("InvalidScorecard", None, "Credit", "set_scorecard", scorecard=bad)
    bad = dict(v2, features=[{"feature": 1, "bins": [{"threshold": 0, "points": 1, "reason": 200}]}])
    c.assert_noop("InvalidScorecard", None, "Credit", "set_scorecard", scorecard=bad)
    bob = acct("Bob")
    for _ in range(3):
        credit(c).note_repayment(bob, True, 0)
    c.next_day(30)
    before = credit(c).score(bob)
    c.dispatch(None, "Credit", "set_scorecard", scorecard=v2)
    assert of(c.drain_events(), "Credit", "ScorecardSet") == [{"version": 2, "features": 10}]
    assert credit(c).score(bob) == before - 50
    assert credit(c).Scores.get(bob)["version"] == 2


def test_set_vouch_unit(c):
    c.assert_noop("ZeroUnit", None, "Credit", "set_vouch_unit", asset=0, unit=0)
    c.assert_noop("UnknownAsset", None, "Credit", "set_vouch_unit", asset=42, unit=1)
    with pytest.raises(BadOrigin):
        c.dispatch("Bob", "Credit", "set_vouch_unit", asset=0, unit=1)
    c.dispatch(None, "Credit", "set_vouch_unit", asset=0, unit=5 * USD)
    assert credit(c).VouchUnits.get(0) == 5 * USD
    assert credit(c).VouchUnits.get(1) == 1_300 * 100  # genesis default: about USD 10 of KESP


# -- vouching ------------------------------------------------------------------------------------------------------

def test_vouch_errors(c):
    bob = acct("Bob")
    c.assert_noop("CannotVouchForSelf", "Bob", "Credit", "vouch", vouchee=bob, asset=0, stake=10 * USD)
    c.assert_noop("AssetNotAccepted", "Carol", "Credit", "vouch", vouchee=bob, asset=77, stake=10 * USD)
    c.assert_noop("StakeTooSmall", "Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=9 * USD)
    c.assert_noop("InsufficientBalance", "Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=5_000 * USD)
    c.dispatch("Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=20 * USD)
    c.assert_noop("AlreadyVouched", "Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=20 * USD)
    c.assert_noop("VouchNotFound", "Dave", "Credit", "withdraw_vouch", vouchee=bob)


def test_vouch_limit(c):
    bob = acct("Bob")
    for i in range(16):
        c.mint_asset(f"V{i}", 0, 10 * USD)
        c.dispatch(f"V{i}", "Credit", "vouch", vouchee=bob, asset=0, stake=10 * USD)
    c.mint_asset("V16", 0, 10 * USD)
    c.assert_noop("TooManyVouches", "V16", "Credit", "vouch", vouchee=bob, asset=0, stake=10 * USD)


def test_vouch_points_weigh_stake_and_standing(c):
    bob, carol = acct("Bob"), acct("Carol")
    # Carol builds a good standing first
    build_standing(c, carol)
    assert credit(c).score(carol) >= 580
    standing = sc.voucher_standing(credit(c).score(carol))
    c.dispatch("Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=35 * USD)  # 3 units
    c.dispatch("Dave", "Credit", "vouch", vouchee=bob, asset=0, stake=100 * USD)  # 5 units (capped), newcomer: x1
    ev = of(c.drain_events(), "Credit", "Vouched")
    assert [e["points"] for e in ev] == [3 * standing, 5]
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3 * standing + 5
    assert c.asset_balance(STAKE_ACCOUNT, 0) == 135 * USD
    c.dispatch("Dave", "Credit", "withdraw_vouch", vouchee=bob)
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3 * standing
    assert c.asset_balance("Dave", 0) == 1_000 * USD


def test_vouch_locked_while_a_loan_depends_on_it(c):
    bob = acct("Bob")
    c.dispatch("Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=20 * USD)
    assert credit(c).lock_vouches(bob, 7) == [acct("Carol")]
    c.assert_noop("VouchInUse", "Carol", "Credit", "withdraw_vouch", vouchee=bob)
    credit(c).release_vouches(bob, 7)
    c.dispatch("Carol", "Credit", "withdraw_vouch", vouchee=bob)
    assert credit(c).VouchCount.get(bob) == 0


def test_vouch_stakes_drawn_pro_rata(c):
    bob = acct("Bob")
    c.dispatch("Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=30 * USD)
    c.dispatch("Dave", "Credit", "vouch", vouchee=bob, asset=0, stake=10 * USD)
    credit(c).lock_vouches(bob, 3)
    c.drain_events()
    got = credit(c).draw_vouch_stakes(3, bob, 0, 20 * USD, acct("Eve"))
    assert got == 20 * USD and c.asset_balance("Eve", 0) == 1_020 * USD
    drawn = {e["voucher"]: e["amount"] for e in of(c.drain_events(), "Credit", "VouchStakeDrawn")}
    assert drawn == {acct("Carol"): 15 * USD, acct("Dave"): 5 * USD}
    assert credit(c).Vouches.get(bob, acct("Carol"))["stake"] == 15 * USD
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 1  # Carol 1 unit left, Dave none
    credit(c).release_vouches(bob, 3)



def test_vouch_points_follow_the_vouchers_current_standing(c):
    """Points are weighed again, by the voucher's latest recorded score, whenever the vouchee is rescored."""
    bob, carol = acct("Bob"), acct("Carol")
    build_standing(c, carol)
    good = sc.voucher_standing(credit(c).score(carol))
    assert good >= 2
    c.dispatch("Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=35 * USD)  # 3 units
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3 * good
    # Carol defaults twice: her standing falls to 1; Bob's points follow when Bob is rescored, not before
    credit(c).note_default(carol)
    credit(c).note_default(carol)
    assert sc.voucher_standing(credit(c).score_record(carol)["score"]) == 1
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3 * good
    c.drain_events()
    c.dispatch("Dave", "Credit", "refresh_score", who=bob)
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3
    assert credit(c).Vouches.get(bob, carol)["standing"] == 1 and credit(c).Vouches.get(bob, carol)["points"] == 3
    # rescoring again changes nothing and emits nothing
    c.drain_events()
    c.dispatch("Dave", "Credit", "refresh_score", who=bob)
    assert c.drain_events() == []
    # a newcomer's vouch weighs 1 a unit; as the voucher builds a record, the next note about Bob weighs it up
    dave = acct("Dave")
    c.dispatch("Dave", "Credit", "vouch", vouchee=bob, asset=0, stake=20 * USD)  # 2 units
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3 + 2
    build_standing(c, dave)
    credit(c).score(dave)
    risen = sc.voucher_standing(credit(c).score_record(dave)["score"])
    assert risen >= 2
    credit(c).note_activity(bob)
    assert credit(c).Behaviour.get(bob)["vouch_points"] == 3 + 2 * risen


def test_vouch_points_follow_standing_in_the_score(c):
    """With enough history for a score, a voucher's fall lowers the vouchee's score on the next rescore."""
    bob, carol = acct("Bob"), acct("Carol")
    build_standing(c, bob, carol)
    credit(c).score(carol)
    c.dispatch("Carol", "Credit", "vouch", vouchee=bob, asset=0, stake=50 * USD)  # 5 units x standing >= 2
    before = credit(c).score(bob)
    assert credit(c).features(bob).vouch_points >= 10  # the 8-point bin of the default scorecard
    for _ in range(3):
        credit(c).note_default(carol)
    c.drain_events()
    c.dispatch("Dave", "Credit", "refresh_score", who=bob)
    assert credit(c).features(bob).vouch_points == 5
    ev = of(c.drain_events(), "Credit", "ScoreUpdated")
    assert ev and ev[-1]["who"] == bob and ev[-1]["score"] == credit(c).score(bob) < before
    assert (ev[-1]["score"], ev[-1]["reasons"]) == compute_score(credit(c).features(bob), DEFAULT_SCORECARD)


def test_a_new_scorecard_version_reaches_every_score_in_bounded_batches(c):
    """set_scorecard starts a walk the block hook advances by at most RescorePerBlock accounts a block:
    borrowers with open loans first, then every other account still scored under the old version."""
    from chain.pallets.credit import RESCORE_PER_BLOCK
    from finance_helpers import terms

    people = [acct(f"P{i}") for i in range(RESCORE_PER_BLOCK + 40)]
    for who in people:
        credit(c).note_activity(who)
    c.mint_asset("Lender", 0, 10_000 * USD)
    c.dispatch("Lender", "Lending", "deposit_liquidity", asset=0, amount=5_000 * USD)
    c.dispatch("Lender", "Lending", "create_product", terms=terms())
    borrowers = [acct(n) for n in ("Bob", "Carol")]
    for name in ("Bob", "Carol"):
        c.dispatch(name, "Lending", "request_loan", product_id=0, amount=100 * USD, guarantors=[], auto_debit=False)
    scored = [who for (who,), _ in credit(c).Behaviour.iter()]
    assert len(scored) > RESCORE_PER_BLOCK
    c.next_block()
    v2 = dataclasses.replace(DEFAULT_SCORECARD, version=2, base=250).to_value()
    c.dispatch(None, "Credit", "set_scorecard", scorecard=v2)
    assert credit(c).Rescoring.get() == {"version": 2, "phase": 0, "cursor": None, "rescored": 0}
    touched: list[bytes] = []
    applied = []
    for _ in range(len(scored) // RESCORE_PER_BLOCK + 3):
        c.next_block()
        evs = c.drain_events()
        updated = [e["who"] for e in of(evs, "Credit", "ScoreUpdated")]
        assert len(updated) <= RESCORE_PER_BLOCK
        touched += updated
        applied += of(evs, "Credit", "ScorecardApplied")
        if len(touched) == len(updated):  # the first block after set_scorecard: open loans first
            assert updated[:len(borrowers)] and set(borrowers) <= set(updated[:len(borrowers)])
    assert sorted(touched) == sorted(scored)  # each stale score recomputed exactly once
    assert applied == [{"version": 2, "rescored": len(scored)}]
    assert credit(c).Rescoring.get() is None
    assert all(r["version"] == 2 for _, r in credit(c).Scores.iter())
    c.next_block()
    assert c.drain_events() == []  # the walk is over: the hook is idle


def test_a_newer_version_restarts_the_walk(c):
    for i in range(10):
        credit(c).note_activity(acct(f"P{i}"))
    v2 = dataclasses.replace(DEFAULT_SCORECARD, version=2, base=250).to_value()
    v3 = dataclasses.replace(DEFAULT_SCORECARD, version=3, base=260).to_value()
    c.dispatch(None, "Credit", "set_scorecard", scorecard=v2)
    c.dispatch(None, "Credit", "set_scorecard", scorecard=v3)
    assert credit(c).Rescoring.get()["version"] == 3
    c.next_block()
    assert of(c.drain_events(), "Credit", "ScorecardApplied") == [{"version": 3, "rescored": 10}]
    assert {r["version"] for _, r in credit(c).Scores.iter()} == {3}
