"""The day loop: policies decide, the engine signs their actions in bulk, submits them through the
transaction pool (`Node.prepare_many` then `Node.admit_prepared`: `Node.submit_many` in two halves) and
produces the day's blocks with simulated timestamps (block n is at genesis time + n * 24 h /
blocks_per_day), stored in one group commit a day (`Node.deferred_commit`).

`Simulation.create(base_path, "demo", seed=7)` makes a new chain (genesis with the community's accounts
funded for fees, agents licensed, oracle feeder set) and its encrypted registry; `Simulation.open(path)`
or `Simulation.attach(node)` continues one. `run_days(n, progress)` advances it; `inject(kind, ...)`
schedules a shock. The same params and seed give the same blocks, byte for byte.
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import json
import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from chain.errors import ChainError, InvalidTransaction
from chain.hashing import blake2_256
from chain.node import DEFAULT_ASSETS, Node, dev_genesis_config
from chain.runtime import SPEC_VERSION, TX_VERSION, default_pallets
from chain.scenario import calibration as cal
from chain.scenario import shocks as sh
from chain.scenario.params import ScenarioParams, params_from_dict, scenario as named_scenario
from chain.scenario.policies import CORE_POLICIES, STATE_UPDATES, Policy
from chain.scenario.population import Population, build_population
from chain.scenario.registry import PersonRecord, Registry, open_key, registry_path
from chain.scenario.signing import BulkSigner, SignSession
from chain.scenario.state import RATE_SCALE, STABLE, Action, ModelState, Pending, Shock
from chain.types import UNIT

SCENARIO_FILE = "scenario.json"
DOMAIN_MODULES = ("chain.scenario.policies_remit", "chain.scenario.policies_credit", "chain.scenario.policies_savings",
                  "chain.scenario.policies_ngo")
Progress = Callable[[float, str], None]

# PUI for fees at genesis, by role (a household extrinsic costs about 0.0003 PUI).
GENESIS_PUI = {"operator": 100_000, "oracle": 100, "mfi": 1_000, "fx_lp": 1_000, "ngo": 1_000, "agent_abroad": 1_000,
               "agent": 100, "merchant": 5, "educator": 5, "migrant": 5, "donor": 5}
HOUSEHOLD_PUI = 2
PREPARE_AHEAD = 2  # blocks' worth of extrinsics whose signatures are being checked while one is sealed


def _timed(it: Iterator[Any], timings: dict[str, float], key: str) -> Iterator[Any]:
    """Yield from `it`, adding the time spent waiting for each item to timings[key]."""
    while True:
        t = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            return
        timings[key] += time.perf_counter() - t
        yield item


@contextlib.contextmanager
def _quiet_gc() -> Iterator[None]:
    """Bulk runs: Python's cyclic collector rescans the whole (growing) chain state on every full
    collection, which cost about a third of a year-long run. Collect rarely, and freeze each day's
    survivors; restored afterwards (reference counting still frees everything acyclic)."""
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*old)


class ScenarioError(ChainError):
    """Raised when a scenario cannot be created or continued (directory in use, not a scenario chain)."""


@dataclass
class RunStats:
    days: int = 0
    blocks: int = 0
    extrinsics: int = 0  # submitted and accepted into the pool
    refused: int = 0  # refused at submission (InvalidTransaction), e.g. a fraud attempt's
    refused_by: dict[str, int] = field(default_factory=dict)  # "Pallet.call: Error" -> count
    seconds: float = 0.0
    reports: list[sh.ShockReport] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.extrinsics / self.seconds if self.seconds else 0.0

    def add(self, other: "RunStats") -> None:
        self.days += other.days
        self.blocks += other.blocks
        self.extrinsics += other.extrinsics
        self.refused += other.refused
        for k, v in other.refused_by.items():
            self.refused_by[k] = self.refused_by.get(k, 0) + v
        self.seconds += other.seconds
        self.reports += other.reports


def genesis_config(params: ScenarioParams, pop: Population, seed: int) -> dict[str, Any]:
    """The scenario's chain spec: the dev chain plus the community's accounts funded for fees (those
    without an account at the start get theirs during the run), agents licensed, the oracle's feeder
    and reference rates, and the scenario operator as sudo (an ed25519 key: deterministic signatures)."""
    balances = []
    for p in pop.people:
        pui = GENESIS_PUI.get(p.role, HOUSEHOLD_PUI)
        if p.has_account:
            balances.append((p.public, pui * UNIT))
    cfg = dev_genesis_config(blocks_per_day=params.blocks_per_day, extra_balances=balances)
    cfg["name"] = f"Puhui {params.name} community (seed {seed})"
    cfg["sudo_key"] = pop.people[pop.operator].public
    agents = [(p.public, p.country) for p in pop.people if p.role in ("agent", "agent_abroad", "fx_lp")]
    cfg["agents"] = agents
    cfg["oracle_feeders"] = [pop.people[pop.oracle].public]
    by_country = {a["country"]: a["id"] for a in DEFAULT_ASSETS if a["country"]}
    cfg["oracle_rates"] = [(by_country[c], int(cal.USD_RATES[c] * RATE_SCALE)) for c in pop.countries]
    for mod in domain_modules({cls.NAME for cls in default_pallets()}):
        mod.genesis(params, pop, cfg)
    return cfg


def domain_modules(pallets: set[str]) -> list[Any]:
    """The domain policy modules whose pallets this runtime has."""
    mods = [importlib.import_module(m) for m in DOMAIN_MODULES]
    return [m for m in mods if m.available(pallets)]


class Simulation:
    """One scenario chain and the model that drives it. Thread-safe at day granularity."""

    def __init__(self, node: Node, params: ScenarioParams, seed: int, state: ModelState | None = None,
                 population: Population | None = None):
        self.node = node
        self.params = params
        self.seed = seed
        self.pop = population or build_population(params, seed)
        assets = {a["country"]: a["id"] for a in node.genesis_config.get("assets", DEFAULT_ASSETS) if a.get("country")}
        self.assets = {c: assets[c] for c in self.pop.countries}
        rates = {a: r for a, r in node.genesis_config.get("oracle_rates", [])}
        self.state = state or ModelState.fresh(params, self.pop, self.assets, node.rt.blocks_per_day, rates)
        self.policies: list[tuple[str, Policy]] = list(CORE_POLICIES)
        self.updates = list(STATE_UPDATES)
        self._domains = domain_modules({p.NAME for p in node.rt.pallets})
        for mod in self._domains:
            self.policies += mod.POLICIES
            self.updates += getattr(mod, "STATE_UPDATES", ())
        self.signer = BulkSigner(node.genesis_hash, SPEC_VERSION, TX_VERSION, params.sign_workers, node.rt)
        self.lock = threading.RLock()
        self.total = RunStats()
        self.in_day = False
        self.timings: dict[str, float] = {"decide": 0.0, "sign": 0.0, "submit": 0.0, "produce": 0.0, "reconcile": 0.0}

    # -- making and opening --------------------------------------------------------------------------
    @classmethod
    def create(cls, base_path: str | Path, scenario: str | ScenarioParams = "demo", seed: int = 0, *,
               registry_key: bytes | str | None = None, **overrides: Any) -> "Simulation":
        params = named_scenario(scenario, **overrides) if isinstance(scenario, str) else scenario
        base = Path(base_path)
        if (base / "chain.sqlite").exists() or (base / SCENARIO_FILE).exists():
            raise ScenarioError(f"{base} already holds a chain; continue it with Simulation.open or pick a new directory")
        pop = build_population(params, seed)
        node = Node(base, genesis_config(params, pop, seed), seal="manual")
        key = open_key(base, registry_key, create=True)
        reg = Registry()
        for p in pop.personal():
            reg.put(p.public, PersonRecord(p.name, p.village_name, "female" if p.female else "male", p.age, p.role))
        reg.save(registry_path(base), key)
        sim = cls(node, params, seed, population=pop)
        sim.save()
        return sim

    @classmethod
    def attach(cls, node: Node) -> "Simulation":
        """Continue the scenario of an open node (its data directory has scenario.json)."""
        path = Path(node.base_path) / SCENARIO_FILE
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ScenarioError(f"{node.base_path} is not a scenario chain (no {SCENARIO_FILE})") from None
        sim = cls(node, params_from_dict(meta["params"]), int(meta["seed"]))
        sim._load_model(meta.get("model", {}))
        return sim

    @classmethod
    def open(cls, base_path: str | Path) -> "Simulation":
        return cls.attach(Node(base_path, seal="manual"))

    def close(self) -> None:
        self.save()
        self.signer.close()
        self.node.close()

    # -- persistence of the model (no personal data: indices, amounts, days) -------------------------
    def save(self) -> None:
        st = self.state
        model = {
            "day": st.day, "activating": st.activating, "accrued": [round(x, 2) for x in st.accrued], "next_remittance": st.next_remittance,
            "pending": [[q.rid, q.recipient, q.asset, q.amount, q.sent_day] for q in st.pending],
            "shocks": [s.to_json() for s in st.shocks], "counts": st.counts, "extra": st.extra,
        }
        meta = {"version": 1, "scenario": self.params.name, "seed": self.seed, "params": self.params.to_dict(),
                "model": model}
        path = Path(self.node.base_path) / SCENARIO_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
        tmp.replace(path)

    def _load_model(self, m: dict[str, Any]) -> None:
        st = self.state
        st.day = int(m.get("day", 0))
        if len(m.get("accrued", [])) == len(st.accrued):
            st.accrued = [float(x) for x in m["accrued"]]
        st.next_remittance = int(m.get("next_remittance", 0))
        st.activating = [int(i) for i in m.get("activating", [])]
        st.pending = [Pending(*q) for q in m.get("pending", [])]
        st.shocks = [Shock.from_json(s) for s in m.get("shocks", [])]
        st.counts = dict(m.get("counts", {}))
        st.extra = dict(m.get("extra", {}))
        self.reconcile(full=True)

    def reconcile(self, full: bool = False) -> int:
        """Re-read the community's wallets (and with `full`, nonces, agents, rates, the FX desk) from the
        chain into the model; returns how many wallet entries the model had wrong."""
        st, node = self.state, self.node
        wrong = 0
        with node.lock:
            node.rt.prepare_for_validation(node.head.number, node.head.hash)
            assets = node.rt.pallet("Assets")
            for p in self.pop.people:
                for a in {STABLE, st.asset_of(p.idx)}:
                    v = assets.Account.get(a, p.public)
                    if v != st.bal[a][p.idx]:
                        wrong += 1
                        st.bal[a][p.idx] = v
                if full:
                    st.nonce[p.idx] = node.next_nonce(p.public)
                    st.active[p.idx] = node.rt.system.Account.get(p.public)["data"]["free"] > 0
                    info = assets.Agents.get(p.public)
                    if info is not None:
                        st.agent_online[p.idx] = bool(info["active"])
            if full and node.rt.has_pallet("Oracle"):
                for a in st.rates:
                    point = node.rt.pallet("Oracle").Rates.get(a)
                    if point is not None:
                        st.rates[a] = point["rate"]
            for dom in self._domains:
                dom.reconcile(self, full)
        return wrong

    # -- running -------------------------------------------------------------------------------------
    def _rng(self, day: int, name: str) -> random.Random:
        return random.Random(int.from_bytes(blake2_256(f"{self.seed}/{day}/{name}".encode()), "little"))

    def decide_day(self, sink: Callable[[list[Action]], None] | None = None) -> list[Action]:
        """Today's actions: shock transitions, domain setup, state updates, then every policy in order,
        each action's expected effect applied before the next policy looks. `sink` gets each policy's
        actions as soon as they are taken (the bulk path signs them meanwhile)."""
        st, p = self.state, self.params
        actions: list[Action] = []

        def take(acts: list[Action]) -> None:
            for a in acts:
                st.expect(a)
            actions.extend(acts)
            if sink is not None and acts:
                sink(acts)

        for i in st.activating:
            st.active[i] = True
        st.activating.clear()
        take(sh.transitions(st))
        for dom in self._domains:
            take(dom.setup(self))
        for name, update in self.updates:
            update(p, st, self._rng(st.day, name))
        for name, policy in self.policies:
            take(policy(p, st, self._rng(st.day, name)))
        return actions

    def _items(self, actions: list[Action]) -> list[Any]:
        """What the signer needs for each action, with the signer's next nonce (assigned here)."""
        nonce, people = self.state.nonce, self.pop.people
        items = []
        for a in actions:
            signer = people[a.signer].signer
            items.append((signer.secret, signer.public, a.pallet, a.call, a.args, nonce[a.signer]))
            nonce[a.signer] += 1
        return items

    def sign(self, actions: list[Action]) -> list[bytes]:
        """Signed extrinsics of these actions, in order (nonces assigned)."""
        return self.signer.sign(self._items(actions))

    def step_day(self, pace: float | None = None, on_block: Callable[[], None] | None = None) -> RunStats:
        """Simulate one day: decide, sign, submit, produce blocks_per_day blocks (sleeping `pace` seconds
        per day, spread over its blocks, and calling `on_block` after each when given)."""
        with self.lock:
            t0 = time.perf_counter()
            stats = RunStats(days=1)
            self.in_day = True
            try:
                tm, clock = self.timings, time.perf_counter
                stats.blocks += self._align()
                stats.reports += self._due_fraud()
                live = bool(pace) or on_block is not None
                # bulk: each policy's actions are signed over the workers while the next policies decide
                session = None if live else self.signer.session()
                sink = None
                if session is not None:
                    def sink(acts: list[Action], session: SignSession = session) -> None:
                        session.add(self._items(acts))
                t = clock()
                actions = self.decide_day(sink)
                if session is not None:
                    session.flush()
                t1 = clock()
                tm["decide"] += t1 - t
                bpd = self.state.blocks_per_day
                per_block = max(1, math.ceil((len(actions) + self.node.pool.status().ready) / bpd))
                results: list[bytes | InvalidTransaction] = []
                if session is None:  # live: one block at a time, durable as it comes
                    raws = self.signer.sign(self._items(actions))
                    t2 = clock()
                    results = self.node.submit_many(raws, seal=False) if raws else []
                    t3 = clock()
                    tm["sign"] += t2 - t1
                    tm["submit"] += t3 - t2
                    for b in range(bpd):
                        self.node.produce_block(max_extrinsics=per_block)
                        stats.blocks += 1
                        if pace:
                            time.sleep(pace / bpd)
                        if on_block is not None:
                            on_block()
                    tm["produce"] += clock() - t3
                else:  # bulk, a pipeline: the day was signed while it was decided; the signatures of
                    # the next PREPARE_AHEAD blocks' extrinsics are checked (pool workers) while one
                    # block's are admitted and sealed
                    sizes = [min(per_block, len(actions) - i) for i in range(0, len(actions), per_block)]
                    produced = 0
                    stream = (session.take(n) for n in sizes)
                    ahead: deque[Any] = deque()  # prepared batches, not admitted yet
                    with self.node.deferred_commit():  # the day's blocks are stored in one group commit
                        for raws in _timed(stream, tm, "sign"):
                            t2 = clock()
                            ahead.append(self.node.prepare_many(raws))
                            tm["submit"] += clock() - t2
                            if len(ahead) > PREPARE_AHEAD:
                                produced += self._admit_and_seal(ahead.popleft(), results, stats, False, per_block, produced)
                        while ahead:
                            produced += self._admit_and_seal(ahead.popleft(), results, stats, not ahead, per_block, produced)
                        t3 = clock()
                        if produced < bpd:
                            stats.blocks += len(self.node.produce_blocks(bpd - produced, per_block))
                    tm["produce"] += clock() - t3
                for a, r in zip(actions, results):
                    if isinstance(r, InvalidTransaction):
                        stats.refused += 1
                        why = f"{a.pallet}.{a.call}: {type(r).__name__}"
                        stats.refused_by[why] = stats.refused_by.get(why, 0) + 1
                        self.state.nonce[a.signer] = self.node.next_nonce(self.pop.people[a.signer].public)
                stats.extrinsics = len(results) - stats.refused
                t4 = clock()
                self.state.day += 1
                if self.params.reconcile_every_days and self.state.day % self.params.reconcile_every_days == 0:
                    self.reconcile()
                    tm["reconcile"] += clock() - t4
            finally:
                self.in_day = False
            stats.seconds = time.perf_counter() - t0
            self.total.add(stats)
            return stats

    def _admit_and_seal(self, prepared: Any, results: list[Any], stats: RunStats, last: bool, per_block: int,
                        produced: int) -> int:
        """Admit one prepared block's worth of extrinsics and seal that block (the rest of the day's
        blocks after the last); returns the blocks made."""
        tm, clock = self.timings, time.perf_counter
        bpd = self.state.blocks_per_day
        t2 = clock()
        results += self.node.admit_prepared(prepared, seal=False)
        t3 = clock()
        n = bpd - produced if last else min(1, bpd - produced)
        if n:
            stats.blocks += len(self.node.produce_blocks(n, per_block))
        tm["submit"] += t3 - t2
        tm["produce"] += clock() - t3
        return n

    def _align(self) -> int:
        """Day d is blocks d*bpd+1 .. (d+1)*bpd. If blocks were produced outside the model (a node's own
        production, another tool), finish that day with the pool's pending transactions and go on from
        the next day boundary. Returns the blocks produced."""
        bpd, head = self.state.blocks_per_day, self.node.head.number
        if head == self.state.day * bpd:
            return 0
        made = 0
        while self.node.head.number % bpd:
            self.node.produce_block()
            made += 1
        self.state.day = self.node.head.number // bpd
        self.reconcile(full=True)
        return made

    def run_days(self, days: int, progress: Progress | None = None, pace: float | None = None) -> RunStats:
        """Advance `days` simulated days; `progress(fraction, message)` after each day."""
        out = RunStats()
        t0 = time.perf_counter()
        with _quiet_gc():
            for d in range(days):
                out.add(self.step_day(pace))
                gc.freeze()  # what survived the day is long-lived: keep the collector from rescanning it
                if progress is not None:
                    rate = out.extrinsics / max(1e-9, time.perf_counter() - t0)
                    progress((d + 1) / days, f"day {self.state.day} ({d + 1}/{days}) · block #{self.node.head.number} · "
                                             f"{out.extrinsics:,} extrinsics · {rate:,.0f}/s")
        out.seconds = time.perf_counter() - t0
        self.save()
        return out

    # -- shocks ----------------------------------------------------------------------------------------
    def inject(self, kind: str, *, start_day: int | None = None, countries: tuple[str, ...] | list[str] = (),
               days: int | None = None, **kw: Any) -> sh.ShockReport:
        """Schedule a shock (default: from the next day simulated). A fraud attempt happens at once."""
        with self.lock:
            st = self.state
            start = start_day if start_day is not None else st.day + (1 if self.in_day else 0)
            shock = sh.make_shock(kind, self.params, st, self._rng(st.day, f"shock/{kind}/{len(st.shocks)}"),
                                  start_day=start, countries=countries, days=days, **kw)
            if kind == "fraud" and (start_day is None or start <= st.day):  # at once, even mid-day
                shock.started = shock.ended = True
                fraud = sh.fraud_attempt(self.node, st, shock, self._rng(st.day, f"fraud/{len(st.shocks)}"))
                st.shocks.append(shock)
                self.total.reports.append(fraud)
                return fraud
            st.shocks.append(shock)
            report = sh.ShockReport(kind, start, sh.describe(shock), shock.params)
            self.total.reports.append(report)
            self.save()
            return report

    def _due_fraud(self) -> list[sh.ShockReport]:
        out: list[sh.ShockReport] = []
        for i, s in enumerate(self.state.shocks):
            if s.kind == "fraud" and not s.started and s.start_day <= self.state.day:
                s.started = s.ended = True
                out.append(sh.fraud_attempt(self.node, self.state, s, self._rng(self.state.day, f"fraud/{i}")))
        return out
