from chain.scenario.engine import Simulation

from scenario_helpers import KEY, build, small


def _hashes(sim: Simulation) -> list[bytes]:
    return [sim.node.block_hash(n) for n in range(sim.node.head.number + 1)]


def test_same_seed_same_block_hashes(tmp_path, baseline):
    again = build(tmp_path / "again", 20)
    try:
        assert again.node.head.number == baseline.node.head.number == 20 * 24
        assert _hashes(again) == _hashes(baseline)
    finally:
        again.close()


def test_other_seed_other_chain(tmp_path, baseline):
    other = build(tmp_path / "other", 2, seed=6)
    try:
        assert other.node.block_hash(48) != baseline.node.block_hash(48)
    finally:
        other.close()


def test_continuing_gives_the_same_chain_as_running_through(tmp_path, baseline):
    """10 days, close, reopen, 10 more days == 20 days in one go."""
    sim = build(tmp_path / "split", 10)
    sim.close()
    sim = Simulation.open(tmp_path / "split")
    try:
        assert sim.state.day == 10
        sim.run_days(10)
        assert _hashes(sim) == _hashes(baseline)
    finally:
        sim.close()


def test_model_belief_matches_chain(baseline):
    """Every wallet the model believes in is what the chain holds (no silent failures)."""
    assert baseline.reconcile() == 0


def test_every_block_has_activity_and_verifies(baseline):
    from chain.client import EmbeddedClient

    client = EmbeddedClient.from_node(baseline.node)
    calls = set()
    failed = []
    for b in client.blocks(1, baseline.node.head.number):
        for x in b.extrinsics[1:]:
            calls.add(f"{x.pallet}.{x.call}")
            if not x.success:
                failed.append((b.number, x.pallet, x.call, x.error))
    assert {"Assets.cash_in", "Assets.transfer", "Assets.cash_out", "Oracle.post_rates"} <= calls
    assert "Remittance.send_remittance" in calls
    assert failed == []  # without shocks nothing fails


def test_created_with_env_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PUHUI_REGISTRY_KEY", KEY)
    sim = Simulation.create(tmp_path / "env", small(), 1)
    sim.close()
    assert not (tmp_path / "env" / "registry.key").exists()


def test_scenario_chain_reexecutes_from_genesis(tmp_path):
    from chain.node import verify_chain

    sim = build(tmp_path / "v", 4)
    head = sim.node.head.number
    sim.close()
    assert verify_chain(tmp_path / "v") == head


def test_blocks_made_outside_the_model_are_absorbed(tmp_path):
    """Someone produced blocks between runs (the app's node): the next day starts at a day boundary."""
    sim = build(tmp_path / "o", 2)
    for _ in range(5):
        sim.node.produce_block()
    sim.run_days(1)
    assert sim.node.head.number == 4 * 24 and sim.state.day == 4
    assert sim.reconcile() == 0
    sim.close()
