"""Credit metrics on data small enough to work out by hand (the working is in the comments)."""
import math

import pytest

from analytics.credit_metrics import auc, bin_counts, calibration, four_fifths, gini, ks, psi, rank_average

# goods score 3, 5, 7; bads score 1, 5.
SCORES = [3, 5, 7, 1, 5]
OUTCOMES = [0, 0, 0, 1, 1]


def test_auc_counts_pairs_with_ties_as_half():
    # good-bad pairs: (3,1)=1 (3,5)=0 (5,1)=1 (5,5)=1/2 (7,1)=1 (7,5)=1 -> 4.5 of 6
    assert auc(SCORES, OUTCOMES) == pytest.approx(0.75)
    assert gini(SCORES, OUTCOMES) == pytest.approx(0.5)


def test_auc_perfect_and_inverted():
    assert auc([9, 8, 1, 2], [0, 0, 1, 1]) == 1.0
    assert auc([1, 2, 9, 8], [0, 0, 1, 1]) == 0.0
    assert math.isnan(auc([1, 2], [0, 0]))


def test_ks_is_largest_gap_between_cumulative_shares():
    # t=1: bads 1/2, goods 0 -> 0.5; t=3: 1/2 vs 1/3; t=5: 1 vs 2/3; t=7: 1 vs 1
    assert ks(SCORES, OUTCOMES) == pytest.approx(0.5)


def test_rank_average_shares_tied_ranks():
    assert rank_average(__import__("numpy").array([10, 20, 20, 5])).tolist() == [2.0, 3.5, 3.5, 1.0]


def test_psi_by_hand():
    # shares .5 .3 .2 -> .4 .3 .3: (-.1)ln(.8) + 0 + (.1)ln(1.5) = 0.0223144 + 0.0405465
    assert psi([50, 30, 20], [40, 30, 30]) == pytest.approx(0.0628609, abs=1e-6)
    assert psi([1, 1], [1, 1]) == 0.0


def test_psi_floors_empty_bins():
    # shares (1, 0) -> (.5, .5): empty expected bin floored at 1e-4
    v = psi([10, 0], [5, 5])
    assert v == pytest.approx((0.5 - 1) * math.log(0.5) + (0.5 - 1e-4) * math.log(0.5 / 1e-4))


def test_bin_counts_open_ended():
    assert bin_counts([299, 300, 599, 600, 900], [300, 600]).tolist() == [1, 2, 2]


def test_calibration_by_band():
    rows = calibration([300, 450, 500, 650, 700, 800], [1, 1, 0, 0, 1, 0], [300, 500, 700, 851])
    assert [(r.band, r.accounts, r.bads) for r in rows] == [("300-500", 2, 2), ("500-700", 2, 0), ("700-851", 2, 1)]
    assert [r.bad_rate for r in rows] == [1.0, 0.0, 0.5]


def test_four_fifths_flags_group_below_eighty_percent():
    groups = ["A"] * 10 + ["B"] * 5
    approved = [1] * 8 + [0] * 2 + [1] * 3 + [0] * 2
    r = four_fifths(groups, approved)
    assert r.rates == {"A": 0.8, "B": 0.6}
    assert r.reference == "A"
    assert r.ratios["B"] == pytest.approx(0.75)
    assert r.flagged == ["B"]
    assert r.min_ratio == pytest.approx(0.75)


def test_four_fifths_exactly_four_fifths_passes():
    # A approves 2 of 2 (1.0), B 4 of 5 (0.8): ratio exactly 0.8 is not below the threshold
    r = four_fifths(["A", "A", "B", "B", "B", "B", "B"], [1, 1, 1, 1, 1, 1, 0])
    assert r.ratios["B"] == pytest.approx(0.8) and r.flagged == []


def test_bad_outcomes_are_refused():
    with pytest.raises(ValueError):
        auc([1, 2], [0, 2])
