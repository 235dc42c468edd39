"""Remittances home: family members abroad cash in USD at an agent where they live, send it home
through the Remittance pallet (converted at the oracle rate into the family's local token), and the
family collects it the next day in cash at a village agent or into their wallet.

Costs: the chain's fee and FX margin are set at genesis from World Bank RPW (2025 Q1): the
provider-weighted mean, over the RPW corridors into the scenario's countries, of the total cost of
sending USD 200 less its FX margin (-> FeeBps) and of the FX margin (-> FxMarginBps). The pallet has one
fee and one margin for all corridors; per-corridor pricing would need the pallet to support it.
"""
from __future__ import annotations

import random
from typing import Any

from chain.scenario import calibration as cal
from chain.scenario.params import ScenarioParams
from chain.scenario.policies import addr
from chain.scenario.population import Population
from chain.scenario.state import EXPECT, RATE_SCALE, STABLE, Action, ModelState, Pending, convert

DESK_TARGET_USD = 20_000.0  # the FX liquidity provider tops the desk up to this much of each local token
DESK_LOW_USD = 6_000.0


def available(names: set[str]) -> bool:
    return {"Remittance", "Oracle"} <= names


def rpw_fee_and_margin_bps(countries: tuple[str, ...]) -> tuple[int, int]:
    """(fee bps, FX margin bps) from RPW 2025 Q1, weighted by provider count over the corridors into
    these countries."""
    routes = [c for country in countries for c in cal.corridors_to(country)]
    w = sum(c.providers for c in routes)
    cost = sum(c.cost_pct_200 * c.providers for c in routes) / w
    margin = sum(max(0.0, c.fx_margin_pct_200) * c.providers for c in routes) / w
    return round((cost - margin) * 100), round(margin * 100)


def genesis(params: ScenarioParams, pop: Population, cfg: dict[str, Any]) -> None:
    fee, margin = rpw_fee_and_margin_bps(pop.countries)
    bpd = params.blocks_per_day
    cfg["remittance_params"] = {"fee_bps": fee, "fx_margin_bps": margin, "settlement_blocks": 1,
                                "expiry_blocks": 30 * bpd}


def setup(sim: Any) -> list[Action]:
    st: ModelState = sim.state
    if "remit_params" not in st.extra:
        with sim.node.lock:
            st.extra["remit_params"] = dict(sim.node.rt.pallet("Remittance").Params.get())
    return []


def reconcile(sim: Any, full: bool) -> None:
    st: ModelState = sim.state
    rem = sim.node.rt.pallet("Remittance")
    desk = rem.constant("FxDesk")
    assets = sim.node.rt.pallet("Assets")
    for a in st.desk:
        st.desk[a] = assets.Account.get(a, desk)
    if full:
        st.next_remittance = rem.NextId.get()
        keep = []
        for q in st.pending:
            r = rem.Remittances.get(q.rid)
            if r is not None and r["status"][0] in ("Sent", "Available"):
                keep.append(q)
        st.pending = keep


