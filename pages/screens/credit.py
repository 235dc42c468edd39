"""Credit scores: the distribution and its history; one account's score, history and reason codes; a what-if
view; and for staff, the model's quality (AUC, KS, Gini, calibration, stability) and fairness (four-fifths)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import state
from pages.ui.chainview import hexs, parse_account
from pages.ui.domain import reason_text
from pages.ui.fmt import fmt_int, fmt_num, fmt_pct
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import localized, metrics, page, plot, staff_only, table


def account_section(latest: pd.DataFrame) -> None:
    st.subheader(T("cr.account"))
    L = lang()
    who_text = st.selectbox(T("cr.pick"), latest["ss58"].tolist(), key="cr_pick", index=None,
                            placeholder=T("cr.pick_ph"), accept_new_options=True)
    if not who_text:
        return
    who = parse_account(who_text)
    if who is None:
        st.warning(T("ex.unknown_query", text=who_text))
        return
    row = latest[latest["account"] == hexs(who)]
    if row.empty:
        st.info(T("cr.no_score"))
        return
    r = row.iloc[0]
    score = r["score"]
    st.metric(T("cr.score"), T("cr.insufficient") if pd.isna(score) else fmt_int(int(score), L), border=True)
    st.markdown(f"**{T('cr.reasons')}**")
    for text in r["reasons_zh" if L == "zh" else "reasons_en"]:
        st.markdown(f"- {text}")
    st.markdown(f"**{T('cr.history')}**")
    event_timeline("Credit", "who", hexs(who), "cr_history")
    st.markdown(f"**{T('cr.what_if')}**")
    c1, c2 = st.columns(2)
    punctual = c1.number_input(T("cr.punctual"), 0, 24, 3, key="cr_punctual")
    late = c2.number_input(T("cr.late"), 0, 24, 0, key="cr_late")
    new_score, new_reasons = state.domain_cached("what_if", who, int(punctual), int(late), int(late) * 10)
    st.metric(T("cr.would_be"), T("cr.insufficient") if new_score is None else fmt_int(new_score, L),
              delta=None if new_score is None or pd.isna(score) else int(new_score) - int(score), border=True)
    if new_reasons:
        st.caption(T("cr.then_reasons") + ": " + "; ".join(reason_text(int(c), L) for c in new_reasons))


def quality_section() -> None:
    st.subheader(T("cr.quality"))
    if not staff_only():
        return
    L = lang()
    d = state.analytics_cached("analytics.credit_report", "score_vs_default")
    if not d.loans or not d.bads:
        st.caption(T("cr.quality_none"))
    else:
        metrics([(T("cr.auc"), fmt_num(d.auc, 3, L)), (T("cr.ks"), fmt_num(d.ks, 3, L)),
                 (T("cr.gini"), fmt_num(d.gini, 3, L)), (T("cr.outcomes"), fmt_int(d.loans, L)),
                 (T("cr.bads"), fmt_int(d.bads, L))])
        cal = state.analytics_cached("analytics.credit_report", "calibration_by_band")
        if not cal.empty:
            plot("bars", cal, "band", ["default_rate"], [T("cr.default_rate")], T("cr.calibration"), percent=True,
                 key="cr_calibration")
        psi = state.analytics_cached("analytics.credit_report", "psi_by_month")
        if not psi.empty:
            plot("lines", psi, "month", ["psi"], ["PSI"], T("cr.psi"), hlines=((0.1, "0.10"), (0.25, "0.25")),
                 key="cr_psi")
    reg = state.registry()
    if reg is None:
        st.caption(T("cr.no_registry"))
        return
    groups = state.resolve("analytics.credit_report", "groups_from_registry")(reg.items())
    result, summary = state.analytics_cached("analytics.credit_report", "approval_fairness", groups)
    st.markdown(f"**{T('cr.fairness')}**")
    table(localized(summary, "cr.f"), "approval_fairness", "cr_fairness", download=False)
    (st.warning if result.flagged else st.success)(T("cr.four_fifths", ratio=fmt_num(result.min_ratio, 2, L)))


@page
def render() -> None:
    st.title(T("cr.title"))
    st.caption(T("cr.caption"))
    state.require_pallet("Credit")
    latest = state.metric("credit_latest_scores")
    if latest.empty:
        st.info(T("cr.none"))
        return
    L = lang()
    scored = latest["score"].dropna()
    metrics([(T("cr.accounts"), fmt_int(len(latest), L)), (T("cr.scored"), fmt_int(len(scored), L)),
             (T("cr.insufficient_n"), fmt_int(len(latest) - len(scored), L), T("cr.insufficient_help")),
             (T("cr.median"), fmt_int(float(scored.median()), L) if len(scored) else "—")])
    dist = state.metric("credit_score_distribution")
    if not dist.empty:
        dist = dist.assign(band=[T("cr.insufficient") if pd.isna(lo) else f"{int(lo)}–{int(hi)}"
                                 for lo, hi in zip(dist["band_low"], dist["band_high"])])
        plot("bars", dist, "band", ["accounts"], [T("cr.accounts")], T("cr.distribution"), key="cr_hist")
    hist = state.metric("credit_score_history")
    if not hist.dropna(subset=["median"]).empty:
        plot("lines", hist, "month", ["p25", "median", "p75"], [T("cr.p25"), T("cr.median"), T("cr.p75")],
             T("cr.history_chart"), key="cr_history_chart")
    reasons = state.metric("credit_reason_counts")
    if not reasons.empty:
        r = reasons.assign(text=reasons["text_zh" if L == "zh" else "text_en"]).sort_values("first_reason")
        plot("bars", r, "text", ["first_reason"], [T("cr.accounts")], T("cr.reason_chart"), horizontal=True,
             key="cr_reasons")
    account_section(latest)
    quality_section()
    with st.expander(T("cr.all_scores")):
        shown = latest.assign(reasons=latest["reasons_zh" if L == "zh" else "reasons_en"].map("; ".join))
        table(localized(shown[["ss58", "score", "reasons", "block_number", "updates"]], "cr.col"), "scores", "cr_scores")


render()
