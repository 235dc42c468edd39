"""Village savings groups (VSLA) on the SavingsGroups pallet: neighbours form a group (methodology of CARE
and VSL Associates: 10-25 members, weekly meetings, a cycle of about a year ending in a share-out), join,
and at every weekly meeting each member buys one to five shares and pays the social-fund contribution
when their wallet allows; some skip a meeting. The chain's hook closes meetings and shares the fund out
at the end of the cycle; the model re-reads the members' wallets then.
"""
from __future__ import annotations

import random
from typing import Any

from chain.scenario.params import ScenarioParams
from chain.scenario.population import Population
from chain.scenario.state import EXPECT, Action, ModelState

COMMITTEE, THRESHOLD = 3, 2
CYCLE_MEETINGS = 48  # about eleven months of weekly meetings
SERVICE_CHARGE_BPS, MAX_LOAN_MULTIPLE = 500, 3
SOCIAL_USD = 0.1
ATTENDANCE = 0.9  # a member saves at a given meeting (assumption)


def available(names: set[str]) -> bool:
    return "SavingsGroups" in names


def genesis(params: ScenarioParams, pop: Population, cfg: dict[str, Any]) -> None:
    return None


def _groups(st: ModelState) -> dict[str, Any]:
    return st.extra.setdefault("vsla", {"ready": False, "groups": {}})


def setup(sim: Any) -> list[Action]:
    """Day 0: groups form (creator creates, members join). Later: read each cycle's start, and re-read
    members' wallets after a share-out."""
    st: ModelState = sim.state
    g = _groups(st)
    sp = st.params.savings
    out: list[Action] = []
    pallet = sim.node.rt.pallet("SavingsGroups")
    if not g["ready"]:
        rng = random.Random(st.pop.seed * 7919 + 1)
        with sim.node.lock:
            gid = pallet.NextGroupId.get()
        for v in st.pop.villages:
            pool = [i for i in v.adults if st.active[i] and rng.random() < sp.member_share]
            asset = st.assets[v.country]
            while len(pool) >= max(5, sp.group_size[0] // 2):
                size = min(len(pool), 30, rng.randint(*sp.group_size))
                members, pool = pool[:size], pool[size:]
                if len(pool) < 5:
                    members, pool = members + pool[: 30 - len(members)], []
                pubs = [st.pop.people[m].public for m in members]
                args = {"asset": asset, "members": pubs, "committee": pubs[:COMMITTEE], "threshold": THRESHOLD,
                        "share_price": st.usd_to_local(asset, sp.share_price_usd, at_reference=True),
                        "social_contribution": st.usd_to_local(asset, SOCIAL_USD, at_reference=True),
                        "meeting_interval_days": sp.meeting_interval_days, "cycle_meetings": CYCLE_MEETINGS,
                        "service_charge_bps": SERVICE_CHARGE_BPS, "max_loan_multiple": MAX_LOAN_MULTIPLE}
                out.append(Action(members[0], "SavingsGroups", "create_group", args, "vsla.create"))
                out += [Action(m, "SavingsGroups", "join", {"group_id": gid}, "vsla.join") for m in members[1:]]
                g["groups"][str(gid)] = {"members": members, "asset": asset, "price": args["share_price"],
                                         "social": args["social_contribution"], "start": None, "saved": {}, "end": None}
                gid += 1
        g["ready"] = True
        return out
    bpd = st.blocks_per_day
    with sim.node.lock:
        for gid, grp in g["groups"].items():
            if grp["start"] is None or (grp["end"] is not None and grp["end"] < st.day * bpd):
                info = pallet.Groups.get(int(gid))
                if info is None or info["status"][0] != "Active":
                    continue
                if grp["end"] is not None:  # a share-out happened: wallets changed on chain
                    assets = sim.node.rt.pallet("Assets")
                    for m in grp["members"]:
                        st.bal[grp["asset"]][m] = assets.Account.get(grp["asset"], st.pop.people[m].public)
                    grp["saved"] = {}
                grp["start"] = info["cycle_start"]
                grp["interval"] = info["meeting_interval_days"] * bpd
                grp["end"] = grp["start"] + info["cycle_meetings"] * grp["interval"]
    return out


def reconcile(sim: Any, full: bool) -> None:
    return None


def meetings(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """On the first day wholly inside a meeting, members who can afford it buy shares."""
    g = _groups(st)
    bpd = st.blocks_per_day
    first, last = st.day * bpd + 1, (st.day + 1) * bpd
    lo, hi = p.savings.shares_per_meeting
    out = []
    for gid, grp in g["groups"].items():
        if grp["start"] is None or last >= grp["end"] or first < grp["start"]:
            continue
        meeting = (first - grp["start"]) // grp["interval"]
        if (last - grp["start"]) // grp["interval"] != meeting:
            continue
        for m in grp["members"]:
            if grp["saved"].get(str(m)) == meeting or rng.random() >= ATTENDANCE:
                continue
            count = rng.randint(lo, hi)
            while count and count * grp["price"] + grp["social"] > st.spendable(grp["asset"], m):
                count -= 1
            if count:
                out.append(Action(m, "SavingsGroups", "buy_shares", {"group_id": int(gid), "count": count}, "vsla.save"))
    return out


POLICIES = (("vsla_meetings", meetings),)


def _expect_buy(st: ModelState, a: Action) -> None:
    grp = _groups(st)["groups"][str(a.args["group_id"])]
    st.bal[grp["asset"]][a.signer] -= a.args["count"] * grp["price"] + grp["social"]
    first = st.day * st.blocks_per_day + 1
    grp["saved"][str(a.signer)] = (first - grp["start"]) // grp["interval"]


EXPECT[("SavingsGroups", "buy_shares")] = _expect_buy
