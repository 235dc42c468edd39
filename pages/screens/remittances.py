"""Remittances: corridors, cost against the World Bank baseline and the 3% target, cash-out timelines."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import state
from pages.ui.fmt import fmt_duration_days, fmt_int, fmt_num, fmt_pct
from pages.ui.insights import in_units, symbol
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import localized, localized_status, metrics, page, plot, table


@page
def render() -> None:
    st.title(T("rm.title"))
    st.caption(T("rm.caption"))
    state.require_pallet("Remittance")
    overview = state.metric("remittance_overview")
    if overview.empty or not int(overview["remittances"].iloc[0] or 0):
        st.info(T("rm.none"))
        return
    L = lang()
    o = overview.iloc[0]
    timing = state.metric("remittance_timing")
    median_days = float(timing["median_days_to_collect"].median()) if not timing.empty else None
    metrics([
        (T("rm.count"), fmt_int(int(o["remittances"]), L)),
        (T("rm.senders"), fmt_int(int(o["senders"]), L)),
        (T("rm.avg_cost"), f"{fmt_num(float(o['avg_total_cost_pct']), 2, L)}%", T("rm.avg_cost_help")),
        (T("rm.meets_target"), fmt_pct(float(o["share_meeting_sdg_target"]), 1, L), T("rm.target_help")),
        (T("rm.global_avg"), f"{fmt_num(float(o['rpw_global_average_pct']), 2, L)}%", T("rm.global_avg_help")),
        (T("rm.median_cashout"), fmt_duration_days(median_days, L)),
    ])
    assets = state.asset_table()
    corridors = state.metric("remittance_corridors")
    if not corridors.empty:
        st.subheader(T("rm.corridors"))
        c = corridors.assign(corridor=corridors["source_country"] + "→" + corridors["destination_country"])
        plot("bars", c.fillna({"rpw_baseline_pct": 0}), "corridor", ["avg_total_cost_pct", "rpw_baseline_pct"],
             [T("rm.on_chain_cost"), T("rm.wb_baseline")], T("rm.cost_chart"), "%",
             hlines=((float(o["sdg_target_pct"]), T("rm.target")),), key="rm_cost_chart")
        shown = in_units(c, ["sent", "fees"], assets, "send_asset")
        shown = in_units(shown, ["received"], assets, "receive_asset")
        shown["receive_asset"] = shown["receive_asset"].map(lambda a: symbol(a, assets))
        cols = ["corridor", "remittances", "senders", "sent", "received", "receive_asset", "fees", "avg_total_cost_pct",
                "avg_fx_margin_pct", "rpw_baseline_pct", "vs_rpw_pct_points", "sdg_target_pct", "meets_sdg_target"]
        table(localized(shown[cols], "rm.m"), "remittance_corridors", "rm_corridors")
    if not timing.empty:
        st.subheader(T("rm.cashout"))
        t = timing.assign(corridor=timing["source_country"] + "→" + timing["destination_country"])
        plot("bars", t, "corridor", ["median_days_to_collect", "p90_days_to_collect"],
             [T("rm.median_days"), T("rm.p90_days")], T("rm.cashout_chart"), T("rm.days"), key="rm_cashout_chart")
        table(localized(t[["corridor", "remittances", "cashed_out", "claimed", "refunded", "pending", "collected_share",
                           "median_days_to_collect", "p90_days_to_collect"]], "rm.m"), "remittance_timing", "rm_timing")
    st.subheader(T("rm.one"))
    df: pd.DataFrame = state.domain_cached("remittances")
    if df.empty:
        return
    with st.expander(T("rm.all")):
        shown = df[["id", "corridor", "send_amount", "receive_amount", "receive_symbol", "cost_pct", "status", "sent_at",
                    "available_at", "finished_at", "cashout_days"]]
        table(localized(localized_status(shown, "remittance"), "rm.col"), "remittances", "rm_list")
    rid = st.selectbox(T("rm.pick"), df["id"].tolist()[::-1], key="rm_pick")
    if rid is not None:
        event_timeline("Remittance", "id", int(rid), "rm_timeline")


render()