# -- policies --------------------------------------------------------------------------------------------
def desk_liquidity(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """The FX liquidity provider of each country (a licensed agent) keeps the FX desk stocked with the
    local token: it cashes in local currency to itself and funds the desk."""
    out = []
    for country, asset in st.assets.items():
        if st.desk[asset] >= st.usd_to_local(asset, DESK_LOW_USD):
            continue
        lp = st.pop.fx_lp[country]
        amount = st.usd_to_local(asset, DESK_TARGET_USD) - st.desk[asset]
        who = st.pop.people[lp].public
        out.append(Action(lp, "Assets", "cash_in", {"asset": asset, "who": addr(who), "amount": amount}, "fx.float_in"))
        out.append(Action(lp, "Remittance", "fund_desk", {"asset": asset, "amount": amount}, "fx.fund_desk"))
    return out


def send_home(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """About monthly each migrant cashes in USD at an agent abroad and sends it home to a family member
    with an account (if nobody at home has one yet, the money goes by another channel, off chain)."""
    rp = p.remittance
    fee_bps = st.extra["remit_params"]["fee_bps"]
    desk_left = dict(st.desk)
    out = []
    for h in st.pop.households:
        if h.migrant < 0 or (h.migrant + st.day) % rp.interval_days:
            continue
        members = [m for m in h.members if st.active[m]]
        migrant = st.pop.people[h.migrant]
        agent = st.pop.agents_abroad.get(migrant.country)
        if not members or agent is None or not st.agent_online.get(agent, False):
            continue
        to = rng.choice(members)
        asset = st.assets[migrant.home]
        amount = st.usd_to_local(STABLE, round(rng.uniform(*rp.amount_usd)))
        fee = -(-amount * fee_bps // 10_000)
        received = convert(amount, RATE_SCALE, 6, st.rates[asset], 2, st.extra["remit_params"]["fx_margin_bps"])
        if received > desk_left[asset] or received == 0:
            continue
        desk_left[asset] -= received
        out.append(Action(agent, "Assets", "cash_in", {"asset": STABLE, "who": addr(migrant.public), "amount": amount + fee},
                          "remit.cash_in_abroad"))
        out.append(Action(h.migrant, "Remittance", "send_remittance", {
            "recipient": ("Account", st.pop.people[to].public), "send_asset": STABLE, "amount": amount,
            "receive_asset": asset, "source_country": migrant.country, "destination_country": migrant.home,
        }, "remit.send"))
    return out


def collect(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Families collect settled remittances: most in cash at a village agent, the rest into the wallet."""
    out = []
    for q in st.pending:
        if q.sent_day >= st.day:
            continue
        person = st.pop.people[q.recipient]
        agents = st.pop.villages[person.village].agents if person.village >= 0 else []
        if agents and rng.random() < p.remittance.cashout_share:
            agent = rng.choice(agents)  # they do not know whether it is offline
            out.append(Action(q.recipient, "Remittance", "cash_out", {"id": q.rid, "agent": addr(st.pop.people[agent].public)},
                              "remit.cash_out"))
        else:
            out.append(Action(q.recipient, "Remittance", "claim", {"id": q.rid}, "remit.claim"))
    return out


POLICIES = (("desk_liquidity", desk_liquidity), ("remit_collect", collect), ("remit_send", send_home))


# -- expected effects ----------------------------------------------------------------------------------------
def _expect_send(st: ModelState, a: Action) -> None:
    args = a.args
    amount, asset = args["amount"], args["receive_asset"]
    rp = st.extra["remit_params"]
    fee = -(-amount * rp["fee_bps"] // 10_000)
    received = convert(amount, RATE_SCALE, 6, st.rates[asset], 2, rp["fx_margin_bps"])
    st.bal[STABLE][a.signer] -= amount + fee
    st.desk[STABLE] += amount + fee
    st.desk[asset] -= received
    recipient = st.idx(args["recipient"][1])
    if recipient is not None:
        st.pending.append(Pending(st.next_remittance, recipient, asset, received, st.day))
    st.next_remittance += 1


def _pending(st: ModelState, rid: int) -> Pending | None:
    for q in st.pending:
        if q.rid == rid:
            return q
    return None


def _expect_cash_out(st: ModelState, a: Action) -> None:
    q = _pending(st, a.args["id"])
    agent = st.idx(a.args["agent"][1])
    if q is not None and agent is not None and st.agent_online.get(agent, False):
        st.pending.remove(q)  # tokens go escrow -> recipient -> burned: the wallet is unchanged


def _expect_claim(st: ModelState, a: Action) -> None:
    q = _pending(st, a.args["id"])
    if q is not None:
        st.pending.remove(q)
        st.bal[q.asset][q.recipient] += q.amount


EXPECT[("Remittance", "send_remittance")] = _expect_send
EXPECT[("Remittance", "cash_out")] = _expect_cash_out
EXPECT[("Remittance", "claim")] = _expect_claim
