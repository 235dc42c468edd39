"""Behaviour as policies: `policy(params, state, rng) -> list[Action]`, one per concern, run in order
each simulated day. A policy reads the model state and decides; it never writes state itself (the
engine applies each action's expected effect, in order, after the policy returns) and never touches the
chain (the engine signs its actions and submits them through the transaction pool).

This module holds the everyday economy on Balances, Assets and Oracle: FX rates, onboarding of the
unbanked, earnings cashed in at agents (with harvest seasons and droughts), wages, purchases, cash-outs.
The domain modules add theirs (policies_remit.py, policies_ngo.py, policies_credit.py).
"""
from __future__ import annotations

import random
from typing import Callable

from chain.scenario.params import ScenarioParams
from chain.scenario.state import Action, ModelState, daily_prob, log_rate_step, pick
from chain.types import UNIT

Policy = Callable[[ScenarioParams, ModelState, random.Random], list[Action]]

ONBOARDING_GRANT = 2 * UNIT  # PUI for fees given to a newly opened account (a few thousand extrinsics)
FX_DAILY_VOLATILITY = 0.003  # daily log-change of FX rates (assumption; calm-market order of magnitude)


def addr(public: bytes) -> tuple[str, bytes]:
    return ("Id", public)


def online_agent(st: ModelState, agents: list[int], rng: random.Random) -> int | None:
    """An online agent among these (the model knows which agents it took offline)."""
    up = [a for a in agents if st.agent_online.get(a, False)]
    return rng.choice(up) if up else None


def harvest_months(p: ScenarioParams, country: str) -> tuple[int, ...]:
    return dict(p.economy.harvest_months).get(country, ())


def season_factor(p: ScenarioParams, st: ModelState, role: str, country: str) -> float:
    """Income multiplier of a role this month: farm income is concentrated in the harvest months (the
    yearly average stays 1), labourers find more work then; droughts cut both."""
    months = harvest_months(p, country)
    harvest = st.month in months
    f = 1.0
    if role == "farmer" and months:
        lean = p.economy.lean_season_factor
        f = (12 - lean * (12 - len(months))) / len(months) if harvest else lean
    elif role == "labourer" and harvest:
        f = p.economy.labourer_harvest_factor
    if role in ("farmer", "labourer"):
        f *= st.shock_factor("drought", country, "income_factor")
    return f


