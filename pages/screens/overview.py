"""Overview: key figures, the live block height, and what just happened in plain words."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import services, state
from pages.ui.chainview import ChainFigures, Happening, hexs
from pages.ui.fmt import fmt_amount, fmt_compact, fmt_date, fmt_datetime, fmt_int, to_units
from pages.ui.state import T, lang
from pages.ui.widgets import guard, metrics, page, plot, table

RECENT_BLOCKS = 48


@st.fragment(run_every=3)
@guard
def live_height() -> None:
    """The live part: block height and the newest block, refreshed every few seconds."""
    f: ChainFigures = state.chain_cached("chain_figures")
    c1, c2, c3, c4 = st.columns([1, 2, 2, 2])
    L = lang()
    c1.metric(T("ov.height"), f"#{fmt_int(f.head, L)}", border=True)
    c2.metric(T("ov.sim_date"), fmt_date(f.head_time_ms, L) if f.head_time_ms else "—",
              help=fmt_datetime(f.head_time_ms, L) if f.head_time_ms else None, border=True)
    c3.metric(T("ov.day_extrinsics"), fmt_int(f.day_extrinsics, L), help=T("ov.day_extrinsics_help"), border=True)
    c4.metric(T("ov.head_hash"), hexs(f.head_hash)[:18] + "…", help=hexs(f.head_hash), border=True)


def key_figures() -> None:
    L = lang()
    o = state.analytics_cached("analytics.views", "overview")
    f: ChainFigures = state.chain_cached("chain_figures")
    metrics([
        (T("ov.accounts"), fmt_int(o.accounts, L)),
        (T("ov.active_30d"), fmt_int(o.active_30d, L), T("ov.active_30d_help")),
        (T("ov.extrinsics"), fmt_int(o.extrinsics, L)),
        (T("ov.failed"), fmt_int(o.failed, L), T("ov.day_failed_help")),
        (T("ov.transfers"), fmt_int(o.native_transfers + o.token_moves, L)),
        (T("ov.issuance"), f"{fmt_compact(to_units(f.total_issuance, f.token_decimals), L)} {f.token_symbol}",
         fmt_amount(f.total_issuance, f.token_decimals, f.token_symbol, L)),
    ])
    for row in services.domain_figures():
        metrics([(T(k), v) for k, v in row])
    daily: pd.DataFrame = state.analytics_cached("analytics.views", "daily_activity")
    if not daily.empty:
        plot("lines", daily, "date", ["extrinsics", "transfers", "active_accounts"],
                          [T("ov.extrinsics"), T("ov.transfers"), T("ov.active_accounts")], T("ov.daily_title"), key="ov_daily")


@page
def render() -> None:
    st.title(T("ov.title"))
    st.caption(T("ov.caption"))
    note = st.session_state.pop("boot_note", None)
    if note:
        st.info(note)
    live_height()
    key_figures()
    st.subheader(T("ov.happened"))
    L = lang()
    happened: list[Happening] = state.chain_cached("happenings", RECENT_BLOCKS, L, names=state.names() or None)
    if not happened:
        st.caption(T("ov.nothing_yet"))
    else:
        table(pd.DataFrame([{T("col.block"): h.block, T("col.time"): fmt_datetime(h.time_ms, L),
                             T("col.extrinsic"): h.extrinsic or "—", T("col.what"): h.text} for h in happened]),
              "what_happened", "ov_happened", download=False)
    f: ChainFigures = state.chain_cached("chain_figures")
    with st.expander(T("ov.about_chain")):
        st.write(T("ov.chain_line", name=f.name, backend=T(f"backend.{f.backend}"), per_day=f.blocks_per_day))
        st.write(T("ov.pallets") + ": " + ", ".join(f.pallets))


render()
