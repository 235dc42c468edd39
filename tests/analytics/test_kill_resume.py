"""SIGKILL an indexing process midway (twice), resume, and get exactly the tables of a clean run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from analytics.db import AnalyticsDB
from analytics.indexer import index
from chain.client import EmbeddedClient
from chain.crypto import dev_keypair
from chain.node import Node, dev_genesis_config
from tests.analytics.test_indexer import dump

ROOT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from chain.client import EmbeddedClient
    from analytics.db import AnalyticsDB
    from analytics.indexer import Indexer
    client = EmbeddedClient({base!r})
    db = AnalyticsDB({db!r})
    Indexer(client, db, batch_blocks=1, progress=lambda p: print(p.last_block, flush=True), **{kw}).run()
    print("done", flush=True)
""")


def build_chain(base: Path, blocks: int = 40, per_block: int = 6) -> None:
    names = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"]
    keys = [dev_keypair(n) for n in names]
    with Node(base, dev_genesis_config(), seal="manual") as node:
        client = EmbeddedClient.from_node(node)
        nonce = {k.public: 0 for k in keys}
        for b in range(blocks):
            xts = []
            for i in range(per_block):
                src, dst = keys[(b + i) % 6], keys[(b + 2 * i + 1) % 6]
                if src is dst:
                    dst = keys[(b + 2 * i + 2) % 6]
                xts.append(client.sign(src, "Balances", "transfer_keep_alive",
                                       {"dest": ("Id", dst.public), "value": (b * 7 + i + 1) * 10**9}, nonce=nonce[src.public]))
                nonce[src.public] += 1
            node.submit_many(xts, seal=False)
            node.produce_block()


def run_and_kill(base: Path, db: Path, after_batches: int, kw: str = "{}") -> int:
    """Start an indexing process, SIGKILL it after it committed `after_batches` more batches."""
    code = CHILD.format(root=str(ROOT), base=str(base), db=str(db), kw=kw)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "done":
            break
        seen += 1
        if seen >= after_batches:
            kids = children(proc.pid)  # decoding workers, if any
            os.kill(proc.pid, signal.SIGKILL)
            assert not alive(kids), "the killed indexer's workers are still running"
            break
    proc.wait(timeout=60)
    return proc.returncode


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        try:
            if d.name.isdigit() and int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def alive(pids: list[int], wait: float = 10.0) -> list[int]:
    """Those of `pids` still running after up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        left = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1][:3]]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@pytest.mark.parametrize("kw", ["{}", "{'workers': 2, 'parallel_min_blocks': 0}"], ids=["thread", "workers"])
def test_sigkill_midway_then_resume_gives_identical_tables(tmp_path, kw):
    base = tmp_path / "chain"
    build_chain(base)
    killed_db = tmp_path / "killed.duckdb"
    assert run_and_kill(base, killed_db, after_batches=5, kw=kw) == -signal.SIGKILL
    with AnalyticsDB(killed_db) as db:
        first = db.last_block()
    assert 4 <= first < 40  # some batches were committed, not all
    assert run_and_kill(base, killed_db, after_batches=12, kw=kw) == -signal.SIGKILL
    client = EmbeddedClient(base)
    try:
        with AnalyticsDB(killed_db) as db:
            assert db.last_block() > first
            rep = index(client, db)
            assert rep.start == db.last_block() - rep.blocks + 1 and rep.last_block == 40
            resumed = dump(db)
        with AnalyticsDB(tmp_path / "clean.duckdb") as clean:
            index(client, clean)
            assert resumed == dump(clean)
            assert clean.sql("SELECT count(*) FROM transfers").fetchone() == (240,)
    finally:
        client.close()
