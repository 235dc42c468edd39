"""Every shock changes the chain the way it says."""
from collections import Counter

import pytest

from chain.client import EmbeddedClient
from chain.scenario.shocks import FraudReport, UnknownShock

from scenario_helpers import build


def _calls(sim, first_day: int, last_day: int):
    """(day, DecodedExtrinsic) of the signed extrinsics in days [first_day, last_day)."""
    client = EmbeddedClient.from_node(sim.node)
    bpd = sim.state.blocks_per_day
    for b in client.blocks(first_day * bpd + 1, min(sim.node.head.number, last_day * bpd)):
        for x in b.extrinsics[1:]:
            yield (b.number - 1) // bpd, x


def _income(sim, days: int) -> int:
    roles = {p.public: p.role for p in sim.pop.people}
    return sum(x.args["amount"] for _, x in _calls(sim, 0, days)
               if x.call == "cash_in" and roles.get(x.args["who"][1]) in ("farmer", "labourer"))


def test_drought_cuts_farm_and_labour_income(tmp_path, baseline):
    dry = build(tmp_path / "dry", 20, shocks=[("drought", {"start_day": 0, "days": 20, "income_factor": 0.3})])
    try:
        normal, drought = _income(baseline, 20), _income(dry, 20)
        assert drought < 0.6 * normal, (drought, normal)
    finally:
        dry.close()


def test_devaluation_moves_the_oracle_rate(tmp_path):
    sim = build(tmp_path / "deval", 6, shocks=[("devaluation", {"start_day": 3, "countries": ["KE"], "pct": 25})])
    try:
        oracle = sim.node.rt.pallet("Oracle")
        before, after = oracle.History.get(1, 2), oracle.History.get(1, 3)
        assert after / before == pytest.approx(1 / 0.75, rel=0.02)
        ph_before, ph_after = oracle.History.get(2, 2), oracle.History.get(2, 3)
        assert ph_after / ph_before == pytest.approx(1.0, abs=0.02)  # the Philippines are not hit
        assert sim.state.rates[1] == oracle.Rates.get(1)["rate"]
    finally:
        sim.close()


def test_fraud_attempt_is_refused_and_never_included(tmp_path):
    sim = build(tmp_path / "fraud", 3)
    try:
        report = sim.inject("fraud", forged=12, replayed=10)
        assert isinstance(report, FraudReport)
        assert report.attempted == 22 and report.refused == 22
        assert report.by_reason == {"BadProof": 12, "StaleTransaction": 10}
        assert sim.node.pool.status().ready == 0 and sim.node.pool.status().future == 0
        sim.run_days(2)
        seen = Counter()
        for n in range(1, sim.node.head.number + 1):
            seen.update(x for x in (sim.node.get_block(n).extrinsics))
        from chain.extrinsic import decode_extrinsic
        hashes = Counter(decode_extrinsic(raw).hash for raw in seen.elements())
        assert not any(h in hashes for h in report.hashes)  # no forged transaction in any block
        assert all(hashes[h] == 1 for h in report.replayed)  # replayed ones only where they first were
        assert "refused" in str(report)
    finally:
        sim.close()


def test_outage_makes_cash_outs_fail_with_agent_unavailable(tmp_path):
    sim = build(tmp_path / "outage", 8, shocks=[("outage", {"start_day": 2, "days": 3, "share": 1.0})],
                **{"economy.household_cashout_prob": 0.3})
    try:
        offline = {sim.pop.people[i].public for s in sim.state.shocks for i in s.params["agents"]}
        assert offline
        fails = [(d, x) for d, x in _calls(sim, 0, 8) if not x.success]
        assert fails and all(x.error == "Assets.AgentUnavailable" for _, x in fails)
        assert all(2 <= d < 5 for d, _ in fails)
        assert {x.args["agent"][1] for _, x in fails if x.call == "cash_out"} <= offline
        # offline agents take no deposits; back online afterwards
        assert not [x for d, x in _calls(sim, 2, 5) if x.call == "cash_in" and x.signer in offline]
        statuses = [x.args["active"] for _, x in _calls(sim, 0, 8) if x.call == "set_agent_status"]
        assert statuses.count(False) == statuses.count(True) == len(offline)
        assert sim.reconcile() == 0
    finally:
        sim.close()


def test_unknown_shock_is_named(tmp_path):
    sim = build(tmp_path / "x", 0)
    try:
        with pytest.raises(UnknownShock):
            sim.inject("locusts")
        with pytest.raises(ValueError):
            sim.inject("drought", countries=["FR"])
    finally:
        sim.close()


def _installments(sim) -> Counter:
    n = Counter()
    for b in EmbeddedClient.from_node(sim.node).blocks(1, sim.node.head.number):
        for e in b.events:
            if e.pallet == "Lending" and e.event in ("InstallmentLate", "AutoDebitFailed"):
                n[e.event] += 1
            elif e.pallet == "Lending" and e.event == "InstallmentPaid":
                n["on_time" if e.fields["on_time"] else "paid_late"] += 1
    return n


def test_drought_makes_installments_late(tmp_path):
    """With lending: borrowers invest their loans and repay from earnings; a drought cuts earnings, so
    more installments run late (and fewer are paid on time) than in the same community without it."""
    busy = {"lending.request_prob_per_month": 0.6}
    normal = build(tmp_path / "n", 70, **busy)
    dry = build(tmp_path / "d", 70, shocks=[("drought", {"start_day": 0, "days": 90, "income_factor": 0.2})], **busy)
    try:
        a, b = _installments(normal), _installments(dry)
        assert a["on_time"] >= 10, a
        assert b["InstallmentLate"] > a["InstallmentLate"], (a, b)
        assert b["AutoDebitFailed"] > a["AutoDebitFailed"], (a, b)
        assert b["on_time"] < a["on_time"], (a, b)
        assert normal.reconcile() == 0 and dry.reconcile() == 0
    finally:
        normal.close()
        dry.close()
