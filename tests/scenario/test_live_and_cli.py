import time

from chain.__main__ import main
from chain.scenario import build_chain, inject_shock, run_days, simulation_for
from chain.scenario.cli import parse_shock
from chain.scenario.engine import Simulation
from chain.scenario.live import LiveRunner

from scenario_helpers import KEY, build


def test_live_runner_takes_commands_while_running(tmp_path):
    sim = build(tmp_path / "live", 1)
    runner = LiveRunner(sim, pace=0.5).start()
    try:
        assert runner.run_days(3).result(timeout=30) is None
        report = runner.inject("drought", countries=["KE"], days=5).result(timeout=30)
        assert "drought" in str(report)
        fraud = runner.inject("fraud", forged=2, replayed=2).result(timeout=30)
        assert fraud.refused == 4
        deadline = time.time() + 30
        while sim.state.day < 5 and time.time() < deadline:
            time.sleep(0.05)
        runner.set_pace(100.0).result(timeout=30)
        runner.pause().result(timeout=30)
        day = sim.state.day
        assert day >= 5 and runner.status()["paused"]
    finally:
        runner.stop()
    assert runner.error is None
    assert sim.node.head.number >= 5 * 24
    assert any(s.kind == "drought" for s in sim.state.shocks)
    sim.close()


def test_app_entry_points(tmp_path, monkeypatch):
    from chain.client import EmbeddedClient

    monkeypatch.setenv("PUHUI_REGISTRY_KEY", KEY)
    seen = []
    stats = build_chain(scenario="demo", base_path=tmp_path / "app", days=3, seed=2, progress=lambda f, m: seen.append(f))
    assert stats.days == 3 and seen[-1] == 1.0
    client = EmbeddedClient(tmp_path / "app", seal="manual")
    try:
        run_days(client, days=2, progress=lambda f, m: None)
        assert client.head() == 5 * 24
        assert "outage" in str(inject_shock(client, shock="outage"))
        assert simulation_for(client).state.day == 5
    finally:
        client.close()


def test_cli_simulate_and_continue(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PUHUI_REGISTRY_KEY", KEY)
    base = str(tmp_path / "cli")
    assert main(["simulate", "--scenario", "demo", "--days", "2", "--seed", "3", "--base-path", base,
                 "--shock", "fraud@1:forged=2,replayed=2", "--quiet"]) == 0
    first = capsys.readouterr()
    assert "head #48" in first.out and "4 refused" in first.err
    assert main(["simulate", "--days", "1", "--base-path", base, "--quiet"]) == 0
    assert "head #72" in capsys.readouterr().out
    sim = Simulation.open(base)
    assert sim.state.day == 3 and sim.seed == 3
    sim.close()


def test_parse_shock():
    assert parse_shock("drought@20:days=45,countries=KE+PH") == ("drought", {"start_day": 20, "days": 45, "countries": ("KE", "PH")})
    assert parse_shock("devaluation:pct=30") == ("devaluation", {"pct": 30.0})
