"""Explorer: blocks, extrinsics, events and accounts; search by block number or hash, extrinsic hash,
account, or a loan / donation / group id; an integrity check of the whole chain."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from chain.client import DecodedBlock, DecodedExtrinsic
from pages.ui import jobs, state
from pages.ui.chainview import (account_summary, asset_balances, block_row, classify, describe_json_event, event_rows,
                          extrinsic_rows, find_hash_recent, hexs, plain)
from pages.ui.fmt import fmt_amount, fmt_datetime, fmt_int, fmt_num
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import guard, metrics, page, table

LATEST = 25
ID_EVENTS = {"loan": ("Lending", "loan_id"), "donation": ("Donations", "donation_id"), "group": ("SavingsGroups", "group_id"),
             "campaign": ("Donations", "campaign"), "course": ("Education", "course"), "remittance": ("Remittance", "id")}
SCAN = 2_000  # blocks scanned directly through the client when the index cannot answer


def show_block(b: DecodedBlock) -> None:
    L = lang()
    st.markdown(f"#### {T('ex.block')} #{fmt_int(b.number, L)}")
    st.dataframe(pd.DataFrame([
        {T("col.field"): T("col.hash"), T("col.value"): hexs(b.hash)},
        {T("col.field"): T("ex.parent"), T("col.value"): hexs(b.parent_hash)},
        {T("col.field"): T("ex.state_root"), T("col.value"): hexs(b.state_root)},
        {T("col.field"): T("ex.extrinsics_root"), T("col.value"): hexs(b.extrinsics_root)},
        {T("col.field"): T("col.time"), T("col.value"): fmt_datetime(b.timestamp_ms, L) if b.timestamp_ms else "—"},
    ]), hide_index=True, key=f"ex_block_{b.number}_hdr")
    st.markdown(f"**{T('ex.extrinsics')}**")
    table(extrinsic_rows(b, L), f"block_{b.number}_extrinsics", f"ex_b{b.number}_x")
    st.markdown(f"**{T('ex.events')}**")
    table(event_rows(b, L), f"block_{b.number}_events", f"ex_b{b.number}_e")


def show_account(who: bytes) -> None:
    L = lang()
    c = state.client()
    info = c.info()
    s = account_summary(c, who)
    st.markdown(f"#### {T('ex.account')} `{s['address']}`")
    name = state.names().get(who)
    if name:
        st.caption(f"{T('ex.registry_name')}: {name}")
    metrics([(T("ex.free"), fmt_amount(s["free"], info.token_decimals, info.token_symbol, L)),
             (T("ex.reserved"), fmt_amount(s["reserved"], info.token_decimals, info.token_symbol, L)),
             (T("ex.nonce"), fmt_int(s["nonce"], L))])
    assets = asset_balances(c, who)
    if assets:
        table([{T("col.asset"): a["symbol"], T("col.balance"): fmt_amount(a["balance"], a["decimals"], a["symbol"], L)}
               for a in assets], "account_assets", "ex_acc_assets", download=False)
    st.markdown(f"**{T('ex.activity_all')}**")
    events = state.analytics_cached("analytics.views", "account_events", hexs(who), 200)
    table([{T("col.block"): e["block_number"], T("col.time"): fmt_datetime(e["timestamp_ms"], L),
            T("col.extrinsic"): "—" if e["extrinsic_index"] is None else f"{e['block_number']}-{e['extrinsic_index']}",
            T("col.what"): describe_json_event(e, L, state.names())} for e in events], "account_activity", "ex_acc_act")


def locate_hash(h: bytes) -> tuple[str, DecodedBlock, DecodedExtrinsic | None] | None:
    """A block or extrinsic hash anywhere in the chain (through the index), else in the latest blocks."""
    c = state.client()
    for hit in state.analytics_cached("analytics.views", "find_hash", hexs(h)):
        b = c.block(hit["block_number"])
        if hit["kind"] == "block":
            return ("block", b, None)
        return ("extrinsic", b, b.extrinsics[hit["extrinsic_index"]])
    return find_hash_recent(c, h, SCAN)


def search() -> None:
    q = classify(st.text_input(T("ex.search"), key="ex_search", placeholder=T("ex.search_ph")))
    if q.kind == "empty":
        return
    c = state.client()
    if q.kind == "block":
        assert q.number is not None
        b = state.chain_cached("block_or_none", q.number)
        if b is None:
            st.warning(T("ex.no_block", n=q.number, head=c.head()))
        else:
            show_block(b)
    elif q.kind == "account":
        assert q.data is not None
        show_account(q.data)
    elif q.kind == "hash":
        assert q.data is not None
        found = locate_hash(q.data)
        if found is None and c.account(q.data).get("providers", 0):
            show_account(q.data)
        elif found is None:
            st.warning(T("ex.hash_not_found"))
        elif found[0] == "block":
            show_block(found[1])
        else:
            b, x = found[1], found[2]
            assert x is not None
            st.success(T("ex.xt_found", block=b.number, index=x.index, call=f"{x.pallet}.{x.call}"))
            st.json(plain({"hash": x.hash, "signer": x.signer, "nonce": x.nonce, "call": f"{x.pallet}.{x.call}",
                           "args": x.args, "success": x.success, "error": x.error, "fee": x.fee}))
            show_block(b)
    elif q.kind == "id":
        found_id = state.lookup_id(q.text)
        if found_id is None:
            st.warning(T("ex.id_not_found", text=q.text))
        else:
            st.markdown(f"#### {found_id['pallet']} · {found_id['kind']} #{found_id['id']}")
            st.json(found_id["record"])
            pallet, field = ID_EVENTS[found_id["kind"]]
            st.markdown(f"**{T('ln.timeline')}**")
            event_timeline(pallet, field, int(found_id["id"]), "ex_id_timeline")
    else:
        st.warning(T("ex.unknown_query", text=q.text))


def integrity() -> None:
    b = state.backend()
    if b.kind != "embedded":
        st.info(T("ex.verify_embedded_only"))
        return
    key = f"verify:{b.target}"
    if st.button(T("ex.verify_btn"), key="ex_verify"):
        from chain.node import verify_chain

        jobs.start(key, lambda progress: verify_chain(b.target, progress))
    verify_status(key)


@st.fragment(run_every=1)
@guard
def verify_status(key: str) -> None:
    job = jobs.get(key)
    if job is None:
        st.caption(T("ex.verify_hint"))
        return
    L = lang()
    if job.running:
        st.progress(job.fraction, text=T("ex.verify_running", done=fmt_int(job.done, L), total=fmt_int(job.total, L)))
    elif job.error is not None:
        st.error(T("ex.verify_failed", error=f"{type(job.error).__name__}: {job.error}"))
    else:
        st.success(T("ex.verify_ok", head=fmt_int(job.result, L), secs=fmt_num(job.seconds, 1, L)))


@page
def render() -> None:
    st.title(T("ex.title"))
    st.caption(T("ex.caption"))
    search()
    L = lang()
    blocks, block_rows, xt_rows, ev_rows = state.chain_cached("explorer_tables", LATEST, L)
    tab_b, tab_x, tab_e, tab_a, tab_i = st.tabs([T("ex.blocks"), T("ex.extrinsics"), T("ex.events"),
                                                 T("ex.accounts"), T("ex.integrity")])
    with tab_b:
        table(block_rows, "latest_blocks", "ex_blocks")
        options = [b.number for b in blocks]
        if options:
            n = st.selectbox(T("ex.pick_block"), options, key="ex_pick_block")
            show_block(next(b for b in blocks if b.number == n))
    with tab_x:
        table(xt_rows, "latest_extrinsics", "ex_xts")
    with tab_e:
        table(ev_rows, "latest_events", "ex_events")
    with tab_a:
        table(state.chain_cached("account_rows", L, state.is_staff() and bool(state.names()),
                                 names=state.names() or None), "accounts", "ex_accounts")
    with tab_i:
        integrity()


render()
