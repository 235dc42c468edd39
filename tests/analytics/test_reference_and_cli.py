"""Reference figures copied into analytics/reference match their sources; the CLI and the live indexer work."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analytics.__main__ import main
from analytics.db import AnalyticsDB
from analytics.live import BackgroundIndexer
from analytics.reference import read_reference
from tests.analytics.chains import PUI, make_node, pub, send

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "remittance"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not on this machine")
def test_rpw_corridors_are_the_shared_2025q1_figures():
    with open(SHARED / "rpw_filtered_corridor_quarter.csv", newline="") as fh:
        source = {r["corridor"]: r for r in csv.DictReader(fh) if r["period"] == "2025_1Q"}
    ours = read_reference("rpw_corridors_2025q1.csv")
    assert {r["destination_code"] for r in ours} == {"KEN", "PHL", "NGA", "GTM"}
    for r in ours:
        s = source[r["corridor"]]
        assert float(r["avg_cost_pct_200usd"]) == pytest.approx(float(s["avg_cost_pct_200usd"]), abs=1e-4)
        assert float(r["avg_cost_pct_500usd"]) == pytest.approx(float(s["avg_cost_pct_500usd"]), abs=1e-4)
        assert int(r["num_providers"]) == int(s["num_providers"])
    expected = {c for c, s in source.items() if s["destination_code"] in ("KEN", "PHL", "NGA", "GTM")}
    assert {r["corridor"] for r in ours} == expected
    with open(SHARED / "rpw_global_average_headlines.csv", newline="") as fh:
        q3 = [r for r in csv.DictReader(fh) if r["quarter"] == "2023Q3"][0]
    targets = {r["benchmark"]: float(r["pct"]) for r in read_reference("remittance_targets.csv")}
    assert targets["global_average_2023q3"] == float(q3["global_average_pct_200usd"])


def test_code_tables_match_the_chain_constants():
    from chain.pallets.credit_scorecard import REASONS
    from chain.pallets.donations import PURPOSES

    assert {int(r["reason"]): (r["text_en"], r["text_zh"]) for r in read_reference("credit_reasons.csv")} == REASONS
    assert [r["name"] for r in read_reference("donation_purposes.csv")] == list(PURPOSES)


def test_cli_index_metric_export_verify(transfer_chain, tmp_path, capsys):
    db_path = tmp_path / "cli.duckdb"
    transfer_chain.node.close()  # the CLI opens the data directory itself
    try:
        assert main(["index", "--base-path", str(transfer_chain.base), "--db", str(db_path), "--quiet"]) == 0
        assert main(["metric", "transfer_volume_by_day", "--db", str(db_path), "--param", "asset=1"]) == 0
        assert "12000" in capsys.readouterr().out
        assert main(["export", "transfers", "--db", str(db_path), "--format", "csv", "--out", str(tmp_path / "t.csv")]) == 0
        assert len((tmp_path / "t.csv").read_text().splitlines()) == 6
        assert main(["verify-scores", "--db", str(db_path)]) == 0
    finally:
        from chain.node import Node

        transfer_chain.node = Node(transfer_chain.base)  # reopen for the module's other tests
        from chain.client import EmbeddedClient

        transfer_chain.client = EmbeddedClient.from_node(transfer_chain.node)


def test_background_indexer_follows_new_blocks(tmp_path):
    node, client = make_node(tmp_path / "chain")
    db = AnalyticsDB(tmp_path / "a.duckdb")
    live = BackgroundIndexer(client, db, interval_s=0.05).start()
    try:
        assert live.wait_for(0)
        r = send(client, "Alice", "Balances", "transfer_keep_alive", dest=("Id", pub("Bob")), value=3 * PUI)
        assert live.wait_for(r.block_number)
        assert db.sql("SELECT amount FROM transfers").fetchall() == [(3 * PUI,)]
        assert live.last_error is None and live.rounds >= 1
    finally:
        live.stop()
        db.close()
        node.close()
