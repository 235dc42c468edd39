"""The dashboard against a node URL (chain/remote.py's RemoteClient over JSON-RPC): every page renders
without an exception, the generic pages work, the embedded-only actions say so."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.app.conftest import APP, PAGES, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def node_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("chain.remote")
    base = tmp_path_factory.mktemp("remote-node")
    port = _free_port()
    log = open(base / "node.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "chain", "node", "--dev", "--base-path", str(base / "chain"),
                             "--rpc-port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise AssertionError("the node did not start: " + (base / "node.log").read_text()[-2000:])
            time.sleep(0.2)
        yield f"ws://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)  # the node shuts down cleanly on Ctrl-C
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_every_page_over_a_node_url(node_url: str, chain_dir: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PUHUI_ANALYTICS_DB", str(tmp_path / "remote.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["backend_kind"] = "remote"
    at.session_state["node_url"] = node_url
    at.run()
    assert not at.exception and not at.error, [e.value for e in list(at.exception) + list(at.error)]
    for page in PAGES:
        at.switch_page(f"pages/screens/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("pages/screens/overview.py").run()
    assert {m.label: m.value for m in at.metric}["Block height"].startswith("#")
    at.switch_page("pages/screens/explorer.py").run()
    at.text_input(key="ex_search").input("0").run()
    assert any("Block #0" in m.value for m in at.markdown)


def test_an_unreachable_node_is_a_clear_message(chain_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PUHUI_ANALYTICS_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["backend_kind"] = "remote"
    at.session_state["node_url"] = f"ws://127.0.0.1:{_free_port()}"
    at.run()
    assert not at.exception
    assert any("Cannot open the chain" in e.value for e in at.error), [e.value for e in at.error]
