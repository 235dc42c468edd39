"""Fit new credit-score parameters from chain history and publish them through the Credit pallet's
governance call.

1. `training_table(db)`: one row per resolved loan (repaid or defaulted): the borrower's scorecard features
   when they asked for it (rebuilt from the indexed events by analytics/credit_replay.py) and the outcome.
2. `fit_chain_scorecard(table, version=...)`: the generic fitter (analytics/scorecard.py: quantile bins, WoE,
   logistic regression, points) on those features, turned into the chain's scorecard shape (integer
   thresholds and points per feature bin, a base, reason codes) and validated like the chain validates it.
3. `publish_scorecard(client, sudo_signer, card)`: submits `Sudo.sudo(Credit.set_scorecard(card))`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.credit_replay import replay_scores
from analytics.db import AnalyticsDB
from analytics.scorecard import ScorecardReport, fit_report
from chain.pallets.credit_scorecard import (
    DEFAULT_SCORECARD, FEATURES, MAX_SCORE, NO_REASON, Bin, Scorecard, bin_for,
)

FEATURE_IDS: dict[str, int] = {name: fid for fid, name in FEATURES.items()}
OUTCOME = "defaulted"


def training_table(db: AnalyticsDB) -> pd.DataFrame:
    """Resolved loans with the borrower's features at request (columns named as the chain's FEATURES) and
    `defaulted` (1 defaulted / written off, 0 repaid). Loans still running are left out."""
    report = replay_scores(db)
    outcomes = dict(db.sql(
        "SELECT loan_id, max(CASE WHEN status IN ('defaulted', 'written_off') THEN 1 ELSE 0 END) "
        "FROM loan_status_changes WHERE status IN ('defaulted', 'written_off', 'repaid') GROUP BY loan_id").fetchall())
    rows = []
    for loan, (who, block, feats) in sorted(report.request_features.items()):
        if loan not in outcomes:
            continue
        row: dict[str, Any] = {"loan_id": loan, "account": who, "block_number": block}
        row.update({name: feats.value(fid) for fid, name in FEATURES.items()})
        row[OUTCOME] = int(outcomes[loan])
        rows.append(row)
    return pd.DataFrame(rows, columns=["loan_id", "account", "block_number", *FEATURES.values(), OUTCOME])


@dataclass(frozen=True)
class ChainScorecardFit:
    card: Scorecard          # ready for Credit.set_scorecard
    report: ScorecardReport  # bins, WoE, IV, cross-validated AUC and KS of the fitted model


def fit_chain_scorecard(table: pd.DataFrame, version: int, *, base_card: Scorecard = DEFAULT_SCORECARD,
                        features: list[str] | None = None, n_bins: int = 5, folds: int = 5, pdo: float = 20,
                        base_score: float = 600, base_odds: float = 50, seed: int = 0) -> ChainScorecardFit:
    """Fit a scorecard on `training_table` rows and express it in the chain's integer form.

    Each chain feature keeps the fitted quantile bins (its first bin starts at the lowest value seen); its
    points are the fitted points; reason codes come from `base_card` (the bin of the base card the new bin
    starts in), and the best bin of each feature gives no reason. The newcomer rule is `base_card`'s.
    """
    names = features or [n for n in FEATURES.values() if n in table.columns]
    data = table[names + [OUTCOME]].astype(float)
    report = fit_report(data, OUTCOME, names, folds=folds, seed=seed, n_bins=n_bins, pdo=pdo,
                        base_score=base_score, base_odds=base_odds)
    fitted = report.card
    chain_features: dict[int, tuple[Bin, ...]] = {}
    for b in fitted.binnings:
        fid = FEATURE_IDS[b.feature]
        pts = fitted.points[fitted.points["feature"] == b.feature]["points"].tolist()
        lowest = int(np.floor(np.nanmin(table[b.feature].to_numpy(dtype=float)))) if len(table) else 0
        thresholds = [min(lowest, int(b.edges[0]) - 1) if b.edges else lowest] + [int(e) for e in b.edges]
        pts = pts[: len(thresholds)]  # (no missing values in chain features)
        best = max(pts)
        base_bins = base_card.features.get(fid, ())
        bins = []
        for t, p in zip(thresholds, pts):
            reason = NO_REASON
            if p < best and base_bins:
                reason = bin_for(base_bins, t).reason or _any_reason(base_bins)
            bins.append(Bin(t, int(p), reason))
        chain_features[fid] = tuple(bins)
    base = int(fitted.base_points)
    if not 0 <= base <= MAX_SCORE:  # move the excess into one feature's bins: same totals, a valid base
        shift = base - min(max(base, 0), MAX_SCORE)
        fid = min(chain_features)
        chain_features[fid] = tuple(Bin(x.threshold, x.points + shift, x.reason) for x in chain_features[fid])
        base -= shift
    card = Scorecard(version, base, base_card.min_age_days, base_card.min_evidence, chain_features)
    card.validate()
    return ChainScorecardFit(card, report)


def _any_reason(bins: tuple[Bin, ...]) -> int:
    return next((b.reason for b in bins if b.reason != NO_REASON), NO_REASON)


def set_scorecard_call(card: Scorecard) -> tuple[str, tuple[str, dict[str, Any]]]:
    """The runtime call value `Credit.set_scorecard(card)`."""
    return ("Credit", ("set_scorecard", {"scorecard": card.to_value()}))


def publish_scorecard(client: Any, sudo_signer: Any, card: Scorecard) -> Any:
    """Install `card` on chain through governance (`Sudo.sudo(Credit.set_scorecard)`); returns the receipt.
    The chain refuses a version not above the current one (Credit.StaleScorecardVersion)."""
    card.validate()
    return client.sign_and_submit(sudo_signer, "Sudo", "sudo", {"call": set_scorecard_call(card)})
