"""What the Presenter's buttons do, over the chain client. On a scenario chain (made by chain/scenario:
its data directory holds scenario.json) they drive the scenario generator: more days of the community's
behaviour, shocks that change it. On other chains the generic parts still work: a fraud attempt is plain
signed submissions the chain refuses, and more days fall back to real signed transfers between the
fallback test accounts (clearly reported as such)."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pages.ui.bootstrap import Progress, produce_days
from pages.ui.fraud import Attempt, fraud_attempt

FALLBACK_TRANSFERS_PER_DAY = 13
SCENARIO_SHOCK = {"drought": "drought", "devaluation": "devaluation", "agent_outage": "outage", "fraud": "fraud"}


class NeedsScenario(Exception):
    """Raised when an action needs a chain made by the scenario generator."""


@dataclass(frozen=True)
class RunResult:
    head: int
    how: str  # "scenario" | "fallback"
    extrinsics: int = 0


@dataclass(frozen=True)
class ShockOutcome:
    shock: str
    message: str
    attempts: list[Attempt] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)


def scenario_module() -> Any | None:
    try:
        return importlib.import_module("chain.scenario")
    except ModuleNotFoundError:
        return None


def is_scenario_chain(client: Any) -> bool:
    node = getattr(client, "node", None)
    return (node is not None and scenario_module() is not None
            and (Path(node.base_path) / "scenario.json").exists())


def run_more_days(client: Any, days: int, progress: Progress | None = None) -> RunResult:
    if is_scenario_chain(client):
        stats = scenario_module().run_days(client, days, progress)  # type: ignore[union-attr]
        return RunResult(client.head(), "scenario", int(getattr(stats, "extrinsics", 0)))
    head = produce_days(client, days, FALLBACK_TRANSFERS_PER_DAY, progress)
    return RunResult(head, "fallback", days * FALLBACK_TRANSFERS_PER_DAY)


def inject_shock(client: Any, shock: str, message: Callable[[str, dict[str, Any]], str]) -> ShockOutcome:
    """Inject a shock. `message(key, params)` renders the outcome in the user's language."""
    if is_scenario_chain(client):
        report = scenario_module().inject_shock(client, SCENARIO_SHOCK[shock])  # type: ignore[union-attr]
        reasons = dict(getattr(report, "by_reason", {}) or {})
        if shock == "fraud":
            text = message("pr.fraud_done", {"refused": getattr(report, "refused", 0),
                                             "total": getattr(report, "attempted", 0)})
        else:
            text = message("pr.shock_done", {"shock": message(f"shock.{shock}", {}), "day": report.day,
                                             "detail": str(report)})
        return ShockOutcome(shock, text, reasons=reasons)
    if shock == "fraud":
        from chain.crypto import dev_keypair
        from chain.types import UNIT

        attempts = fraud_attempt(client, dev_keypair("Alice"), dev_keypair("Eve"), 1_000 * UNIT)
        refused = sum(1 for a in attempts if not a.accepted and a.what != "genuine")
        return ShockOutcome(shock, message("pr.fraud_done", {"refused": refused, "total": len(attempts) - 1}), attempts)
    raise NeedsScenario(shock)
