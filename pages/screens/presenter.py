"""Presenter: make things happen live at a workshop. Run N more days, inject a shock (drought,
devaluation, fraud attempt, agent outage), live block production, the tamper demonstration (a changed
byte in a copy of the chain is detected), reset."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import jobs, live, services, state
from pages.ui.fmt import fmt_int, fmt_num
from pages.ui.i18n import labeler
from pages.ui.state import T, lang
from pages.ui.tamper import TamperResult, tamper_and_verify
from pages.ui.widgets import guard, page, staff_only, table

SHOCKS = ("drought", "devaluation", "fraud", "agent_outage")


def embedded_client():  # type: ignore[no-untyped-def]
    b = state.backend()
    if b.kind != "embedded":
        st.info(T("pr.embedded_only"))
        return None
    return state.client()


def run_days_section() -> None:
    st.subheader(T("pr.run_days"))
    days = st.number_input(T("pr.days"), min_value=1, max_value=365, value=7, step=1, key="pr_days")
    if st.button(T("pr.run_btn"), key="pr_run", disabled=not state.is_staff()):
        c = embedded_client()
        if c is None:
            return
        bar = st.progress(0.0, text=T("pr.running"))
        result = services.run_more_days(int(days), lambda f, _m: bar.progress(min(1.0, f), text=T("pr.running")))
        bar.empty()
        st.success(T("pr.ran", days=int(days), head=fmt_int(result.head, lang()), how=T(f"pr.how.{result.how}")))


def shock_section() -> None:
    st.subheader(T("pr.shock"))
    shock = st.selectbox(T("pr.shock_pick"), SHOCKS, key="pr_shock", format_func=labeler("shock", lang()))
    if shock is None:
        return
    st.caption(T(f"shock.{shock}.help"))
    if st.button(T("pr.inject"), key="pr_inject", disabled=not state.is_staff()):
        c = embedded_client()
        if c is None:
            return
        from pages.ui.actions import NeedsScenario

        try:
            outcome = services.inject_shock(shock)
        except NeedsScenario:
            st.info(T("pr.needs_scenario"), icon="🧩")
            return
        if outcome.attempts:
            table(pd.DataFrame([{T("col.attempt"): T(f"fraud.{a.what}"),
                                 T("col.result"): T("word.accepted") if a.accepted else T("word.refused"),
                                 T("col.answer"): a.answer} for a in outcome.attempts]), "fraud_attempt", "pr_fraud",
                  download=False)
        if outcome.reasons:
            table(pd.DataFrame([{T("col.reason"): r, T("col.count"): n} for r, n in outcome.reasons.items()]),
                  "fraud_reasons", "pr_fraud_reasons", download=False)
        st.success(outcome.message)


@st.fragment(run_every=2)
@guard
def live_status() -> None:
    c = state.client()
    p = live.producer(state.backend().key, c)
    L = lang()
    st.metric(T("ov.height"), f"#{fmt_int(c.head(), L)}", border=True)
    produced, error = p.status()
    if error:
        st.error(T("pr.live_error", error=str(error) if isinstance(error, str) else f"{type(error).__name__}: {error}"))
    elif p.running:
        st.caption(T("pr.live_on_scenario" if p.scenario else "pr.live_on", n=fmt_int(produced, L),
                     secs=fmt_num(p.interval, 1, L)))


def live_section() -> None:
    st.subheader(T("pr.live"))
    c = embedded_client()
    if c is None:
        return
    p = live.producer(state.backend().key, c)
    col1, col2 = st.columns([1, 3])
    interval = col2.slider(T("pr.interval"), 0.5, 10.0, 2.0, 0.5, key="pr_interval")
    on = col1.toggle(T("pr.live_toggle"), value=p.running, key="pr_live", disabled=not state.is_staff())
    p.set_interval(float(interval))
    if on and not p.running:
        p.start()
    elif not on and p.running:
        p.stop()
    live_status()


def tamper_section() -> None:
    st.subheader(T("pr.tamper"))
    st.caption(T("pr.tamper_help"))
    b = state.backend()
    if b.kind != "embedded":
        st.info(T("pr.embedded_only"))
        return
    fix = st.checkbox(T("pr.tamper_fix"), key="pr_tamper_fix")
    if st.button(T("pr.tamper_btn"), key="pr_tamper"):
        with st.spinner(T("pr.tamper_running")):
            st.session_state["pr_tamper_result"] = tamper_and_verify(b.target, state.head(), fix_checksum=fix)
    r: TamperResult | None = st.session_state.get("pr_tamper_result")
    if r is None:
        return
    L = lang()
    st.write(T("pr.tamper_done", block=fmt_int(r.block, L), offset=r.offset, before=f"0x{r.before:02x}",
               after=f"0x{r.after:02x}"))
    if r.detected:
        st.error(T("pr.tamper_detected", kind=r.error_type, message=r.message), icon="🛡️")
        st.caption(T("pr.tamper_layer_store") if r.error_type == "CorruptStore" else T("pr.tamper_layer_exec"))
    else:
        st.warning(T("pr.tamper_missed"))
    st.caption(T("pr.tamper_safe"))


def reset_section() -> None:
    st.subheader(T("pr.reset"))
    if not staff_only():
        return
    b = state.backend()
    if b.kind != "embedded":
        st.info(T("pr.embedded_only"))
        return
    sure = st.checkbox(T("pr.reset_confirm", path=b.target), key="pr_reset_sure")
    if st.button(T("pr.reset_btn"), key="pr_reset", disabled=not sure, type="primary"):
        state.reset_chain()
        st.rerun()


@page
def render() -> None:
    st.title(T("pr.title"))
    st.caption(T("pr.caption"))
    if not state.is_staff():
        st.info(T("pr.staff_to_act"), icon="🔒")
    left, right = st.columns(2)
    with left:
        run_days_section()
        shock_section()
    with right:
        live_section()
    st.divider()
    tamper_section()
    st.divider()
    reset_section()


render()
