"""Community finance: savings groups, their cycle calendar and share-out; the community investment pool."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui import state
from pages.ui.fmt import fmt_date, fmt_int, fmt_num, fmt_pct
from pages.ui.insights import in_units, symbol
from pages.ui.state import T, lang
from pages.ui.timeline import event_timeline
from pages.ui.widgets import localized, metrics, page, plot, table


def calendar(group: pd.Series, per_day: int, genesis_ms: int) -> pd.DataFrame:
    """The meetings of the group's current cycle: number, block, date (share-out at the last)."""
    L = lang()
    rows = []
    for m in range(1, int(group["cycle_meetings"]) + 1):
        block = int(group["cycle_start"]) + m * int(group["meeting_interval_days"]) * per_day
        rows.append({T("cm.meeting"): m, T("col.block"): block,
                     T("cm.date"): fmt_date(genesis_ms + block * 86_400_000 // per_day, L),
                     T("cm.what"): T("cm.shareout") if m == int(group["cycle_meetings"]) else T("cm.savings_meeting")})
    return pd.DataFrame(rows)


def groups_section() -> None:
    st.subheader(T("cm.groups"))
    cycles = state.metric("savings_groups")
    if cycles.empty:
        st.info(T("cm.none"))
        return
    L = lang()
    assets = state.asset_table()
    c = in_units(cycles, ["share_price", "saved", "social", "lent", "charges_earned", "shared_out", "losses"], assets)
    current = c.sort_values("cycle").groupby("group_id").tail(1)
    closed = c[c["closed"]]
    metrics([(T("cm.groups"), fmt_int(c["group_id"].nunique(), L)),
             (T("cm.members"), fmt_int(int(current["members"].sum()), L)),
             (T("cm.attendance"), fmt_pct(float(c["attendance_rate"].mean()), 1, L)),
             (T("cm.shareouts"), fmt_int(len(closed), L)),
             (T("cm.return"), fmt_pct(float(closed["share_out_return"].mean()) if len(closed) else None, 1, L),
              T("cm.return_help"))])
    c["label"] = c.apply(lambda r: f"#{int(r['group_id'])}·{int(r['cycle'])}", axis=1)
    plot("bars", c, "label", ["saved", "lent", "shared_out"],
         [T("cm.m.saved"), T("cm.m.lent"), T("cm.m.shared_out")], T("cm.groups_chart"), key="cm_groups_chart")
    c["token"] = c["asset"].map(lambda a: symbol(a, assets))
    table(localized(c.drop(columns=["asset", "label"]), "cm.m"), "savings_groups", "cm_groups")
    groups: pd.DataFrame = state.domain_cached("groups")
    if groups.empty:
        return
    gid = st.selectbox(T("cm.pick"), groups["id"].tolist(), key="cm_pick")
    if gid is None:
        return
    g = groups[groups["id"] == gid].iloc[0]
    per_day, genesis_ms = state.domain_cached("calendar_basis")
    st.markdown(f"**{T('cm.calendar', cycle=int(g['cycle']))}**")
    table(calendar(g, per_day, genesis_ms), f"group_{gid}_calendar", "cm_calendar", download=False)
    st.markdown(f"**{T('cm.history')}**")
    event_timeline("SavingsGroups", "group_id", int(gid), "cm_timeline")


@page
def render() -> None:
    st.title(T("cm.title"))
    st.caption(T("cm.caption"))
    state.require_pallet("SavingsGroups")
    groups_section()
    st.subheader(T("cm.pool"))
    if not state.client().has_pallet("InvestmentPool"):
        st.warning(T("err.pallet_missing", pallet="InvestmentPool"))
        return
    pools: pd.DataFrame = state.domain_cached("pools")
    if pools.empty:
        st.info(T("cm.no_pool"))
    else:
        table(localized(pools, "cm.pcol"), "pools", "cm_pools")


render()
