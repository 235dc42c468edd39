"""A generic scorecard fitter (numpy only): any table of features with a binary outcome in; bins with
weight of evidence (WoE) and information value (IV), a logistic scorecard in points, and
cross-validated AUC and KS out.

Outcome 1 is "bad" (e.g. defaulted), 0 "good". WoE of a bin = ln(share of goods / share of bads), so a
higher WoE is safer. The model is a logistic regression of P(bad) on the features' WoE, fitted by
Newton's method (IRLS) with a tiny ridge for stability. Points follow the usual scaling: a score of
`base_score` at good:bad odds of `base_odds`, and `pdo` more points double the odds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analytics.credit_metrics import auc, ks

SMOOTHING = 0.5  # added to each bin's good and bad counts so empty cells keep a finite WoE


# -- bins, WoE, IV -------------------------------------------------------------------------------------
def woe_iv(goods: ArrayLike, bads: ArrayLike, smoothing: float = SMOOTHING) -> tuple[np.ndarray, np.ndarray]:
    """Per-bin WoE and IV contribution from good and bad counts."""
    g = np.asarray(goods, dtype=float) + smoothing
    b = np.asarray(bads, dtype=float) + smoothing
    gs, bs = g / g.sum(), b / b.sum()
    woe = np.log(gs / bs)
    return woe, (gs - bs) * woe


@dataclass
class Binning:
    """How one feature is cut into bins, with each bin's WoE (from the data it was fitted on)."""

    feature: str
    kind: str                       # "numeric" | "categorical"
    edges: list[float]              # numeric: interior cut points; bin i is [edges[i-1], edges[i])
    categories: list[str]           # categorical: one bin per category (unseen categories -> WoE 0)
    has_missing: bool
    woe: np.ndarray
    stats: pd.DataFrame

    @property
    def iv(self) -> float:
        return float(self.stats["iv"].sum())

    def index(self, values: pd.Series) -> np.ndarray:
        """Bin number of each value (-1: an unseen category; the missing bin is the last)."""
        missing = values.isna().to_numpy()
        if self.kind == "numeric":
            idx = np.searchsorted(np.asarray(self.edges, dtype=float), values.to_numpy(dtype=float, na_value=np.nan),
                                  side="right")
            n_regular = len(self.edges) + 1
        else:
            lookup = {c: i for i, c in enumerate(self.categories)}
            idx = np.array([lookup.get(str(v), -1) for v in values], dtype=int)
            n_regular = len(self.categories)
        if self.has_missing:
            idx = np.where(missing, n_regular, idx)
        return np.where(missing & (not self.has_missing), -1, idx)

    def transform(self, values: pd.Series) -> np.ndarray:
        idx = self.index(values)
        return np.where(idx >= 0, self.woe[np.clip(idx, 0, len(self.woe) - 1)], 0.0)


def quantile_edges(values: np.ndarray, n_bins: int) -> list[float]:
    """Interior cut points at the 1/n .. (n-1)/n quantiles (distinct; integers stay integers)."""
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return []
    qs = np.quantile(v, np.linspace(0, 1, n_bins + 1)[1:-1], method="higher")
    if np.all(v == np.round(v)):
        qs = np.ceil(qs)
    edges = sorted(set(float(q) for q in qs) - {float(v.min())})
    return edges


