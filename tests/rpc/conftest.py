"""Fixtures for the JSON-RPC tests: `python -m chain node` as a subprocess on a free loopback port.

Each test module gets its own node (`rpc_node`), with a temporary --base-path, killed at the end. The
node's stderr goes to a file so tests can check that it printed no traceback.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class NodeProcess:
    proc: subprocess.Popen
    url: str
    base: Path
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def start_node(base: Path, *extra: str, timeout: float = 60.0) -> NodeProcess:
    """Start a node on a free port (--rpc-port 0) and wait for its 'listening' line."""
    base.mkdir(parents=True, exist_ok=True)
    err_path = base.parent / f"{base.name}.stderr"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    err = open(err_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "chain", "node", "--dev", "--base-path", str(base), "--rpc-port", "0",
                             *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    err.close()
    deadline = time.monotonic() + timeout
    url = None
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"JSON-RPC listening on (ws://\S+)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        raise RuntimeError(f"node did not start: {err_path.read_text(errors='replace')[-3000:]}")
    # keep draining stdout so the node never blocks on a full pipe
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    return NodeProcess(proc, url, base, err_path)


@pytest.fixture(scope="module")
def rpc_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = start_node(tmp_path_factory.mktemp("rpcnode") / "chain")
    yield node
    node.stop()


class RawClient:
    """A bare JSON-RPC WebSocket client (no Substrate library), for protocol tests."""

    def __init__(self, url: str, timeout: float = 30.0):
        from websockets.sync.client import connect

        self.ws = connect(url, max_size=64 * 1024 * 1024, open_timeout=timeout, close_timeout=2, legacy=True)
        self.timeout = timeout
        self.next_id = 1
        self.pending: list[dict[str, Any]] = []  # notifications and answers read while waiting for another

    def send_raw(self, text: str | bytes) -> None:
        self.ws.send(text)

    def recv(self, timeout: float | None = None) -> Any:
        return json.loads(self.ws.recv(timeout=timeout if timeout is not None else self.timeout))

    def request(self, method: str, params: list[Any] | None = None) -> dict[str, Any]:
        rid = self.next_id
        self.next_id += 1
        self.ws.send(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params or []}))
        for i, msg in enumerate(self.pending):
            if isinstance(msg, dict) and msg.get("id") == rid:
                return self.pending.pop(i)
        while True:
            msg = self.recv()
            if isinstance(msg, dict) and msg.get("id") == rid:
                return msg
            self.pending.append(msg)

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        resp = self.request(method, params)
        if "error" in resp:
            raise AssertionError(f"{method} failed: {resp['error']}")
        return resp["result"]

    def notification(self, sub_id: str, timeout: float | None = None) -> Any:
        """The next notification of subscription `sub_id` (its `result`)."""
        for i, msg in enumerate(self.pending):
            if isinstance(msg, dict) and msg.get("params", {}).get("subscription") == sub_id:
                return self.pending.pop(i)["params"]["result"]
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            msg = self.recv(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(msg, dict) and msg.get("params", {}).get("subscription") == sub_id:
                return msg["params"]["result"]
            self.pending.append(msg)

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def raw(rpc_node: NodeProcess) -> Iterator[RawClient]:
    c = RawClient(rpc_node.url)
    yield c
    c.close()


class InProcessServer:
    """A node and its RPC server in this process (the server on its own event-loop thread)."""

    def __init__(self, base: Path, **server_kw: Any):
        from chain.client import EmbeddedClient
        from chain.rpc import RpcServer

        self.embedded = EmbeddedClient(base)
        self.node = self.embedded.node
        self.server = RpcServer(self.node, port=0, dev=True, **server_kw)
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.port = self.loop.run_until_complete(self.server.start())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(30), "the RPC server did not start"
        self.url = f"ws://127.0.0.1:{self.port}"

    def close(self) -> None:
        fut = asyncio.run_coroutine_threadsafe(self.server.close(), self.loop)
        fut.result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.embedded.close()
