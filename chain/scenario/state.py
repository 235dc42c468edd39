"""The model's state: what the community believes about itself between days.

The model never writes chain state. It keeps a shadow ledger (token balances per person, the FX desk's
liquidity, pending remittances, nonces) that it updates with the *expected* effect of every action it
submits, in submission order, which is the order the chain applies them in. Policies read this state;
the engine re-reads the chain into it every `reconcile_every_days` days and on attach (`from_chain`), and
tests check that belief and chain agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from chain.scenario.params import ScenarioParams
from chain.scenario.population import Population

RATE_SCALE = 10**6  # chain/pallets/oracle.py: whole local units per USD, times 10^6
STABLE = 0  # asset id of USDP


class Action(NamedTuple):
    """One thing a person does: becomes one signed extrinsic `pallet.call(**args)` from `signer`."""

    signer: int  # person index
    pallet: str
    call: str
    args: dict[str, Any]
    tag: str = ""  # what it means in the story (stats, progress)


@dataclass
class Shock:
    """An active shock: kind, where, from which day to which day, and its parameters."""

    kind: str  # drought | devaluation | outage | fraud
    start_day: int
    end_day: int
    countries: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    started: bool = False
    ended: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start_day": self.start_day, "end_day": self.end_day,
                "countries": list(self.countries), "params": self.params, "started": self.started, "ended": self.ended}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Shock":
        return cls(d["kind"], d["start_day"], d["end_day"], tuple(d["countries"]), dict(d["params"]),
                   d["started"], d["ended"])


@dataclass
class Pending:
    """A remittance the model sent and expects its recipient to collect."""

    rid: int
    recipient: int
    asset: int
    amount: int
    sent_day: int


@dataclass
class ModelState:
    params: ScenarioParams
    pop: Population
    assets: dict[str, int]  # country -> local asset id
    blocks_per_day: int
    day: int = 0
    bal: dict[int, list[int]] = field(default_factory=dict)  # asset -> balance by person index
    desk: dict[int, int] = field(default_factory=dict)  # asset -> FX desk balance
    nonce: list[int] = field(default_factory=list)
    active: list[bool] = field(default_factory=list)  # has an account (funded for fees)
    activating: list[int] = field(default_factory=list)  # opened today: may transact from tomorrow
    agent_online: dict[int, bool] = field(default_factory=dict)
    ref_rates: dict[int, int] = field(default_factory=dict)  # asset -> genesis rate (prices are set in it)
    rates: dict[int, int] = field(default_factory=dict)  # asset -> rate the oracle posts today
    accrued: list[float] = field(default_factory=list)  # earnings not yet cashed in (local units)
    reserve: dict[int, int] = field(default_factory=dict)  # person -> tokens kept aside (an installment due)
    pending: list[Pending] = field(default_factory=list)
    next_remittance: int = 0
    shocks: list[Shock] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # actions by tag
    extra: dict[str, Any] = field(default_factory=dict)  # per-domain model state (campaigns, courses, loans)

    @classmethod
    def fresh(cls, params: ScenarioParams, pop: Population, assets: dict[str, int], blocks_per_day: int,
              rates: dict[int, int]) -> "ModelState":
        n = len(pop.people)
        st = cls(params, pop, assets, blocks_per_day)
        st.bal = {a: [0] * n for a in sorted({STABLE, *assets.values()})}
        st.desk = {a: 0 for a in st.bal}
        st.nonce = [0] * n
        st.active = [p.has_account for p in pop.people]
        st.agent_online = {p.idx: True for p in pop.people if p.role in ("agent", "agent_abroad", "fx_lp")}
        st.ref_rates = dict(rates)
        st.rates = dict(rates)
        st.accrued = [0.0] * n
        return st

    # -- time -----------------------------------------------------------------------------------------
    @property
    def month(self) -> int:
        """Calendar month 1-12 of the current day (the simulated calendar starts on 1 January)."""
        return min(12, (self.day % 365) * 12 // 365 + 1)

    def first_block_of_day(self, day: int | None = None) -> int:
        return (self.day if day is None else day) * self.blocks_per_day + 1

    # -- money ------------------------------------------------------------------------------------------
    def asset_of(self, idx: int) -> int:
        """The local token of a person's home country (USDP for those without one)."""
        return self.assets.get(self.pop.people[idx].home, STABLE)

    def usd_to_local(self, asset: int, usd: float, *, at_reference: bool = False) -> int:
        """USD in base units of a token (2 decimals for local tokens, 6 for USDP)."""
        if asset == STABLE:
            return int(round(usd * 1_000_000))
        rate = (self.ref_rates if at_reference else self.rates)[asset]
        return int(round(usd * rate / RATE_SCALE * 100))

    def spendable(self, asset: int, idx: int) -> int:
        """What a person may spend: the wallet less what they keep aside for an installment due."""
        return max(0, self.bal[asset][idx] - self.reserve.get(idx, 0))

    def shock_factor(self, kind: str, country: str, key: str, default: float = 1.0) -> float:
        """The product of `params[key]` over active shocks of a kind that cover a country."""
        f = default
        for s in self.shocks:
            if s.kind == kind and s.started and not s.ended and (not s.countries or country in s.countries):
                f *= float(s.params.get(key, 1.0))
        return f

    def in_shock(self, kind: str, country: str = "") -> bool:
        return any(s.kind == kind and s.started and not s.ended and (not country or not s.countries or country in s.countries)
                   for s in self.shocks)

    def count(self, tag: str, n: int = 1) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + n

    # -- expected effects ----------------------------------------------------------------------------------
    def expect(self, action: Action) -> None:
        """Apply the expected effect of an action to the shadow ledger (and count it)."""
        fn = EXPECT.get((action.pallet, action.call))
        if fn is not None:
            fn(self, action)
        self.count(action.tag or f"{action.pallet}.{action.call}")

    def idx(self, public: bytes) -> int | None:
        return self.pop.by_public.get(public)


