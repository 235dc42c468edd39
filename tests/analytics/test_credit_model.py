"""Fitting new credit-score parameters from chain history and publishing them by governance."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.credit_model import OUTCOME, fit_chain_scorecard, publish_scorecard, training_table
from analytics.db import AnalyticsDB
from analytics.indexer import index
from chain.crypto import dev_keypair
from chain.pallets.credit_scorecard import FEATURES, F_REPAYMENT, Features, compute_score
from tests.analytics.chains import acct, make_node


def test_training_table_from_the_lending_chain(lending):
    # resolved loans: Bob's (repaid), Charlie's (defaulted, written off), Dave's (repaid); Ferdie's was rejected.
    # Every borrower asked before any repayment record: on-time share -1 ("no record"), no defaults yet.
    _, db = lending
    t = training_table(db)
    assert t["loan_id"].tolist() == [0, 1, 2]
    assert dict(zip(t["account"], t[OUTCOME])) == {acct("Bob"): 0, acct("Charlie"): 1, acct("Dave"): 0}
    assert (t["on_time_share_bps"] == -1).all() and (t["defaults"] == 0).all()
    assert t.loc[t["account"] == acct("Dave"), "vouch_points"].item() == 3  # Eve's 30 USD vouch: 3 units x standing 1


def synthetic_history(n: int = 600, seed: int = 5) -> pd.DataFrame:
    """Loans whose default risk falls with the on-time share and rises with days late and earlier defaults."""
    rng = np.random.default_rng(seed)
    on_time = rng.choice([-1, 4000, 7000, 9000, 10000], n)
    days_late = np.where(on_time < 0, -1, rng.integers(0, 20, n))
    defaults = rng.choice([0, 0, 0, 1, 2], n)
    logit = -1.5 - 1.2 * (on_time >= 9000) + 0.8 * (on_time < 0) + 0.08 * np.maximum(days_late, 0) + 0.9 * defaults
    df = pd.DataFrame({name: 0 for name in FEATURES.values()}, index=range(n))
    df["on_time_share_bps"], df["avg_days_late"], df["defaults"] = on_time, days_late, defaults
    df["age_days"] = rng.integers(30, 400, n)
    df[OUTCOME] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return df


def test_fitted_parameters_are_a_valid_chain_scorecard():
    fit = fit_chain_scorecard(synthetic_history(), version=2, features=["on_time_share_bps", "avg_days_late",
                                                                         "defaults", "age_days"])
    card = fit.card
    assert card.version == 2 and set(card.features) == {1, 2, 3, 7}
    card.validate()  # what the chain checks before installing it
    assert 0.6 < fit.report.auc < 0.95 and fit.report.ks > 0.15 and len(fit.report.cv_auc) == 5
    # the fitted card ranks as the data says: punctual, never-defaulted borrowers score above late defaulters
    good, _ = compute_score(Features(on_time=20, late=0, age_days=200, savings_regular=3), card)
    bad, _ = compute_score(Features(on_time=2, late=8, days_late=120, defaults=2, age_days=200), card)
    assert good is not None and bad is not None and good > bad
    repayment_bins = card.features[F_REPAYMENT]
    assert [b.threshold for b in repayment_bins] == sorted(b.threshold for b in repayment_bins)


def test_publish_through_governance_and_index_it(tmp_path):
    node, client = make_node(tmp_path / "chain")
    try:
        fit = fit_chain_scorecard(synthetic_history(), version=2, features=["on_time_share_bps", "avg_days_late",
                                                                             "defaults"])
        receipt = publish_scorecard(client, dev_keypair("Alice"), fit.card)
        assert receipt.success
        assert [e.fields for e in receipt.events if e.event == "ScorecardSet"] == [{"version": 2, "features": 3}]
        assert client.storage("Credit", "ScorecardVersion") == 2
        with AnalyticsDB(tmp_path / "a.duckdb") as db:
            index(client, db)
            assert db.sql("SELECT version FROM scorecard_versions").fetchall() == [(2,)]
            assert db.sql("SELECT count(*) FROM credit_scorecards").fetchone() == (2,)
        with pytest.raises(AssertionError):  # a stale version is refused by the chain
            r = publish_scorecard(client, dev_keypair("Alice"), fit.card)
            assert r.success and all(e.fields.get("sudo_result", ("Ok",))[0] == "Ok" for e in r.events if e.event == "Sudid")
    finally:
        node.close()
