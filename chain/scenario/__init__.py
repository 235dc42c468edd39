"""The synthetic community generator: a realistic community living on the chain, for a year or live.

Command line: `python -m chain simulate --scenario demo --days 90 --seed 7 --base-path data/chain`.

From the app (all signatures are keyword-friendly):
    build_chain(scenario="demo", base_path=dir, days=None, seed=0, progress=cb)  # a new chain; cb(fraction, message)
    run_days(client, days=7, progress=cb)          # more days on an open EmbeddedClient's chain
    inject_shock(client, shock="drought", countries=["KE"], days=30)  # -> ShockReport (str() is a sentence)
    live(client, pace=30.0) -> LiveRunner          # live mode: run_days/inject/set_pace/pause/resume/stop
    registry.load_names(base_path)                 # {account: name} for the staff view (needs the key)

Modules: params (every parameter, calibrated figures with sources), calibration (the copied public data),
population (people, households, villages; demo-only keys), registry (encrypted personal data, off chain),
state (the model's belief), policies* (behaviour), shocks, signing (bulk ed25519), engine (the day loop),
live (the live runner), cli.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from chain.scenario.engine import RunStats, ScenarioError, Simulation
from chain.scenario.live import LiveRunner
from chain.scenario.params import SCENARIOS, ScenarioParams, scenario, sweep
from chain.scenario.shocks import KINDS as SHOCKS, FraudReport, ShockReport

__all__ = [
    "SCENARIOS", "SHOCKS", "FraudReport", "LiveRunner", "RunStats", "ScenarioError", "ScenarioParams", "ShockReport",
    "Simulation", "build_chain", "inject_shock", "live", "run_days", "scenario", "simulation_for", "sweep",
]

Progress = Callable[[float, str], None]
_sims: dict[int, Simulation] = {}
_runners: dict[int, LiveRunner] = {}
_lock = threading.Lock()


def build_chain(scenario: str = "demo", base_path: str | Path = "data/chain", days: int | None = None, seed: int = 0,
                progress: Progress | None = None, registry_key: bytes | str | None = None) -> RunStats:
    """Create a new scenario chain in `base_path` and simulate `days` (default: the scenario's)."""
    sim = Simulation.create(base_path, scenario, seed, registry_key=registry_key)
    try:
        return sim.run_days(sim.params.days if days is None else days, progress)
    finally:
        sim.close()


simulate = build_chain


def simulation_for(client_or_node: Any) -> Simulation:
    """The Simulation driving an open EmbeddedClient's (or Node's) chain, attached on first use."""
    node = getattr(client_or_node, "node", client_or_node)
    with _lock:
        sim = _sims.get(id(node))
        if sim is None or sim.node is not node:
            sim = Simulation.attach(node)
            _sims[id(node)] = sim
        return sim


def run_days(client: Any, days: int = 1, progress: Progress | None = None) -> RunStats:
    """Simulate `days` more days on the chain behind an open client."""
    return simulation_for(client).run_days(days, progress)


def inject_shock(client: Any, shock: str, **kw: Any) -> ShockReport:
    """Inject a shock (drought, devaluation, outage, fraud) into the chain behind an open client."""
    return simulation_for(client).inject(shock, **kw)


def live(client: Any, pace: float = 30.0) -> LiveRunner:
    """The (one) live runner of a client's chain, started at `pace` seconds per simulated day."""
    sim = simulation_for(client)
    with _lock:
        r = _runners.get(id(sim.node))
        if r is None or r.sim is not sim:
            r = LiveRunner(sim, pace)
            _runners[id(sim.node)] = r
    r.set_pace(pace)
    return r.start()
