"""Lending: the portfolio and its risk (PAR and its trend, repayment, yield, vintages), and one loan's page
with its schedule and its on-chain event timeline."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import state
from pages.ui.fmt import fmt_compact, fmt_int, fmt_num, fmt_pct
from pages.ui.i18n import status_label
from pages.ui.insights import in_units, par_trend, portfolio, symbol
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import localized, localized_status, metrics, page, plot, table

TREND_POINTS = 12


def trend_section(assets: dict, rates: dict) -> None:
    head = state.indexed_block()
    per_day, genesis_ms = state.domain_cached("calendar_basis")
    step = max(per_day, head // TREND_POINTS)
    blocks = list(range(step, head, step)) + [head]
    points = [(b, state.metric("lending_par", as_of_block=b)) for b in blocks]
    df = par_trend(points, assets, rates, lambda b: pd.Timestamp(genesis_ms + b * 86_400_000 // per_day, unit="ms"))
    plot("lines", df, "date", ["par1", "par7", "par30", "par90"], ["PAR1", "PAR7", "PAR30", "PAR90"], T("ln.par_trend"),
         percent=True, key="ln_par_trend")
    late: pd.DataFrame = state.views_cached("event_counts_by_day", "Lending", "InstallmentLate")
    paid: pd.DataFrame = state.views_cached("event_counts_by_day", "Lending", "InstallmentPaid")
    both = late.rename(columns={"n": "late"}).merge(paid[["day", "n"]].rename(columns={"n": "paid"}), on="day")
    plot("lines", both, "date", ["paid", "late"], [T("ln.paid"), T("ln.late")], T("ln.trend"), key="ln_trend")


def tables_section(assets: dict) -> None:
    par_df = state.metric("lending_par")
    perf = state.metric("lending_performance")
    if not par_df.empty:
        shown = in_units(par_df, ["outstanding", "at_risk_1", "at_risk_7", "at_risk_30", "at_risk_90"], assets)
        shown.insert(0, "token", shown["asset"].map(lambda a: symbol(a, assets)))
        st.markdown(f"**{T('ln.par_by_asset')}**")
        table(localized(shown.drop(columns=["asset"]), "ln.m"), "lending_par", "ln_par")
    if not perf.empty:
        shown = in_units(perf, ["disbursed", "principal_repaid", "interest_and_fees", "written_off", "defaulted",
                                "avg_outstanding"], assets)
        shown.insert(0, "token", shown["asset"].map(lambda a: symbol(a, assets)))
        st.markdown(f"**{T('ln.performance')}**")
        table(localized(shown.drop(columns=["asset"]), "ln.m"), "lending_performance", "ln_perf")
    vint = state.metric("lending_vintages")
    if not vint.empty:
        top = vint.groupby("asset")["disbursed"].sum().idxmax()
        v = vint[vint["asset"] == top].pivot_table(index="months_on_book", columns="cohort_month",
                                                   values="defaulted_share").reset_index()
        cohorts = [c for c in v.columns if c != "months_on_book"]
        plot("lines", v, "months_on_book", cohorts, [T("ln.cohort", m=int(c) + 1) for c in cohorts],
             T("ln.vintages", token=symbol(top, assets)), percent=True, key="ln_vintages")


def loan_section() -> None:
    st.subheader(T("ln.one"))
    L = lang()
    head = state.head()
    loans: pd.DataFrame = state.domain_cached("loans", head)
    if loans.empty:
        st.caption(T("msg.no_rows"))
        return
    shown = loans.drop(columns=["lender"])
    if state.is_staff():
        shown.insert(2, "name", shown["borrower"].map(state.names_ss58()).fillna(""))
    with st.expander(T("ln.all_loans")):
        table(localized(localized_status(shown, "loan"), "ln.col"), "loans", "ln_loans")
    lid = st.selectbox(T("ln.pick"), loans["id"].tolist()[::-1], key="ln_pick")
    if lid is None:
        return
    row = loans[loans["id"] == lid].iloc[0]
    metrics([(T("ln.col.principal"), fmt_num(row["principal"], 2, L) + f" {row['asset']}"),
             (T("ln.col.outstanding"), fmt_num(row["outstanding"], 2, L) + f" {row['asset']}"),
             (T("ln.col.status"), status_label("loan", row["status"], L)),
             (T("ln.col.days_past_due"), fmt_int(row["days_past_due"], L))])
    sched: pd.DataFrame = state.domain_cached("schedule", int(lid), head)
    st.markdown(f"**{T('ln.schedule')}**")
    table(localized(localized_status(sched, "installment", "state"), "ln.col"), f"loan_{lid}_schedule", "ln_schedule")
    st.markdown(f"**{T('ln.timeline')}**")
    event_timeline("Lending", "loan_id", int(lid), "ln_timeline")


@page
def render() -> None:
    st.title(T("ln.title"))
    st.caption(T("ln.caption"))
    state.require_pallet("Lending")
    book = state.metric("lending_loan_book")
    if book.empty:
        st.info(T("ln.none"))
        loan_section()
        return
    L = lang()
    assets, rates = state.asset_table(), state.usd_rates()
    p = portfolio(book, state.metric("lending_par"), state.metric("lending_performance"), assets, rates)
    metrics([
        (T("ln.loans"), fmt_int(p.loans, L)),
        (T("ln.active"), fmt_int(p.active, L)),
        (T("ln.outstanding"), fmt_compact(p.outstanding_usd, L), f"{fmt_num(p.outstanding_usd, 2, L)} USD. " + T("ln.usd_help")),
        (T("ln.par", n=30), fmt_pct(p.par[30], 1, L), T("ln.par_help")),
        (T("ln.on_time"), fmt_pct(p.on_time_rate, 1, L), T("ln.on_time_help")),
        (T("ln.defaulted"), fmt_int(p.defaulted, L)),
    ])
    trend_section(assets, rates)
    tables_section(assets)
    loan_section()


render()
