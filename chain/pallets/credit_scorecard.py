"""The credit scorecard as pure integer arithmetic: behaviour counters -> (score 300..850, reason codes).

This module is the single definition of how a Puhui credit score is computed. The Credit pallet
(chain/pallets/credit.py) calls `compute_score` on chain; the analytics can rebuild the same `Features`
from indexed events and call it again to check every `ScoreUpdated` exactly. No floats anywhere.

A scorecard is data (chain storage, versioned, set by governance): a base, the newcomer rule, and for each
feature a list of bins `(threshold, points, reason)`. A feature's value falls in the last bin whose
threshold is <= the value (the first bin if below all). The score is base + the points of every feature,
clamped to 300..850. A feature "costs" the account `max points of the feature - points obtained`; the
reason codes are those of the bins that cost the most (at most four, largest cost first, ties in feature
order, each code once): adverse-action practice.

Newcomer rule: with fewer than `min_age_days` days since the account was first seen, or fewer than
`min_evidence` pieces of evidence (installments, defaults, group meetings, months with inflows), there is
no score, only the reason "Insufficient history". A newcomer is not a bad risk; they are unknown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MIN_SCORE = 300
MAX_SCORE = 850
MAX_REASONS = 4
NO_REASON = 0

# Reason codes: code -> (English, Chinese). Declared once; exposed as the Credit pallet's ReasonCodes constant.
R_INSUFFICIENT_HISTORY = 1
R_LATE_REPAYMENTS = 2
R_DAYS_LATE = 3
R_DEFAULTED = 4
R_NO_REPAYMENT_RECORD = 5
R_NO_LOAN_REPAID = 6
R_FEW_LOANS_REPAID = 7
R_IRREGULAR_SAVINGS = 8
R_NOT_SAVING = 9
R_FEW_INFLOWS = 10
R_SHORT_HISTORY = 11
R_LITTLE_ACTIVITY = 12
R_NO_VOUCHES = 13
R_FEW_VOUCHES = 14
R_NO_CREDENTIAL = 15

REASONS: dict[int, tuple[str, str]] = {
    R_INSUFFICIENT_HISTORY: ("Insufficient history", "信用记录不足"),
    R_LATE_REPAYMENTS: ("Late repayments", "还款有逾期"),
    R_DAYS_LATE: ("Many days late on repayments", "逾期天数较多"),
    R_DEFAULTED: ("Defaulted loan", "有违约贷款"),
    R_NO_REPAYMENT_RECORD: ("No loan repayment record yet", "尚无还款记录"),
    R_NO_LOAN_REPAID: ("No loan fully repaid yet", "尚无还清的贷款"),
    R_FEW_LOANS_REPAID: ("Few loans fully repaid", "还清的贷款较少"),
    R_IRREGULAR_SAVINGS: ("Irregular savings", "储蓄不规律"),
    R_NOT_SAVING: ("Not saving in a group", "未参加储蓄小组"),
    R_FEW_INFLOWS: ("Few regular inflows", "定期收入较少"),
    R_SHORT_HISTORY: ("Short account history", "账户历史较短"),
    R_LITTLE_ACTIVITY: ("Little account activity", "账户活动较少"),
    R_NO_VOUCHES: ("No vouches from members", "没有成员为其担保"),
    R_FEW_VOUCHES: ("Few vouches from members", "成员担保较少"),
    R_NO_CREDENTIAL: ("No financial-education credential", "未取得金融教育证书"),
}

# Features: id -> name. Ratios are in basis points; -1 means "no record" (e.g. never had an installment).
F_REPAYMENT = 1      # on-time share of installments, bps, or -1
F_DAYS_LATE = 2      # average days late per installment, or -1
F_DEFAULTS = 3       # loans defaulted
F_LOANS_REPAID = 4   # loans fully repaid
F_SAVINGS = 5        # share of group meetings saved at, bps, or -1
F_INFLOWS = 6        # months (30 days) with at least one inflow
F_AGE = 7            # days since first seen
F_ACTIVITY = 8       # financial actions taken
F_VOUCHES = 9        # vouch points (stake units x voucher standing)
F_CREDENTIALS = 10   # financial-education credentials
FEATURES: dict[int, str] = {
    F_REPAYMENT: "on_time_share_bps", F_DAYS_LATE: "avg_days_late", F_DEFAULTS: "defaults",
    F_LOANS_REPAID: "loans_repaid", F_SAVINGS: "savings_regularity_bps", F_INFLOWS: "inflow_months",
    F_AGE: "age_days", F_ACTIVITY: "activity", F_VOUCHES: "vouch_points", F_CREDENTIALS: "credentials",
}

DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Features:
    """What the scorecard looks at: an account's counters plus its age in days at scoring time."""

    on_time: int = 0
    late: int = 0
    days_late: int = 0
    defaults: int = 0
    loans_repaid: int = 0
    savings_regular: int = 0
    savings_missed: int = 0
    inflow_months: int = 0
    age_days: int = 0
    activity: int = 0
    vouch_points: int = 0
    credentials: int = 0

    @property
    def evidence(self) -> int:
        """Pieces of behaviour the score can rest on."""
        return (self.on_time + self.late + self.defaults + self.savings_regular + self.savings_missed
                + self.inflow_months)

    def value(self, feature: int) -> int:
        """The integer a feature's bins are matched against."""
        paid = self.on_time + self.late
        meetings = self.savings_regular + self.savings_missed
        if feature == F_REPAYMENT:
            return self.on_time * 10_000 // paid if paid else -1
        if feature == F_DAYS_LATE:
            return self.days_late // paid if paid else -1
        if feature == F_SAVINGS:
            return self.savings_regular * 10_000 // meetings if meetings else -1
        simple = {F_DEFAULTS: self.defaults, F_LOANS_REPAID: self.loans_repaid, F_INFLOWS: self.inflow_months,
                  F_AGE: self.age_days, F_ACTIVITY: self.activity, F_VOUCHES: self.vouch_points,
                  F_CREDENTIALS: self.credentials}
        if feature not in simple:
            raise ValueError(f"unknown feature {feature}")
        return simple[feature]


