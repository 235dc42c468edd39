"""An entity's on-chain event timeline (block, extrinsic hash, what happened) for the domain pages."""
from __future__ import annotations

import streamlit as st

from pages.ui import state
from pages.ui.chainview import describe_json_event
from pages.ui.fmt import fmt_datetime
from pages.ui.state import T, lang
from pages.ui.widgets import table


def event_timeline(pallet: str, field: str, value: int | str, key: str) -> None:
    L = lang()
    events = state.views_cached("entity_events", pallet, field, value)
    if not events:
        st.caption(T("msg.no_rows"))
        return
    names = state.names()
    table([{T("col.block"): e["block_number"], T("col.time"): fmt_datetime(e["timestamp_ms"], L),
            T("col.extrinsic_hash"): e["extrinsic_hash"] or T("word.block_hook"),
            T("col.event"): f"{e['pallet']}.{e['event']}",
            T("col.what"): describe_json_event(e, L, names)} for e in events], f"{pallet.lower()}_{value}_events", key)
