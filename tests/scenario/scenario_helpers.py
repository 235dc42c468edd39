"""Helpers of the scenario tests: small scenario chains."""
from __future__ import annotations

from pathlib import Path

from chain.scenario.engine import Simulation
from chain.scenario.params import scenario

KEY = "11" * 32
SMALL = {"population.people": 90, "population.village_adults": 40}


def small(**overrides: object):
    return scenario("demo", **{**SMALL, **overrides})


def build(path: Path, days: int, seed: int = 5, shocks: list[tuple[str, dict]] = (), **overrides: object) -> Simulation:
    sim = Simulation.create(path, small(**overrides), seed, registry_key=KEY)
    for kind, kw in shocks:
        sim.inject(kind, **kw)
    sim.run_days(days)
    return sim