@dataclass(frozen=True)
class Bin:
    threshold: int
    points: int
    reason: int


@dataclass(frozen=True)
class Scorecard:
    """Versioned scorecard parameters (the chain stores them as the SCORECARD SCALE struct)."""

    version: int
    base: int
    min_age_days: int
    min_evidence: int
    features: dict[int, tuple[Bin, ...]] = field(default_factory=dict)

    def validate(self) -> None:
        """ValueError naming the first problem: unknown feature or reason, empty or unordered bins."""
        if not 0 <= self.base <= MAX_SCORE:
            raise ValueError(f"base {self.base} outside 0..{MAX_SCORE}")
        for fid, bins in self.features.items():
            if fid not in FEATURES:
                raise ValueError(f"unknown feature {fid}")
            if not bins:
                raise ValueError(f"feature {fid} has no bins")
            ths = [b.threshold for b in bins]
            if any(a >= b for a, b in zip(ths, ths[1:])):
                raise ValueError(f"feature {fid}: thresholds must strictly increase")
            for b in bins:
                if b.reason != NO_REASON and b.reason not in REASONS:
                    raise ValueError(f"feature {fid}: unknown reason code {b.reason}")
                if not -1000 <= b.points <= 1000:
                    raise ValueError(f"feature {fid}: points {b.points} outside -1000..1000")

    def to_value(self) -> dict[str, Any]:
        return {"version": self.version, "base": self.base, "min_age_days": self.min_age_days,
                "min_evidence": self.min_evidence,
                "features": [{"feature": f, "bins": [{"threshold": b.threshold, "points": b.points, "reason": b.reason}
                                                     for b in bins]} for f, bins in sorted(self.features.items())]}

    @classmethod
    def from_value(cls, v: dict[str, Any]) -> "Scorecard":
        return cls(v["version"], v["base"], v["min_age_days"], v["min_evidence"],
                   {fb["feature"]: tuple(Bin(b["threshold"], b["points"], b["reason"]) for b in fb["bins"])
                    for fb in v["features"]})


def bin_for(bins: tuple[Bin, ...], value: int) -> Bin:
    """The last bin whose threshold is <= value (the first bin when the value is below them all)."""
    chosen = bins[0]
    for b in bins:
        if b.threshold <= value:
            chosen = b
        else:
            break
    return chosen


def compute_score(f: Features, card: Scorecard) -> tuple[int | None, list[int]]:
    """(score, reason codes) for these features under this scorecard; (None, [1]) for a newcomer."""
    if f.age_days < card.min_age_days or f.evidence < card.min_evidence:
        return None, [R_INSUFFICIENT_HISTORY]
    total = card.base
    costs: list[tuple[int, int, int]] = []
    for fid in sorted(card.features):
        bins = card.features[fid]
        got = bin_for(bins, f.value(fid))
        total += got.points
        cost = max(b.points for b in bins) - got.points
        if cost > 0 and got.reason != NO_REASON:
            costs.append((-cost, fid, got.reason))
    costs.sort()
    reasons: list[int] = []
    for _, _, code in costs:
        if code not in reasons:
            reasons.append(code)
        if len(reasons) == MAX_REASONS:
            break
    return max(MIN_SCORE, min(MAX_SCORE, total)), reasons


def explain(reasons: list[int], lang: str = "en") -> list[str]:
    """Reason codes in plain words ("en" or "zh")."""
    i = 1 if lang == "zh" else 0
    return [REASONS[c][i] if c in REASONS else f"reason {c}" for c in reasons]