def fit_binning(values: pd.Series, y: np.ndarray, feature: str, n_bins: int = 5, max_categories: int = 20) -> Binning:
    """Quantile bins for numbers, one bin per category for text/booleans, plus a bin for missing values."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    missing = values.isna().to_numpy()
    if numeric:
        edges = quantile_edges(values.to_numpy(dtype=float, na_value=np.nan), n_bins)
        cats: list[str] = []
        labels = _interval_labels(edges)
        kind = "numeric"
    else:
        counts = values[~values.isna()].astype(str).value_counts()
        cats = sorted(counts.index[:max_categories].tolist())
        edges, labels, kind = [], list(cats), "categorical"
    has_missing = bool(missing.any())
    if has_missing:
        labels = labels + ["missing"]
    proto = Binning(feature, kind, edges, cats, has_missing, np.zeros(len(labels)), pd.DataFrame())
    idx = proto.index(values)
    known = idx >= 0
    n = len(labels)
    count = np.bincount(idx[known], minlength=n)
    bads = np.bincount(idx[known], weights=y[known], minlength=n)
    goods = count - bads
    woe, iv = woe_iv(goods, bads)
    stats = pd.DataFrame({"feature": feature, "bin": labels, "count": count, "goods": goods.astype(int),
                          "bads": bads.astype(int), "bad_rate": np.where(count > 0, bads / np.maximum(count, 1), np.nan),
                          "woe": woe, "iv": iv})
    proto.woe, proto.stats = woe, stats
    return proto


def _interval_labels(edges: list[float]) -> list[str]:
    bounds = [-math.inf] + list(edges) + [math.inf]
    return [f"[{lo:g}, {hi:g})" for lo, hi in zip(bounds, bounds[1:])]


# -- logistic regression -------------------------------------------------------------------------------
def fit_logistic(X: np.ndarray, y: np.ndarray, ridge: float = 1e-6, max_iter: int = 100,
                 tol: float = 1e-10) -> tuple[float, np.ndarray]:
    """(intercept, coefficients) of P(y=1) = sigmoid(b0 + X b), by Newton-Raphson / IRLS."""
    n, k = X.shape
    A = np.hstack([np.ones((n, 1)), X])
    beta = np.zeros(k + 1)
    penalty = ridge * np.eye(k + 1)
    penalty[0, 0] = 0.0
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ beta, -35, 35)))
        grad = A.T @ (y - p) - penalty @ beta
        hess = (A * (p * (1 - p))[:, None]).T @ A + penalty
        step = np.linalg.solve(hess + 1e-12 * np.eye(k + 1), grad)
        beta += step
        if np.max(np.abs(step)) < tol:
            break
    return float(beta[0]), beta[1:]


# -- the scorecard -------------------------------------------------------------------------------------
@dataclass
class Scorecard:
    binnings: list[Binning]
    intercept: float
    coefficients: np.ndarray
    pdo: float
    base_score: float
    base_odds: float
    points: pd.DataFrame = field(default_factory=pd.DataFrame)  # feature, bin, points (integers)
    base_points: int = 0

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def logit_bad(self, df: pd.DataFrame) -> np.ndarray:
        X = np.column_stack([b.transform(df[b.feature]) for b in self.binnings]) if self.binnings else np.zeros((len(df), 0))
        return self.intercept + X @ self.coefficients

    def probability(self, df: pd.DataFrame) -> np.ndarray:
        """P(bad) for each row."""
        return 1.0 / (1.0 + np.exp(-self.logit_bad(df)))

    def score(self, df: pd.DataFrame) -> np.ndarray:
        """Integer score of each row: base points + the points of the bin each feature falls in."""
        total = np.full(len(df), self.base_points, dtype=np.int64)
        for b in self.binnings:
            pts = self.points[self.points["feature"] == b.feature]["points"].to_numpy()
            idx = b.index(df[b.feature])
            total += np.where(idx >= 0, pts[np.clip(idx, 0, len(pts) - 1)], 0)
        return total

    def _scale(self) -> None:
        rows = []
        for b, coef in zip(self.binnings, self.coefficients):
            pts = np.round(-self.factor * coef * b.woe).astype(int)
            for label, p in zip(b.stats["bin"], pts):
                rows.append({"feature": b.feature, "bin": label, "points": int(p)})
        self.points = pd.DataFrame(rows, columns=["feature", "bin", "points"])
        self.base_points = int(round(self.offset - self.factor * self.intercept))


@dataclass
class ScorecardReport:
    card: Scorecard
    bins: pd.DataFrame            # every bin of every feature: counts, bad rate, WoE, IV, points
    iv: dict[str, float]          # information value per feature
    cv_auc: list[float]           # per fold
    cv_ks: list[float]
    rows: int
    bads: int

    @property
    def auc(self) -> float:
        return float(np.nanmean(self.cv_auc)) if self.cv_auc else float("nan")

    @property
    def ks(self) -> float:
        return float(np.nanmean(self.cv_ks)) if self.cv_ks else float("nan")

    @property
    def gini(self) -> float:
        return 2 * self.auc - 1


def fit(df: pd.DataFrame, target: str, features: Sequence[str] | None = None, *, n_bins: int = 5, pdo: float = 20,
        base_score: float = 600, base_odds: float = 50, ridge: float = 1e-6) -> Scorecard:
    """Fit bins, WoE and the logistic scorecard on all rows."""
    y = _target(df, target)
    feats = list(features) if features is not None else [c for c in df.columns if c != target]
    if not feats:
        raise ValueError("no feature columns")
    binnings = [fit_binning(df[f], y, f, n_bins) for f in feats]
    X = np.column_stack([b.transform(df[b.feature]) for b in binnings])
    b0, coefs = fit_logistic(X, y, ridge=ridge)
    card = Scorecard(binnings, b0, coefs, pdo, base_score, base_odds)
    card._scale()
    return card


def fit_report(df: pd.DataFrame, target: str, features: Sequence[str] | None = None, *, folds: int = 5, seed: int = 0,
               **kw: float) -> ScorecardReport:
    """Fit on all rows, and estimate AUC and KS on held-out data by stratified k-fold cross-validation."""
    y = _target(df, target)
    card = fit(df, target, features, **kw)  # type: ignore[arg-type]
    cv_auc, cv_ks = [], []
    for train, test in stratified_folds(y, folds, seed):
        if len(set(y[train].tolist())) < 2 or len(set(y[test].tolist())) < 2:
            continue
        c = fit(df.iloc[train], target, features, **kw)  # type: ignore[arg-type]
        s = c.score(df.iloc[test])
        cv_auc.append(auc(s, y[test]))
        cv_ks.append(ks(s, y[test]))
    bins = pd.concat([b.stats for b in card.binnings], ignore_index=True)
    bins["points"] = card.points["points"].to_numpy()
    iv = {b.feature: b.iv for b in card.binnings}
    return ScorecardReport(card, bins, iv, cv_auc, cv_ks, len(df), int(y.sum()))


def stratified_folds(y: np.ndarray, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """k (train, test) index pairs; each class is shuffled and dealt round-robin across the folds."""
    if k < 2:
        raise ValueError("need at least 2 folds")
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=int)
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        fold[idx] = np.arange(len(idx)) % k
    return [(np.flatnonzero(fold != f), np.flatnonzero(fold == f)) for f in range(k)]


def _target(df: pd.DataFrame, target: str) -> np.ndarray:
    if target not in df.columns:
        raise ValueError(f"no outcome column {target!r}")
    y = df[target].to_numpy()
    if pd.isna(y).any() or not np.isin(y.astype(float), (0.0, 1.0)).all():
        raise ValueError(f"outcome {target!r} must be 0 (good) or 1 (bad) on every row")
    return y.astype(float)
