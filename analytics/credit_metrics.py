"""Credit-model metrics as pure functions over arrays (numpy only), tested on hand-worked data.

Conventions: a *score* is higher for safer accounts; an *outcome* is 1 for a bad outcome (default)
and 0 for a good one. So AUC is the probability that a randomly chosen good account outscores a
randomly chosen bad one (ties count one half), Gini = 2 AUC - 1, and KS is the largest gap between
the score distributions of goods and bads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from numpy.typing import ArrayLike

import numpy as np

PSI_FLOOR = 1e-4  # share given to an empty bin so PSI stays finite (a common convention)


def _xy(scores: ArrayLike, outcomes: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float)
    y = np.asarray(outcomes, dtype=int)
    if s.shape != y.shape or s.ndim != 1:
        raise ValueError("scores and outcomes must be 1-D and of the same length")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("outcomes must be 0 (good) or 1 (bad)")
    return s, y


def rank_average(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def auc(scores: ArrayLike, outcomes: ArrayLike) -> float:
    """P(score of a good > score of a bad), ties 1/2 (Mann-Whitney U / (goods x bads)); NaN if one class is empty."""
    s, y = _xy(scores, outcomes)
    n_bad = int(y.sum())
    n_good = len(y) - n_bad
    if n_bad == 0 or n_good == 0:
        return float("nan")
    r = rank_average(s)
    u_good = r[y == 0].sum() - n_good * (n_good + 1) / 2
    return float(u_good / (n_good * n_bad))


def gini(scores: ArrayLike, outcomes: ArrayLike) -> float:
    return 2 * auc(scores, outcomes) - 1


def ks(scores: ArrayLike, outcomes: ArrayLike) -> float:
    """max over thresholds t of |P(score <= t | bad) - P(score <= t | good)|; NaN if one class is empty."""
    s, y = _xy(scores, outcomes)
    n_bad = int(y.sum())
    n_good = len(y) - n_bad
    if n_bad == 0 or n_good == 0:
        return float("nan")
    values = np.unique(s)
    cum_bad = np.searchsorted(np.sort(s[y == 1]), values, side="right") / n_bad
    cum_good = np.searchsorted(np.sort(s[y == 0]), values, side="right") / n_good
    return float(np.max(np.abs(cum_bad - cum_good)))


def psi(expected: ArrayLike, actual: ArrayLike) -> float:
    """Population stability index between two distributions over the same bins (counts or shares):
    sum (a - e) ln(a / e) over bins, shares floored at PSI_FLOOR. Rule of thumb: < 0.1 stable,
    0.1-0.25 some shift, > 0.25 a major shift."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.shape != a.shape:
        raise ValueError("expected and actual need the same bins")
    if e.sum() <= 0 or a.sum() <= 0:
        return float("nan")
    e = np.maximum(e / e.sum(), PSI_FLOOR)
    a = np.maximum(a / a.sum(), PSI_FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def bin_counts(values: ArrayLike, edges: Sequence[float]) -> np.ndarray:
    """Counts in the bins [edges[i], edges[i+1]) with open ends: len(edges) + 1 bins."""
    idx = np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float), side="right")
    return np.bincount(idx, minlength=len(edges) + 1)


@dataclass(frozen=True)
class BandRow:
    band: str
    low: float
    high: float
    accounts: int
    bads: int
    bad_rate: float  # NaN for an empty band


def calibration(scores: ArrayLike, outcomes: ArrayLike, edges: Sequence[float]) -> list[BandRow]:
    """Observed bad rate per score band [edges[i], edges[i+1]); a calibrated score's rate falls band by band."""
    s, y = _xy(scores, outcomes)
    e = list(edges)
    rows = []
    for lo, hi in zip(e, e[1:]):
        m = (s >= lo) & (s < hi)
        n, b = int(m.sum()), int(y[m].sum())
        rows.append(BandRow(f"{lo:g}-{hi:g}", lo, hi, n, b, b / n if n else float("nan")))
    return rows


@dataclass(frozen=True)
class FourFifths:
    rates: dict[str, float]     # approval rate per group
    reference: str              # the group with the highest rate
    ratios: dict[str, float]    # rate / reference rate
    flagged: list[str]          # groups below 0.8: possible adverse impact

    @property
    def min_ratio(self) -> float:
        return min(self.ratios.values()) if self.ratios else float("nan")


def four_fifths(groups: Iterable[str], approved: Iterable[bool | int], threshold: float = 0.8) -> FourFifths:
    """The four-fifths rule (US EEOC adverse-impact screen): each group's approval rate divided by the
    highest group's; a ratio below `threshold` flags the group for review."""
    g = np.asarray(list(groups), dtype=object)
    a = np.asarray(list(approved), dtype=float)
    if g.shape != a.shape:
        raise ValueError("groups and approved must have the same length")
    rates = {str(k): float(a[g == k].mean()) for k in sorted(set(g.tolist()))}
    if not rates:
        return FourFifths({}, "", {}, [])
    ref = max(rates, key=lambda k: (rates[k], k))
    top = rates[ref]
    ratios = {k: (r / top if top > 0 else float("nan")) for k, r in rates.items()}
    flagged = [k for k, r in ratios.items() if r < threshold]
    return FourFifths(rates, ref, ratios, flagged)