def _bins(*rows: tuple[int, int, int]) -> tuple[Bin, ...]:
    return tuple(Bin(*r) for r in rows)


# Version 1, installed at genesis. Best bins sum to 550, so base 300 + 550 = 850.
DEFAULT_SCORECARD = Scorecard(
    version=1, base=300, min_age_days=30, min_evidence=3,
    features={
        F_REPAYMENT: _bins((-1, 60, R_NO_REPAYMENT_RECORD), (0, 0, R_LATE_REPAYMENTS), (5000, 30, R_LATE_REPAYMENTS),
                           (7500, 60, R_LATE_REPAYMENTS), (9000, 95, R_LATE_REPAYMENTS),
                           (9500, 115, R_LATE_REPAYMENTS), (10000, 130, NO_REASON)),
        F_DAYS_LATE: _bins((-1, 35, R_NO_REPAYMENT_RECORD), (0, 70, NO_REASON), (1, 50, R_DAYS_LATE), (3, 30, R_DAYS_LATE),
                           (7, 10, R_DAYS_LATE), (15, 0, R_DAYS_LATE), (30, -20, R_DAYS_LATE)),
        F_DEFAULTS: _bins((0, 90, NO_REASON), (1, -10, R_DEFAULTED), (2, -60, R_DEFAULTED)),
        F_LOANS_REPAID: _bins((0, 0, R_NO_LOAN_REPAID), (1, 20, R_FEW_LOANS_REPAID), (3, 40, NO_REASON)),
        F_SAVINGS: _bins((-1, 20, R_NOT_SAVING), (0, 0, R_IRREGULAR_SAVINGS), (5000, 20, R_IRREGULAR_SAVINGS),
                         (7500, 40, R_IRREGULAR_SAVINGS), (9000, 60, NO_REASON)),
        F_INFLOWS: _bins((0, 0, R_FEW_INFLOWS), (1, 10, R_FEW_INFLOWS), (3, 25, R_FEW_INFLOWS), (6, 40, R_FEW_INFLOWS),
                         (9, 50, NO_REASON)),
        F_AGE: _bins((0, 0, R_SHORT_HISTORY), (60, 10, R_SHORT_HISTORY), (120, 20, R_SHORT_HISTORY),
                     (240, 30, R_SHORT_HISTORY), (365, 40, NO_REASON)),
        F_ACTIVITY: _bins((0, 0, R_LITTLE_ACTIVITY), (10, 5, R_LITTLE_ACTIVITY), (30, 10, R_LITTLE_ACTIVITY),
                          (100, 15, R_LITTLE_ACTIVITY), (200, 20, NO_REASON)),
        F_VOUCHES: _bins((0, 0, R_NO_VOUCHES), (1, 10, R_FEW_VOUCHES), (4, 20, R_FEW_VOUCHES), (8, 30, NO_REASON)),
        F_CREDENTIALS: _bins((0, 0, R_NO_CREDENTIAL), (1, 20, NO_REASON)),
    },
)


# -- from the stored counters (the Credit pallet's Behaviour record) -----------------------------------

def features_from_record(record: dict[str, Any], block: int, blocks_per_day: int) -> Features:
    """Features of a Credit.Behaviour record as seen at `block` (the account's age grows with time)."""
    age = (block - record["first_seen"]) // max(1, blocks_per_day) if block >= record["first_seen"] else 0
    return Features(
        on_time=record["on_time"], late=record["late"], days_late=record["days_late"], defaults=record["defaults"],
        loans_repaid=record["loans_repaid"], savings_regular=record["savings_regular"],
        savings_missed=record["savings_missed"], inflow_months=record["inflow_months"], age_days=age,
        activity=record["activity"], vouch_points=record["vouch_points"], credentials=record["credentials"],
    )


# Vouch weight: stake units (capped) x the voucher's standing.
MAX_STAKE_UNITS = 5


def voucher_standing(score: int | None) -> int:
    """Weight of a voucher's word by their own score: unknown 1, below 580 1, 580-669 2, 670-739 3, 740+ 4."""
    if score is None or score < 580:
        return 1
    if score < 670:
        return 2
    if score < 740:
        return 3
    return 4


def vouch_points(stake: int, unit: int, voucher_score: int | None) -> int:
    """Points one vouch gives: whole stake units (at most 5) times the voucher's standing; 0 below one unit."""
    units = min(stake // unit, MAX_STAKE_UNITS) if unit > 0 else 0
    return units * voucher_standing(voucher_score)


def month_of(block: int, blocks_per_day: int) -> int:
    """The 30-day month a block falls in (inflow regularity counts months with inflows)."""
    return block // (DAYS_PER_MONTH * max(1, blocks_per_day))
