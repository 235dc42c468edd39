"""The dashboard's metrics: each a named query (analytics/sql/metrics/<name>.sql) with bound parameters.

    from analytics.metrics import METRICS, run_metric
    df = run_metric(db, "lending_par")                    # as of the last indexed block
    df = run_metric(db, "lending_par", as_of_block=1200)  # or any earlier block

Amount columns are exact integers in the asset's smallest unit (HUGEINT; pandas shows them as float64, so
convert to display units at the chart edge with the asset's decimals, or use `run_metric_arrow` / the
export functions for exact values). Ratios are floats. `audience` says who may see a metric: "all", or
"staff" for metrics built on the off-chain registry (see analytics/credit_report.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from analytics.db import AnalyticsDB


@dataclass(frozen=True)
class Metric:
    name: str
    domain: str                      # lending | remittance | donations | credit | community | education | chain
    title: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)  # parameter -> default
    audience: str = "all"

    @property
    def sql(self) -> str:
        return f"metrics/{self.name}"


AS_OF = {"as_of_block": None}

METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("chain_activity_by_day", "chain", "Activity by day",
           "Blocks, signed extrinsics (failed ones too), events and distinct signers per day."),
    Metric("transfer_volume_by_day", "chain", "Value moved by day",
           "Transfers, cash-ins and cash-outs of one asset per day, exact amounts.", {"asset": -1}),
    Metric("lending_loan_book", "lending", "Loan book",
           "Every disbursed loan: status, outstanding principal, interest and fees paid, days past due.", AS_OF),
    Metric("lending_par", "lending", "Portfolio at risk",
           "Share of outstanding principal on loans 1, 7, 30 and 90 or more days past due, per asset.", AS_OF),
    Metric("lending_performance", "lending", "Repayment, write-offs and yield",
           "On-time and repayment rates of installments fallen due, write-off and default ratios, portfolio "
           "yield (interest and fees per year over the average outstanding principal), per asset.", AS_OF),
    Metric("lending_vintages", "lending", "Vintage curves",
           "Cumulative defaulted and repaid shares of each monthly disbursement cohort by months on book.", AS_OF),
    Metric("remittance_overview", "remittance", "Remittances at a glance",
           "Count, senders, corridors, average total cost and the share at or below the SDG target of 3%.", AS_OF),
    Metric("remittance_corridors", "remittance", "Cost by corridor",
           "Volume and average total cost per corridor beside the World Bank RPW corridor average and the SDG "
           "target.", AS_OF),
    Metric("remittance_timing", "remittance", "From sending to cash-out",
           "Collected, refunded and pending remittances per corridor and the days from sending to collection.",
           AS_OF),
    Metric("donation_campaigns", "donations", "Campaigns",
           "Raised, disbursed, refunded and unspent per campaign; the share reaching beneficiaries and the "
           "overhead against its cap.", AS_OF),
    Metric("donation_purposes", "donations", "Where donations went",
           "Disbursed amounts by purpose (operations is overhead).", AS_OF),
    Metric("credit_latest_scores", "credit", "Scores now",
           "Each account's latest score with its reasons in plain words (English and Chinese).", AS_OF),
    Metric("credit_score_distribution", "credit", "Score distribution",
           "Latest scores in 50-point bands, and accounts with insufficient history.", AS_OF),
    Metric("credit_score_history", "credit", "Score history",
           "Scored and unscored accounts and score quartiles at the end of each 30-day month."),
    Metric("credit_reason_counts", "credit", "What holds scores back",
           "How often each reason code leads an account's latest score.", AS_OF),
    Metric("credit_loan_outcomes", "credit", "Scores and loan outcomes",
           "Each loan request with the score at the time, the decision and whether the loan defaulted.", AS_OF),
    Metric("savings_groups", "community", "Savings groups",
           "Per group and cycle: savings, attendance, loans, service charges, share-out and its return."),
    Metric("education_courses", "education", "Courses",
           "Enrolments, module results, completions (credentials) and learner ratings per course."),
    Metric("credentials_vs_repayment", "education", "Credentials and repayment",
           "On-time repayment and default rates of borrowers with and without a financial-education credential."),
)}


class UnknownMetric(KeyError):
    """Raised for a metric name that is not in METRICS."""

    def __str__(self) -> str:
        return f"no metric {self.args[0]!r}; metrics: {', '.join(sorted(METRICS))}"


def _params(name: str, params: dict[str, Any]) -> tuple[Metric, dict[str, Any]]:
    m = METRICS.get(name)
    if m is None:
        raise UnknownMetric(name)
    unknown = set(params) - set(m.params)
    if unknown:
        raise TypeError(f"metric {name} takes {sorted(m.params) or 'no parameters'}, not {sorted(unknown)}")
    return m, {**m.params, **params}


def run_metric(db: AnalyticsDB, name: str, /, **params: Any) -> pd.DataFrame:
    """A metric's result as a DataFrame (amounts as float64: for charts)."""
    m, p = _params(name, params)
    return db.query(m.sql, **p)


def run_metric_arrow(db: AnalyticsDB, name: str, /, **params: Any) -> pa.Table:
    """A metric's result as Arrow (amounts exact, decimal128)."""
    m, p = _params(name, params)
    return db.query_arrow(m.sql, **p)


def run_metric_rows(db: AnalyticsDB, name: str, /, **params: Any) -> list[dict[str, Any]]:
    """A metric's rows as dicts of Python values (amounts exact ints)."""
    m, p = _params(name, params)
    cur = db.run(m.sql, p)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
