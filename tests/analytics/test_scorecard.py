"""The generic scorecard fitter on hand-worked data."""
import math

import numpy as np
import pandas as pd
import pytest

from analytics import scorecard as sc


def test_woe_iv_by_hand():
    # goods 10, 20 and bads 10, 5, each +0.5: goods shares 10.5/31, 20.5/31; bads 10.5/16, 5.5/16
    woe, iv = sc.woe_iv([10, 20], [10, 5])
    w1 = math.log((10.5 / 31) / (10.5 / 16))  # = ln(16/31)
    w2 = math.log((20.5 / 31) / (5.5 / 16))
    assert woe.tolist() == pytest.approx([w1, w2])
    assert iv.sum() == pytest.approx((10.5 / 31 - 10.5 / 16) * w1 + (20.5 / 31 - 5.5 / 16) * w2)
    assert woe[0] < 0 < woe[1]  # the riskier bin has the negative WoE


def test_logistic_on_one_binary_feature_recovers_the_log_odds():
    # x=0: 2 bads in 10 -> logit ln(2/8); x=1: 6 bads in 10 -> ln(6/4). So b0 = ln(1/4), b1 = ln(6).
    x = np.array([0] * 10 + [1] * 10, dtype=float)
    y = np.array([1, 1] + [0] * 8 + [1] * 6 + [0] * 4, dtype=float)
    b0, b = sc.fit_logistic(x[:, None], y)
    assert b0 == pytest.approx(math.log(0.25), abs=1e-4)
    assert b[0] == pytest.approx(math.log(6), abs=1e-4)


def _two_bin_frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [0] * 10 + [1] * 10, "bad": [1, 1] + [0] * 8 + [1] * 6 + [0] * 4})


def test_points_follow_pdo_scaling():
    # The single-feature model is saturated, so each bin's score is offset + factor * ln(goods/bads):
    # factor = 20/ln2 = 28.854, offset = 600 - factor*ln(50) = 487.12
    # bin x<1: 8 goods, 2 bads -> 487.12 + 28.854*ln(4) = 527.12; bin x>=1: 4 goods, 6 bads -> 475.42
    card = sc.fit(_two_bin_frame(), "bad", n_bins=5, pdo=20, base_score=600, base_odds=50)
    assert card.binnings[0].edges == [1.0]
    scores = card.score(pd.DataFrame({"x": [0, 1]}))
    assert abs(scores[0] - 527) <= 1 and abs(scores[1] - 475) <= 1
    p = card.probability(pd.DataFrame({"x": [0, 1]}))
    # WoE smoothing (+0.5) keeps the fit exact: the model still matches each bin's bad rate
    assert p.tolist() == pytest.approx([0.2, 0.6], abs=1e-3)


def test_bins_stats_and_iv_and_missing_bin():
    df = pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0], "bad": [1, 1, 1, 0, 0, 0]})
    b = sc.fit_binning(df["x"], df["bad"].to_numpy(dtype=float), "x", n_bins=2)
    assert b.has_missing and b.stats["bin"].tolist()[-1] == "missing"
    assert b.stats["count"].sum() == 6
    assert b.iv > 0


def test_categorical_bins_and_unseen_category():
    df = pd.DataFrame({"sector": ["farm", "farm", "shop", "shop", "shop", "farm"], "bad": [1, 1, 0, 0, 0, 0]})
    b = sc.fit_binning(df["sector"], df["bad"].to_numpy(dtype=float), "sector")
    assert b.categories == ["farm", "shop"]
    assert b.transform(pd.Series(["farm", "shop", "fishing"])).tolist()[2] == 0.0


def test_cross_validated_auc_and_ks_on_a_clear_signal():
    rng = np.random.default_rng(3)
    n = 600
    income = rng.normal(100, 30, n)
    late = rng.integers(0, 6, n)
    logit = -1 - 0.03 * (income - 100) + 0.6 * (late - 2.5)
    bad = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    df = pd.DataFrame({"income": income, "late": late, "noise": rng.random(n), "bad": bad})
    rep = sc.fit_report(df, "bad", folds=5, seed=1)
    assert len(rep.cv_auc) == 5
    assert 0.7 < rep.auc < 0.95 and 0.3 < rep.ks < 0.9
    assert rep.iv["late"] > rep.iv["noise"] and rep.iv["income"] > rep.iv["noise"]
    assert set(rep.bins.columns) >= {"feature", "bin", "woe", "iv", "points", "bad_rate"}


def test_stratified_folds_partition_rows():
    y = np.array([0] * 7 + [1] * 3)
    folds = sc.stratified_folds(y, 3, seed=0)
    tests = np.concatenate([t for _, t in folds])
    assert sorted(tests.tolist()) == list(range(10))
    assert all(y[t].sum() >= 1 for _, t in folds)


def test_outcome_must_be_binary():
    with pytest.raises(ValueError):
        sc.fit(pd.DataFrame({"x": [1, 2], "bad": [0, 2]}), "bad")
