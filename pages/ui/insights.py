"""Display-ready views of analytics' metrics (analytics/metrics.py, analytics/lineage.py,
analytics/credit_report.py) for the pages: amounts in token units, portfolio figures in USD at the
oracle's rates, the lineage of a donation as Sankey inputs. No streamlit, no SQL: the numbers are the
metrics'; this module only converts units and arranges them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import pandas as pd

from pages.ui.chainview import address

AssetTable = Mapping[int, tuple[str, int]]  # asset id -> (symbol, decimals); -1 is the native token


def symbol(asset: Any, assets: AssetTable) -> str:
    return assets.get(int(asset), (str(asset), 0))[0] if asset is not None and not pd.isna(asset) else "—"


def in_units(df: pd.DataFrame, columns: list[str], assets: AssetTable, asset_col: str = "asset") -> pd.DataFrame:
    """Exact smallest-unit amounts -> token units (floats, for display), per row's asset."""
    out = df.copy()
    scale = out[asset_col].map(lambda a: 10 ** assets.get(int(a), ("", 0))[1])
    for c in columns:
        if c in out.columns:
            out[c] = out[c].astype(float) / scale
    return out


def usd(amount_units: float, asset: int, rates: Mapping[int, float]) -> float:
    rate = rates.get(int(asset))
    return amount_units / rate if rate else math.nan


# -- lending ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Portfolio:
    loans: int
    active: int
    defaulted: int
    outstanding_usd: float
    par: dict[int, float]  # days -> share of outstanding (USD-weighted over assets)
    on_time_rate: float
    repayment_rate: float


def portfolio(book: pd.DataFrame, par_df: pd.DataFrame, perf: pd.DataFrame, assets: AssetTable,
              rates: Mapping[int, float]) -> Portfolio:
    """Portfolio-wide figures from lending_loan_book, lending_par and lending_performance, in USD."""
    out_usd = 0.0
    risk = {1: 0.0, 7: 0.0, 30: 0.0, 90: 0.0}
    for _, r in par_df.iterrows():
        scale = 10 ** assets.get(int(r["asset"]), ("", 0))[1]
        out_usd += usd(float(r["outstanding"]) / scale, int(r["asset"]), rates)
        for d in risk:
            risk[d] += usd(float(r[f"at_risk_{d}"]) / scale, int(r["asset"]), rates)
    due = float(perf["installments_due"].sum()) if not perf.empty else 0.0
    repaid_w = (perf["repayment_rate"] * perf["installments_due"]).sum() if not perf.empty else 0.0
    return Portfolio(
        loans=len(book), active=int((book["outstanding"] > 0).sum()) if not book.empty else 0,
        defaulted=int((book["status"] == "defaulted").sum()) if not book.empty else 0,
        outstanding_usd=out_usd, par={d: (v / out_usd if out_usd else 0.0) for d, v in risk.items()},
        on_time_rate=float(perf["paid_on_time"].sum() / due) if due else math.nan,
        repayment_rate=float(repaid_w / due) if due else math.nan)


def par_trend(points: list[tuple[int, pd.DataFrame]], assets: AssetTable, rates: Mapping[int, float],
              block_time: Callable[[int], Any]) -> pd.DataFrame:
    """PAR1/PAR30 over time from lending_par run as of several blocks (USD-weighted over assets)."""
    rows = []
    for block, df in points:
        p = portfolio(pd.DataFrame(), df, pd.DataFrame(), assets, rates)
        rows.append({"date": block_time(block), "par1": p.par[1], "par7": p.par[7], "par30": p.par[30],
                     "par90": p.par[90]})
    return pd.DataFrame(rows)


# -- donations ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sankey:
    labels: list[str]
    sources: list[int]
    targets: list[int]
    values: list[float]
    kinds: list[str]


def lineage_sankey(nodes: pd.DataFrame, edges: pd.DataFrame, decimals: int, labels: Mapping[str, str],
                   names: Mapping[str, str] | None = None) -> Sankey:
    """A donation's lineage graph (analytics.lineage) as Sankey inputs; accounts shown as short SS58, or
    their names for staff (`names`: 0x account -> name)."""
    index = {nid: i for i, nid in enumerate(nodes["id"])}
    text = []
    for _, n in nodes.iterrows():
        nid, kind = str(n["id"]), str(n["kind"])
        if nid.startswith("account:"):
            acc = nid.split(":", 1)[1]
            who = (names or {}).get(acc)
            if who is None and acc.startswith("0x") and len(acc) == 66:
                a = address(bytes.fromhex(acc[2:]))
                who = f"{a[:6]}…{a[-4:]}"
            text.append(f"{labels.get(kind, kind)} {who or acc}")
        else:
            text.append(f"{labels.get(kind, kind)} {nid.split(':', 1)[-1]}" if ":" in nid else labels.get(kind, str(n["label"])))
    e = edges[edges["amount"] > 0]
    return Sankey(text, [index[s] for s in e["source"]], [index[t] for t in e["target"]],
                  [float(a) / 10**decimals for a in e["amount"]], [str(k) for k in nodes["kind"]])