def _addr(value: Any) -> bytes:
    """A MultiAddress or AccountId argument as the 32-byte account id."""
    return value[1] if isinstance(value, tuple) else value


def _move(st: ModelState, asset: int, src: int | None, dst: int | None, amount: int) -> None:
    if src is not None:
        st.bal[asset][src] -= amount
    if dst is not None:
        st.bal[asset][dst] += amount


def _expect_transfer(st: ModelState, a: Action) -> None:
    _move(st, a.args["asset"], a.signer, st.idx(_addr(a.args["dest"])), a.args["amount"])


def _expect_cash_in(st: ModelState, a: Action) -> None:
    if st.agent_online.get(a.signer, False):
        who = st.idx(_addr(a.args["who"]))
        _move(st, a.args["asset"], None, who, a.args["amount"])
        if a.tag == "income.cash_in" and who is not None:
            st.accrued[who] = 0.0  # deposited a share; the rest of the cash was spent off chain


def _expect_cash_out(st: ModelState, a: Action) -> None:
    agent = st.idx(_addr(a.args["agent"]))
    if agent is not None and st.agent_online.get(agent, False):
        _move(st, a.args["asset"], a.signer, None, a.args["amount"])
        if a.tag.startswith("loan.invest:"):
            ln = st.extra["lend"]["loans"][a.tag.partition(":")[2]]
            ln["invested"] = True
            ln["capital"] = a.args["amount"]


def _expect_agent_status(st: ModelState, a: Action) -> None:
    st.agent_online[a.signer] = bool(a.args["active"])


def _expect_balances_transfer(st: ModelState, a: Action) -> None:
    dst = st.idx(_addr(a.args["dest"]))
    if dst is not None and not st.active[dst]:
        st.activating.append(dst)  # the pool checks fees against the head state: usable from tomorrow


def _expect_oracle(st: ModelState, a: Action) -> None:
    for asset, rate in a.args["rates"]:
        st.rates[asset] = rate


def _expect_fund_desk(st: ModelState, a: Action) -> None:
    _move(st, a.args["asset"], a.signer, None, a.args["amount"])
    st.desk[a.args["asset"]] += a.args["amount"]


EXPECT: dict[tuple[str, str], Callable[[ModelState, Action], None]] = {
    ("Assets", "transfer"): _expect_transfer,
    ("Assets", "cash_in"): _expect_cash_in,
    ("Assets", "cash_out"): _expect_cash_out,
    ("Assets", "set_agent_status"): _expect_agent_status,
    ("Balances", "transfer_keep_alive"): _expect_balances_transfer,
    ("Oracle", "post_rates"): _expect_oracle,
    ("Remittance", "fund_desk"): _expect_fund_desk,
}


def convert(amount: int, src_rate: int, src_decimals: int, dst_rate: int, dst_decimals: int, margin_bps: int) -> int:
    """chain/pallets/oracle.py `convert`, exactly (integer arithmetic), for the shadow ledger."""
    return amount * dst_rate * 10**dst_decimals * (10_000 - margin_bps) // (src_rate * 10**src_decimals * 10_000)


def daily_prob(per_period: float, days: float) -> float:
    """The daily probability of an event that happens with probability `per_period` over `days` days."""
    return 1 - (1 - min(max(per_period, 0.0), 1.0)) ** (1 / days) if per_period < 1 else 1.0


def pick(seq: Sequence[int], p: float, rng: Any) -> Iterator[int]:
    """The elements of `seq` chosen independently with probability `p` each, in order: the same law as
    `[x for x in seq if rng.random() < p]`, drawn with geometric skips (one draw per pick, not per element)."""
    if p <= 0:
        return
    n = len(seq)
    if p >= 1:
        yield from seq
        return
    log_q = math.log1p(-p)
    i = -1
    while True:
        i += 1 + int(math.log(1.0 - rng.random()) / log_q)
        if i >= n:
            return
        yield seq[i]


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def log_rate_step(rate: int, change: float) -> int:
    return max(1, int(round(rate * math.exp(change))))
