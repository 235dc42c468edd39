"""Credit-model validation over the indexed chain: how well scores at loan request rank later defaults
(AUC, KS, Gini), calibration by score band, population stability (PSI) by month, and, for staff only,
the four-fifths ratio of approval rates across groups of the off-chain registry.

The statistics are the pure functions of analytics/credit_metrics.py applied to the rows of the
`credit_loan_outcomes` metric (one row a loan request: score when asking, decision, outcome).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analytics.credit_metrics import FourFifths, auc, bin_counts, calibration, four_fifths, ks, psi
from analytics.db import AnalyticsDB
from analytics.metrics import run_metric

# Score bands (lower bounds; the last bound closes the range): poor, fair, good, very good, excellent.
BANDS: tuple[int, ...] = (300, 580, 670, 740, 800, 851)


@dataclass(frozen=True)
class Discrimination:
    loans: int   # loans with a score at request and a known outcome
    bads: int    # of which defaulted
    auc: float   # NaN when there are no goods or no bads yet
    ks: float

    @property
    def gini(self) -> float:
        return 2 * self.auc - 1


def loan_outcomes(db: AnalyticsDB, as_of_block: int | None = None) -> pd.DataFrame:
    return run_metric(db, "credit_loan_outcomes", as_of_block=as_of_block)


def _resolved(df: pd.DataFrame) -> pd.DataFrame:
    """Scored loans whose outcome is known (defaulted or repaid)."""
    return df[df["score"].notna() & df["defaulted"].notna()]


def score_vs_default(db: AnalyticsDB, as_of_block: int | None = None) -> Discrimination:
    """AUC, KS and Gini of the score at request against the loan's later default."""
    r = _resolved(loan_outcomes(db, as_of_block))
    s, y = r["score"].to_numpy(dtype=float), r["defaulted"].to_numpy(dtype=int)
    return Discrimination(len(r), int(y.sum()), auc(s, y), ks(s, y))


def calibration_by_band(db: AnalyticsDB, edges: Sequence[float] = BANDS, as_of_block: int | None = None) -> pd.DataFrame:
    """Observed default rate of resolved loans per score band at request (a good score falls band by band)."""
    r = _resolved(loan_outcomes(db, as_of_block))
    rows = calibration(r["score"].to_numpy(dtype=float), r["defaulted"].to_numpy(dtype=int), edges)
    return pd.DataFrame([{"band": b.band, "low": b.low, "high": b.high, "loans": b.accounts, "defaults": b.bads,
                          "default_rate": b.bad_rate} for b in rows])


def psi_by_month(db: AnalyticsDB, edges: Sequence[float] = BANDS, baseline_month: int | None = None) -> pd.DataFrame:
    """Population stability of the applicants' scores: each 30-day month's score distribution (over the bands)
    against the baseline month's (default: the first month with scored requests)."""
    df = loan_outcomes(db)
    df = df[df["score"].notna()]
    cols = ["month", "requests", "psi"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    inner = list(edges[1:-1])
    counts = {int(m): bin_counts(g["score"].to_numpy(dtype=float), inner) for m, g in df.groupby("month")}
    base = min(counts) if baseline_month is None else baseline_month
    if base not in counts:
        raise ValueError(f"no scored loan requests in baseline month {base}")
    return pd.DataFrame([{"month": m, "requests": int(c.sum()), "psi": psi(counts[base], c)}
                         for m, c in sorted(counts.items())], columns=cols)


def approval_fairness(db: AnalyticsDB, groups: Mapping[str, str], as_of_block: int | None = None,
                      threshold: float = 0.8) -> tuple[FourFifths, pd.DataFrame]:
    """Staff only. Approval rates of decided loan requests (approved, or rejected/cancelled) per group of the
    off-chain registry (`groups`: account hex -> group label, e.g. from `groups_from_registry`), and the
    four-fifths ratios. Requests from accounts not in `groups` are counted as "unknown"."""
    df = loan_outcomes(db, as_of_block)
    decided = df[df["approved"].notna()]
    labels = [groups.get(a, "unknown") for a in decided["account"]]
    result = four_fifths(labels, decided["approved"].astype(bool).tolist(), threshold)
    table = pd.DataFrame({"group": labels, "approved": decided["approved"].astype(bool).to_numpy()})
    summary = table.groupby("group").agg(decided=("approved", "size"), approved=("approved", "sum")).reset_index()
    summary["approval_rate"] = summary["approved"] / summary["decided"]
    summary["ratio_to_highest"] = summary["group"].map(result.ratios)
    summary["flagged"] = summary["group"].isin(result.flagged)
    return result, summary


def groups_from_registry(people: Iterable[tuple[bytes, Any]], attribute: str = "gender") -> dict[str, str]:
    """Account hex -> the value of one attribute of the off-chain registry's records (gender, village, ...).

    `people` are (account id, record) pairs, e.g. `chain.scenario.registry.load_registry(dir, key).items()`.
    """
    out = {}
    for account, record in people:
        value = record.get(attribute) if isinstance(record, Mapping) else getattr(record, attribute, None)
        out["0x" + bytes(account).hex()] = "unknown" if value is None else str(value)
    return out


def band_of(score: float, edges: Sequence[float] = BANDS) -> str:
    i = int(np.searchsorted(np.asarray(edges[1:-1], dtype=float), score, side="right"))
    return f"{edges[i]:g}-{edges[i + 1]:g}"