# -- policies -------------------------------------------------------------------------------------------
def oracle_rates(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """The FX oracle posts every local token's rate once a day: a random walk, plus the jump of a
    devaluation on the day it strikes."""
    rates = []
    for asset in sorted(st.rates):
        country = next(c for c, a in st.assets.items() if a == asset)
        rate = log_rate_step(st.rates[asset], rng.gauss(0.0, FX_DAILY_VOLATILITY))
        for s in st.shocks:
            if s.kind == "devaluation" and s.start_day == st.day and (not s.countries or country in s.countries):
                rate = int(rate * float(s.params["rate_factor"]))
        rates.append((asset, rate))
    return [Action(st.pop.oracle, "Oracle", "post_rates", {"rates": rates}, "fx.rates")] if rates else []


def onboarding(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """The NGO programme opens accounts for the unbanked (Findex: 25% start without one): the operator
    sends the new account PUI for its fees."""
    prob = daily_prob(p.population.onboarding_share_per_year, 365)
    out = []
    for person in st.pop.people:
        if not st.active[person.idx] and person.village >= 0 and rng.random() < prob:
            out.append(Action(st.pop.operator, "Balances", "transfer_keep_alive",
                              {"dest": addr(person.public), "value": ONBOARDING_GRANT}, "account.opened"))
    return out


def _earners(st: ModelState, multiples: dict[str, float]) -> list[tuple[int, str, str]]:
    """(index, role, country) of everyone who earns (static: cached on the population)."""
    cache = st.pop.cache
    if "earners" not in cache:
        cache["earners"] = [(p.idx, p.role, p.country) for p in st.pop.people if p.role in multiples and p.village >= 0]
    return cache["earners"]


def accrue_earnings(p: ScenarioParams, st: ModelState, rng: random.Random) -> None:
    """State update (off chain): everyone with work earns cash every day; seasons and droughts scale it."""
    multiples = dict(p.economy.income_multiple)
    base: dict[tuple[str, str], float] = {}
    for role, m in multiples.items():
        for country, asset in st.assets.items():
            daily = st.usd_to_local(asset, p.economy.poverty_line_usd * m, at_reference=True)
            base[(role, country)] = daily * season_factor(p, st, role, country)
    accrued, uniform = st.accrued, rng.uniform
    for idx, role, country in _earners(st, multiples):
        accrued[idx] += base[(role, country)] * uniform(0.6, 1.4)


def deposits(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """About weekly, people bring a share of their cash earnings to a village agent, who cashes it in
    (mints the tokens to their wallet); the rest was spent in cash. Offline agents take no deposits."""
    e = p.economy
    n = e.deposit_interval_days
    cache = st.pop.cache
    key = f"depositors/{n}"
    if key not in cache:
        groups: list[list[int]] = [[] for _ in range(n)]
        for person in st.pop.people:
            if person.village >= 0 and person.role != "agent":
                groups[person.idx % n].append(person.idx)
        cache[key] = groups
    out = []
    people, villages, active, accrued = st.pop.people, st.pop.villages, st.active, st.accrued
    borrowers = set(st.extra.get("borrowers", ()))  # membership per depositor: a set, not the stored list
    for i in cache[key][(-st.day) % n]:
        if not active[i]:
            continue
        amount = int(accrued[i] * (p.lending.borrower_deposit_share if i in borrowers else e.deposit_share))
        person = people[i]
        agent = online_agent(st, villages[person.village].agents, rng)
        if amount > 0 and agent is not None:
            out.append(Action(agent, "Assets", "cash_in", {"asset": st.assets[person.country], "who": ("Id", person.public),
                                                           "amount": amount}, "income.cash_in"))
    return out


def harvest_wages(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """In harvest months farmers pay labourers of their village for a few days' work, on chain."""
    out = []
    labourers_by_village: dict[int, list[int]] = {}
    for v in st.pop.villages:
        labourers_by_village[v.idx] = [i for i in v.adults if st.pop.people[i].role == "labourer" and st.active[i]]
    for v in st.pop.villages:
        if st.month not in harvest_months(p, v.country) or not labourers_by_village[v.idx]:
            continue
        asset = st.assets[v.country]
        factor = st.shock_factor("drought", v.country, "income_factor")
        for i in v.adults:
            if st.pop.people[i].role != "farmer" or not st.active[i] or rng.random() >= p.economy.wage_prob_harvest * factor:
                continue
            wage = st.usd_to_local(asset, p.economy.poverty_line_usd * rng.randint(2, 5), at_reference=True)
            if st.spendable(asset, i) >= wage * 2:
                worker = rng.choice(labourers_by_village[v.idx])
                out.append(Action(i, "Assets", "transfer", {"asset": asset, "dest": addr(st.pop.people[worker].public),
                                                             "amount": wage}, "wage"))
    return out


def purchases(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Adults pay a merchant or a vendor of their village from their wallet."""
    e = p.economy
    out = []
    cache = st.pop.cache
    if "buyers" not in cache:
        cache["buyers"] = {v.idx: v.adults + v.educators for v in st.pop.villages}
        cache["vendors"] = {v.idx: [i for i in v.adults if st.pop.people[i].role == "vendor"] for v in st.pop.villages}
    for v in st.pop.villages:
        asset = st.assets[v.country]
        sellers = v.merchants + [i for i in cache["vendors"][v.idx] if st.active[i]]
        for i in pick(cache["buyers"][v.idx], e.purchase_prob, rng):
            if not st.active[i]:
                continue
            price = st.usd_to_local(asset, rng.uniform(*e.purchase_usd), at_reference=True)
            amount = min(price, int(st.spendable(asset, i) * e.max_spend_share))
            seller = rng.choice(sellers)
            if amount > 0 and seller != i:
                out.append(Action(i, "Assets", "transfer", {"asset": asset, "dest": addr(st.pop.people[seller].public),
                                                             "amount": amount}, "purchase"))
    return out


def cash_outs(p: ScenarioParams, st: ModelState, rng: random.Random) -> list[Action]:
    """Merchants and vendors cash out above their float to restock; households now and then for school
    fees or the clinic. People pick an agent of their village not knowing whether it is offline: during
    an outage some of these fail on chain (Assets.AgentUnavailable)."""
    e = p.economy
    out = []
    for v in st.pop.villages:
        asset = st.assets[v.country]
        float_ = st.usd_to_local(asset, e.merchant_float_usd, at_reference=True)
        for i in v.merchants + v.adults + v.educators:
            if not st.active[i] or not v.agents:
                continue
            have = st.spendable(asset, i)
            seller = i in v.merchants or st.pop.people[i].role == "vendor"
            if seller and have > float_ and rng.random() < e.merchant_cashout_prob:
                amount = have - float_ // 2
            elif rng.random() < e.household_cashout_prob and have > 0:
                amount = int(have * rng.uniform(*e.household_cashout_share))
            else:
                continue
            if amount > 0:
                agent = rng.choice(v.agents)
                out.append(Action(i, "Assets", "cash_out", {"asset": asset, "agent": addr(st.pop.people[agent].public),
                                                             "amount": amount}, "cash_out"))
    return out


CORE_POLICIES: tuple[tuple[str, Policy], ...] = (
    ("oracle_rates", oracle_rates),
    ("onboarding", onboarding),
    ("deposits", deposits),
    ("harvest_wages", harvest_wages),
    ("purchases", purchases),
    ("cash_outs", cash_outs),
)

STATE_UPDATES: tuple[tuple[str, Callable[[ScenarioParams, ModelState, random.Random], None]], ...] = (
    ("accrue_earnings", accrue_earnings),
)
