"""Shocks a presenter can inject, each changing the chain only through signed extrinsics:

- drought: farm and labour incomes drop in the affected countries for a while, so fewer deposits reach
  wallets, harvest wages shrink and (with Lending) installments run late.
- devaluation: the FX oracle posts the local token's rate jumped by the devaluation (local units per USD
  up by 1/(1 - pct)); remittances then buy more local tokens, local savings lose USD value.
- outage: a share of the cash agents go offline (`Assets.set_agent_status(false)`, signed by each agent)
  for some days; cash-ins stop there and cash-outs customers try there fail with `AgentUnavailable`.
- fraud: forged signatures (an attacker signs a transfer out of a victim's account; a genuine transfer
  with its amount tampered) and replayed extrinsics (already in blocks) are submitted through the pool;
  the pool refuses every one (`BadProof`, `Stale`...) and none enters a block. The report counts them.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from chain.errors import InvalidTransaction
from chain.extrinsic import decode_extrinsic, encode_signed, signing_payload
from chain.scenario.params import ScenarioParams
from chain.scenario.population import DemoSigner, derive_seed
from chain.scenario.state import Action, ModelState, Shock

KINDS = ("drought", "devaluation", "outage", "fraud")


class UnknownShock(ValueError):
    """Raised when a shock kind is not one of drought, devaluation, outage, fraud."""


@dataclass
class ShockReport:
    kind: str
    day: int
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass
class FraudReport(ShockReport):
    attempted: int = 0
    refused: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    hashes: list[bytes] = field(default_factory=list)  # forged: must never be in a block
    replayed: list[bytes] = field(default_factory=list)  # replayed: must stay in their original block only


def make_shock(kind: str, params: ScenarioParams, st: ModelState, rng: random.Random, *, start_day: int | None = None,
               countries: tuple[str, ...] | list[str] = (), days: int | None = None, **kw: Any) -> Shock:
    """A shock spec starting at `start_day` (default: the next day to simulate)."""
    sp = params.shocks
    start = st.day if start_day is None else start_day
    countries = tuple(countries)
    unknown = [c for c in countries if c not in st.assets]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} not in this scenario (countries: {', '.join(st.assets)})")
    if kind == "drought":
        n = days or sp.drought_days
        factor = float(kw.get("income_factor", sp.drought_income_factor))
        return Shock("drought", start, start + n, countries, {"income_factor": factor})
    if kind == "devaluation":
        pct = float(kw.get("pct", sp.devaluation_pct))
        if not 0 < pct < 100:
            raise ValueError("a devaluation is between 0 and 100 percent")
        return Shock("devaluation", start, start, countries or (st.pop.countries[0],),
                     {"pct": pct, "rate_factor": 1 / (1 - pct / 100)})
    if kind == "outage":
        n = days or sp.outage_days
        share = float(kw.get("share", sp.outage_agent_share))
        agents = [p.idx for p in st.pop.people if p.role == "agent" and (not countries or p.country in countries)
                  and st.agent_online.get(p.idx, False)]
        chosen = sorted(rng.sample(agents, max(1, round(len(agents) * share)))) if agents else []
        return Shock("outage", start, start + n, countries, {"agents": chosen})
    if kind == "fraud":
        return Shock("fraud", start, start, countries, {"forged": int(kw.get("forged", sp.fraud_forged)),
                                                        "replayed": int(kw.get("replayed", sp.fraud_replayed))})
    raise UnknownShock(f"unknown shock {kind!r}; choose one of {', '.join(KINDS)}")


def transitions(st: ModelState) -> list[Action]:
    """State update at the start of a day: shocks start or end (marked), with the actions that brings
    (agents going off- and online). A drought covers days [start, end); a devaluation strikes on its day."""
    out: list[Action] = []
    for s in st.shocks:
        if s.ended:
            continue
        if not s.started and s.start_day <= st.day:
            s.started = True
            if s.kind == "outage":
                out += [Action(a, "Assets", "set_agent_status", {"active": False}, "shock.outage") for a in s.params["agents"]]
        if not s.started:
            continue
        if s.kind in ("devaluation", "fraud"):
            s.ended = st.day > s.start_day
        elif st.day >= s.end_day:
            s.ended = True
            if s.kind == "outage":
                out += [Action(a, "Assets", "set_agent_status", {"active": True}, "shock.outage_end") for a in s.params["agents"]]
    return out


def describe(s: Shock) -> str:
    where = ", ".join(s.countries) if s.countries else "all countries"
    if s.kind == "drought":
        return (f"drought in {where} from day {s.start_day} to day {s.end_day}: farm and labour incomes at "
                f"{s.params['income_factor']:.0%} of normal")
    if s.kind == "devaluation":
        return f"devaluation in {where} on day {s.start_day}: the local token loses {s.params['pct']:.0f}% against USDP"
    if s.kind == "outage":
        return f"outage of {len(s.params['agents'])} cash agents in {where} from day {s.start_day} to day {s.end_day}"
    return f"fraud attempt on day {s.start_day}"


def fraud_attempt(node: Any, st: ModelState, s: Shock, rng: random.Random, recent_blocks: int | None = None) -> FraudReport:
    """Submit forged and replayed extrinsics through the node's pool; every one must be refused."""
    from chain.runtime import SPEC_VERSION, TX_VERSION

    rt, genesis = node.rt, node.genesis_hash
    attacker = DemoSigner(derive_seed(st.pop.seed, "attacker", st.day))
    victims = [p for p in st.pop.people if st.active[p.idx] and p.village >= 0]
    raws: list[bytes] = []
    forged_hashes: list[bytes] = []
    for i in range(int(s.params.get("forged", 0))):
        victim = rng.choice(victims)
        asset = st.asset_of(victim.idx)
        nonce = node.next_nonce(victim.public)
        amount = max(100_000, st.bal[asset][victim.idx])  # always more than the 1 unit genuinely signed
        if i % 2 == 0:  # the attacker signs a transfer out of the victim's account with its own key
            call = rt.encode_call(rt.make_call("Assets", "transfer", asset=asset, dest=("Id", attacker.public), amount=amount))
            payload = signing_payload(call, None, nonce, 0, 0, SPEC_VERSION, TX_VERSION, genesis, genesis)
            raw = encode_signed(call, victim.public, int(victim.signer.key_type), attacker.sign(payload), None, nonce)
        else:  # a genuine small payment by the victim, its amount tampered with after signing
            small = rt.encode_call(rt.make_call("Assets", "transfer", asset=asset, dest=("Id", attacker.public), amount=1))
            payload = signing_payload(small, None, nonce, 0, 0, SPEC_VERSION, TX_VERSION, genesis, genesis)
            sig = victim.signer.sign(payload)
            big = rt.encode_call(rt.make_call("Assets", "transfer", asset=asset, dest=("Id", attacker.public), amount=amount))
            raw = encode_signed(big, victim.public, int(victim.signer.key_type), sig, None, nonce)
        raws.append(raw)
        forged_hashes.append(decode_extrinsic(raw).hash)
    replayed: list[bytes] = []
    head = node.head.number
    span = recent_blocks or 4 * st.blocks_per_day
    candidates: list[bytes] = []
    for n in range(max(1, head - span + 1), head + 1):
        blk = node.get_block(n)
        if blk is not None:
            candidates += [x for x in blk.extrinsics[1:]]  # skip the timestamp inherent
    for raw in rng.sample(candidates, min(len(candidates), int(s.params.get("replayed", 0)))):
        raws.append(raw)
        replayed.append(decode_extrinsic(raw).hash)
    results = node.submit_many(raws, seal=False) if raws else []
    by_reason: dict[str, int] = {}
    accepted = 0
    for r in results:
        if isinstance(r, InvalidTransaction):
            by_reason[type(r).__name__] = by_reason.get(type(r).__name__, 0) + 1
        else:
            accepted += 1
    refused = len(results) - accepted
    msg = (f"fraud attempt: {len(forged_hashes)} forged and {len(replayed)} replayed transactions submitted, "
           f"{refused} refused by the chain ({', '.join(f'{k} {v}' for k, v in sorted(by_reason.items())) or 'none'})")
    if accepted:
        msg += f"; {accepted} ACCEPTED (a defect)"
    return FraudReport("fraud", st.day, msg, {"accepted": accepted}, len(raws), refused, by_reason, forged_hashes, replayed)
