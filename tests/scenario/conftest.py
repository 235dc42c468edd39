"""Small scenario chains shared by the scenario tests (built once per session: a few seconds)."""
from __future__ import annotations

import pytest

from chain.scenario.engine import Simulation

from scenario_helpers import build


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Simulation:
    sim = build(tmp_path_factory.mktemp("baseline"), 20)
    yield sim
    sim.close()
