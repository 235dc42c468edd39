"""`RemoteClient` (substrate-interface over JSON-RPC) against `EmbeddedClient` on the same chain.

The node and its RPC server run in this process, so both clients look at one chain at once: every
decoded block, storage value and indexed DuckDB table must be identical whichever way it was read.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from chain.client import EmbeddedClient, PalletMissing
from chain.crypto import Keypair, KeyType, dev_keypair
from chain.node import dev_genesis_config
from chain.remote import RemoteClient, RemoteInvalidTransaction
from chain.types import UNIT
from tests.rpc.conftest import InProcessServer

ALICE, BOB, CHARLIE, DAVE, EVE = (dev_keypair(n) for n in ("Alice", "Bob", "Charlie", "Dave", "Eve"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedClient, RemoteClient]]:
    from chain.client import EmbeddedClient as EC

    base = tmp_path_factory.mktemp("remote") / "chain"
    config = dev_genesis_config()
    config["agents"] = [(EVE.public, "KE")]
    EC(base, config).close()  # genesis with an agent; the server reopens it
    server = InProcessServer(base)
    remote = RemoteClient(server.url)
    emb = server.embedded
    # activity through both clients: transfers, token moves, a failure, a mortal and an ed25519 signer
    assert emb.sign_and_submit(ALICE, "Balances", "transfer_keep_alive", {"dest": ("Id", BOB.public), "value": 10 * UNIT}).success
    assert remote.sign_and_submit(EVE, "Assets", "cash_in", {"asset": 1, "who": ("Id", CHARLIE.public), "amount": 50_000}).success
    assert remote.sign_and_submit(CHARLIE, "Assets", "transfer", {"asset": 1, "dest": ("Id", DAVE.public), "amount": 12_000},
                                  mortal=True).success
    failed = remote.sign_and_submit(BOB, "Balances", "transfer_keep_alive", {"dest": ("Id", DAVE.public), "value": 10**30})
    assert not failed.success and failed.error == "Balances.InsufficientBalance"
    ed = Keypair.from_seed(b"\x0e" * 32, KeyType.ED25519)
    assert remote.sign_and_submit(ALICE, "Balances", "transfer_keep_alive", {"dest": ("Id", ed.public), "value": 20 * UNIT}).success
    assert remote.sign_and_submit(ed, "Balances", "transfer_keep_alive", {"dest": ("Id", BOB.public), "value": UNIT}).success
    yield emb, remote
    remote.close()
    server.close()


def test_info_matches(served: tuple[EmbeddedClient, RemoteClient]) -> None:
    emb, remote = served
    a, b = emb.info(), remote.info()
    assert a.__dict__ | {"backend": "-"} == b.__dict__ | {"backend": "-"}
    assert b.backend == "remote" and remote.head() == emb.head()
    assert all(remote.has_pallet(p) for p in a.pallets) and not remote.has_pallet("Governance")


def test_decoded_blocks_are_identical(served: tuple[EmbeddedClient, RemoteClient]) -> None:
    emb, remote = served
    head = emb.head()
    assert head >= 6
    assert list(remote.blocks(0, head)) == list(emb.blocks(0, head))
    assert [remote.block_hash(n) for n in range(head + 2)] == [emb.block_hash(n) for n in range(head + 2)]


def test_storage_values_are_identical(served: tuple[EmbeddedClient, RemoteClient]) -> None:
    emb, remote = served
    for who in (ALICE.public, BOB.public, DAVE.public, bytes(32)):
        assert remote.account(who) == emb.account(who)
        assert remote.storage("System", "Account", who, at=0) == emb.storage("System", "Account", who, at=0)
        assert remote.nonce(who) == emb.nonce(who)
    assert sorted(remote.storage_iter("System", "Account")) == sorted(emb.storage_iter("System", "Account"))
    assert sorted(remote.storage_iter("Assets", "Account")) == sorted(emb.storage_iter("Assets", "Account"))
    assert sorted(remote.storage_iter("Assets", "Account", 1)) == sorted(emb.storage_iter("Assets", "Account", 1))
    assert remote.storage("System", "BlocksPerDay") == emb.storage("System", "BlocksPerDay")


def test_refusals_and_missing_pallets(served: tuple[EmbeddedClient, RemoteClient]) -> None:
    emb, remote = served
    poor = Keypair.from_seed(b"\x5a" * 32)
    with pytest.raises(RemoteInvalidTransaction) as info:
        remote.submit(remote.sign(poor, "Balances", "transfer_keep_alive", {"dest": ("Id", BOB.public), "value": 1}))
    assert info.value.code == 1010 and "Inability to pay" in info.value.reason
    with pytest.raises(PalletMissing):
        remote.storage("Governance", "Proposals", 1)
    with pytest.raises(PalletMissing):
        remote.compose_call("Governance", "propose", {})


def _table_rows(db: Any) -> dict[str, list[tuple]]:
    out = {}
    for t in db.table_names():
        out[t] = sorted(db.sql(f'SELECT * FROM "{t}"').fetchall(), key=repr)
    return out


def test_duckdb_index_identical_in_process_and_over_rpc(served: tuple[EmbeddedClient, RemoteClient], tmp_path: Path) -> None:
    """The same chain indexed into DuckDB once through EmbeddedClient and once through RemoteClient."""
    indexer = pytest.importorskip("analytics.indexer")
    from analytics.db import AnalyticsDB

    emb, remote = served
    with AnalyticsDB(tmp_path / "embedded.duckdb") as a, AnalyticsDB(tmp_path / "remote.duckdb") as b:
        ra = indexer.index(emb, a)
        rb = indexer.index(remote, b)
        assert (ra.last_block, ra.blocks, ra.extrinsics, ra.events) == (rb.last_block, rb.blocks, rb.extrinsics, rb.events)
        rows_a, rows_b = _table_rows(a), _table_rows(b)
    assert rows_a.keys() == rows_b.keys() and rows_a["blocks"]
    for table in rows_a:
        assert rows_a[table] == rows_b[table], table


def test_a_node_without_the_domain_pallets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stock-Substrate-like runtime (core pallets only): the generic parts work, domain pallets are missing."""
    import chain.runtime as runtime

    core = tuple(m for m in runtime.PALLET_MODULES if m.split(".")[2].split(":")[0] in
                 ("system", "timestamp", "balances", "transaction_payment", "sudo", "utility"))
    monkeypatch.setattr(runtime, "PALLET_MODULES", core)
    server = InProcessServer(tmp_path / "stock")
    try:
        remote = RemoteClient(server.url)
        assert remote.info().pallets == ("System", "Timestamp", "Balances", "TransactionPayment", "Sudo", "Utility")
        for pallet in ("Assets", "Lending", "Remittance", "Credit"):
            assert not remote.has_pallet(pallet)
            with pytest.raises(PalletMissing, match=pallet):
                remote.storage(pallet, "Anything")
        r = remote.sign_and_submit(ALICE, "Balances", "transfer_keep_alive", {"dest": ("Id", BOB.public), "value": UNIT})
        assert r.success and [e.event for e in r.events][-1] == "ExtrinsicSuccess"
        assert list(remote.blocks(0, remote.head())) == list(server.embedded.blocks(0, remote.head()))
        remote.close()
    finally:
        server.close()
        monkeypatch.undo()
        runtime.Runtime()  # re-point the shared RuntimeCall/RuntimeEvent references at the full runtime
