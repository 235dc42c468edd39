"""The unmodified @polkadot/api (from the npm registry, run by Node.js) against `python -m chain node`.

tests/js/polkadot_smoke.mjs does the client side and prints what it saw as one JSON object.
`bash tests/install.sh` installs the pinned packages (`npm ci --prefix tests/js`).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tests.rpc.conftest import ROOT, NodeProcess

JS = ROOT / "tests" / "js"
UNIT = 10**12


@pytest.fixture(scope="module")
def smoke(rpc_node: NodeProcess) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "Node.js is required for the @polkadot/api test"
    assert (JS / "node_modules" / "@polkadot" / "api").is_dir(), "run `bash tests/install.sh` (npm ci --prefix tests/js)"
    proc = subprocess.run([node, str(JS / "polkadot_smoke.mjs"), rpc_node.url], cwd=JS, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_connects_and_reads_chain_properties(smoke: dict[str, Any]) -> None:
    assert smoke["chain"] == "Puhui Development" and smoke["runtime"] == "puhui"
    assert (smoke["ss58"], smoke["decimals"], smoke["symbol"]) == (42, 12, "PUI")
    assert {"System", "Balances", "Assets"} <= set(smoke["pallets"])
    assert smoke["health"]["isSyncing"] is False


def test_query_account(smoke: dict[str, Any]) -> None:
    assert int(smoke["bobFreeBefore"]) >= 1_000_000 * UNIT
    assert int(smoke["bobFreeAfter"]) == int(smoke["bobFreeBefore"]) + 5 * UNIT


def test_sign_and_send_sr25519_mortal(smoke: dict[str, Any]) -> None:
    r = smoke["sr25519"]
    assert r["success"] and r["status"] in ("InBlock", "Finalized")
    assert "balances.Transfer" in r["events"] and "system.ExtrinsicSuccess" in r["events"]
    assert int(smoke["partialFee"]) > 0


def test_sign_and_send_ed25519(smoke: dict[str, Any]) -> None:
    assert smoke["fundEd"]["success"] and "system.NewAccount" in smoke["fundEd"]["events"]
    assert smoke["ed25519"]["success"] and "balances.Transfer" in smoke["ed25519"]["events"]


def test_failing_call_names_its_module_error(smoke: dict[str, Any]) -> None:
    assert not smoke["failing"]["success"]
    assert smoke["failing"]["error"] == "balances.InsufficientBalance"
    assert "system.ExtrinsicFailed" in smoke["failing"]["events"]


def test_reads_a_block_and_its_events(smoke: dict[str, Any]) -> None:
    blk = smoke["block"]
    assert blk["hash"] == smoke["sr25519"]["blockHash"]  # polkadot.js recomputed the hash from the header
    assert blk["extrinsics"] == ["timestamp.set", "balances.transferKeepAlive"]
    names = [(e["name"], e["phase"]) for e in smoke["blockEvents"]]
    assert ("system.ExtrinsicSuccess", 0) in names and ("balances.Transfer", 1) in names
    assert int(smoke["transferAmount"]) == 5 * UNIT
    assert smoke["newHead"] >= blk["number"]

