"""Donations: campaigns; one donation traced as a Sankey from donor to beneficiaries and merchants; its
receipt to download, and a receipt upload verified in the browser session."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import services, state
from pages.ui.fmt import fmt_compact, fmt_int, fmt_num, fmt_pct
from pages.ui.insights import in_units, lineage_sankey, symbol, usd
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import localized, localized_status, metrics, page, plot, table

NODE_COLORS = {"donor": "#1565C0", "donation": "#283593", "campaign": "#6A1B9A", "recipient": "#2E7D32",
               "merchant": "#EF6C00", "agent": "#5D4037", "cash": "#8D6E63", "escrow": "#9E9E9E", "ngo": "#AD1457"}
KINDS = ("donor", "donation", "campaign", "recipient", "merchant", "agent", "cash", "escrow", "ngo")


def show_trace(donation_id: int) -> None:
    lin = state.analytics_cached("analytics.lineage", "donation_lineage", donation_id)
    assets = state.asset_table()
    symbol_, decimals = assets.get(int(lin.asset), ("", 0))
    L = lang()
    metrics([(T("dn.amount"), f"{fmt_num(lin.amount / 10**decimals, 2, L)} {symbol_}"),
             (T("dn.allocated"), fmt_num(lin.allocated / 10**decimals, 2, L)),
             (T("dn.at_merchants"), fmt_num(lin.spent_at_merchants / 10**decimals, 2, L)),
             (T("dn.unspent"), fmt_num(lin.unspent / 10**decimals, 2, L)),
             (T("dn.col.refunded"), fmt_num(lin.refunded / 10**decimals, 2, L))])
    sk = lineage_sankey(lin.nodes, lin.edges, decimals, {k: T(f"dn.node.{k}") for k in KINDS}, state.names_hex())
    if sk.values:
        plot("sankey", sk.labels, sk.sources, sk.targets, sk.values, T("dn.trace_title", id=donation_id),
             [NODE_COLORS.get(k, "#888") for k in sk.kinds], key="dn_sankey")
    event_timeline("Donations", "donation_id", donation_id, "dn_timeline")


def receipt_section(donation_id: int) -> None:
    st.markdown(f"**{T('dn.receipt')}**")
    key = f"dn_receipt_{donation_id}"
    if st.button(T("dn.make_receipt"), key="dn_make_receipt"):
        with st.spinner(T("dn.making_receipt")):
            st.session_state[key] = services.donation_receipt(donation_id)
    doc = st.session_state.get(key)
    if doc:
        st.download_button(T("dn.download_receipt"), doc.encode("utf-8"), f"puhui-donation-{donation_id}-receipt.json",
                           "application/json", key="dn_download_receipt")


def verify_section() -> None:
    st.subheader(T("dn.verify"))
    st.caption(T("dn.verify_help"))
    up = st.file_uploader(T("dn.upload"), type=["json"], key="dn_upload")
    if up is None:
        return
    ok, detail = services.verify_receipt(up.getvalue())
    if ok:
        st.success(T("dn.receipt_ok"))
        st.code(detail)
    else:
        st.error(T("dn.receipt_bad", error=detail))


@page
def render() -> None:
    st.title(T("dn.title"))
    st.caption(T("dn.caption"))
    state.require_pallet("Donations")
    camps = state.metric("donation_campaigns")
    L = lang()
    if camps.empty:
        st.info(T("dn.none"))
        verify_section()
        return
    assets, rates = state.asset_table(), state.usd_rates()
    c = in_units(camps, ["goal", "raised", "disbursed", "to_beneficiaries", "overhead", "as_vouchers", "refunded",
                         "unspent"], assets)
    to_usd = lambda col: sum(usd(v, a, rates) for v, a in zip(c[col], c["asset"]))  # noqa: E731
    raised = to_usd("raised")
    metrics([
        (T("dn.campaigns"), fmt_int(len(c), L)),
        (T("dn.donations"), fmt_int(int(c["donations"].sum()), L)),
        (T("dn.raised"), fmt_compact(raised, L), f"{fmt_num(raised, 2, L)} USD"),
        (T("dn.beneficiary_share"), fmt_pct(to_usd("to_beneficiaries") / raised if raised else None, 1, L),
         T("dn.beneficiary_help")),
        (T("dn.overhead_share"), fmt_pct(to_usd("overhead") / raised if raised else None, 1, L), T("dn.overhead_help")),
        (T("dn.refunded"), fmt_compact(to_usd("refunded"), L)),
    ])
    c["label"] = c["campaign"].map(lambda i: f"#{i}")
    plot("bars", c, "label", ["goal", "raised", "to_beneficiaries", "overhead", "unspent"],
         [T("dn.col.goal"), T("dn.col.raised"), T("dn.col.to_beneficiaries"), T("dn.col.overhead"),
          T("dn.col.unspent")], T("dn.campaign_chart"), key="dn_campaigns_chart")
    c["token"] = c["asset"].map(lambda a: symbol(a, assets))
    campaigns = c[["campaign", "token", "status", "goal", "raised", "donations", "donors", "to_beneficiaries",
                   "overhead", "overhead_cap_pct", "refunded", "unspent", "beneficiary_share", "goal_reached"]]
    table(localized(localized_status(campaigns, "campaign"), "dn.col"), "campaigns", "dn_campaigns")
    purposes = state.metric("donation_purposes")
    if not purposes.empty:
        p = in_units(purposes, ["amount"], assets)
        p["purpose"] = p["purpose_name"].map(lambda n: T(f"dn.purpose.{n}", default=str(n)))
        plot("bars", p, "purpose", ["amount"], [T("dn.col.disbursed")], T("dn.purpose_chart"), key="dn_purposes")

    st.subheader(T("dn.trace"))
    ids = state.domain_cached("donation_ids")
    if not ids:
        st.caption(T("msg.no_rows"))
    else:
        did = st.selectbox(T("dn.pick"), ids[::-1], key="dn_pick")
        if st.button(T("dn.trace_btn"), key="dn_trace_btn", type="primary") or st.session_state.get("dn_traced") == did:
            st.session_state["dn_traced"] = did
            show_trace(int(did))
            receipt_section(int(did))
    verify_section()


render()
