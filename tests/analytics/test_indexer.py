"""The indexer on a small real chain: tables worked out by hand, incremental, idempotent, atomic, forks."""
from __future__ import annotations

import dataclasses

import pytest

from analytics.db import AnalyticsDB
from analytics.indexer import Indexer, WrongChain, index
from analytics.values import fields_json
from tests.analytics.chains import PUI, acct, make_node

TABLES = ("blocks", "extrinsics", "events", "transfers", "accounts", "assets", "asset_balances", "index_state")


def dump(db: AnalyticsDB) -> dict[str, list[tuple]]:
    return {t: db.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


@pytest.fixture()
def db(tmp_path):
    d = AnalyticsDB(tmp_path / "a.duckdb")
    yield d
    d.close()


def test_blocks_and_extrinsics(transfer_chain, db):
    rep = index(transfer_chain.client, db)
    assert (rep.start, rep.last_block, rep.blocks, rep.extrinsics) == (0, 6, 7, 12)  # 6 timestamps + 6 signed
    assert db.sql("SELECT count(*), max(block_number), min(day) FROM blocks").fetchone() == (7, 6, 0)
    rows = db.sql("SELECT block_number, account, pallet, call, success, error FROM extrinsics "
                  "WHERE account IS NOT NULL ORDER BY block_number").fetchall()
    assert rows == [
        (1, acct("Alice"), "Balances", "transfer_keep_alive", True, None),
        (2, acct("Eve"), "Assets", "cash_in", True, None),
        (3, acct("Charlie"), "Assets", "transfer", True, None),
        (4, acct("Dave"), "Assets", "cash_out", True, None),
        (5, acct("Bob"), "Balances", "transfer_keep_alive", False, "Balances.InsufficientBalance"),
        (6, acct("Bob"), "Balances", "transfer_keep_alive", True, None),
    ]
    # every signed extrinsic paid a fee (positive, exact integer), inherents none
    assert db.sql("SELECT count(*) FROM extrinsics WHERE (account IS NULL) = (fee > 0)").fetchone() == (0,)
    # block hashes and links are the chain's own
    h = db.sql("SELECT block_hash FROM blocks WHERE block_number = 6").fetchone()[0]
    assert h == "0x" + transfer_chain.client.block_hash(6).hex()
    assert db.sql("SELECT count(*) FROM blocks b JOIN blocks p ON b.parent_hash = p.block_hash "
                  "AND p.block_number = b.block_number - 1").fetchone() == (6,)


def test_activity_by_day(transfer_chain, db):
    # all six blocks fall on day 0 (24 blocks a day): 6 signed extrinsics (one failed) by 5 signers
    from analytics.metrics import run_metric_rows

    index(transfer_chain.client, db)
    rows = run_metric_rows(db, "chain_activity_by_day")
    assert [(r["day"], r["blocks"], r["extrinsics"], r["failed"], r["signers"]) for r in rows] == [(0, 7, 6, 1, 5)]


def test_events_keep_fields_as_json(transfer_chain, db):
    index(transfer_chain.client, db)
    row = db.sql("SELECT fields->>'from', fields->>'to', CAST(fields->>'amount' AS HUGEINT) FROM events "
                 "WHERE pallet = 'Balances' AND event = 'Transfer' AND block_number = 1").fetchone()
    assert row == (acct("Alice"), acct("Bob"), 10 * PUI)
    failed = db.sql("SELECT fields->'dispatch_error' FROM events WHERE event = 'ExtrinsicFailed'").fetchone()[0]
    assert '"Module"' in failed


def test_transfers_by_hand(transfer_chain, db):
    index(transfer_chain.client, db)
    rows = db.sql("SELECT block_number, asset, kind, from_account, to_account, agent, amount FROM transfers "
                  "ORDER BY block_number").fetchall()
    assert rows == [
        (1, -1, "transfer", acct("Alice"), acct("Bob"), None, 10 * PUI),
        (2, 1, "cash_in", None, acct("Charlie"), acct("Eve"), 50_000),
        (3, 1, "transfer", acct("Charlie"), acct("Dave"), None, 12_000),
        (4, 1, "cash_out", acct("Dave"), None, acct("Eve"), 5_000),
        (6, -1, "transfer", acct("Bob"), acct("Ferdie"), None, 2 * PUI),
    ]


def test_accounts_activity_and_balances(transfer_chain, db):
    index(transfer_chain.client, db)
    q = ("SELECT first_seen_block, last_active_block, extrinsic_count, transfers_out, transfers_in, nonce "
         "FROM accounts WHERE account = ?")
    assert db.sql(q, [acct("Bob")]).fetchone() == (0, 6, 2, 1, 1, 2)  # endowed at genesis; failed xt counts too
    assert db.sql(q, [acct("Charlie")]).fetchone() == (0, 3, 1, 1, 1, 1)
    assert db.sql(q, [acct("Ferdie")]).fetchone() == (0, 6, 0, 0, 1, 0)
    fees = db.sql("SELECT sum(fee) FROM extrinsics WHERE account = ?", [acct("Bob")]).fetchone()[0]
    free = db.sql("SELECT free FROM accounts WHERE account = ?", [acct("Bob")]).fetchone()[0]
    assert free == 1_000_000 * PUI + 10 * PUI - 2 * PUI - fees
    assert free == transfer_chain.client.account(bytes.fromhex(acct("Bob")[2:]))["data"]["free"]
    ss58 = db.sql("SELECT ss58 FROM accounts WHERE account = ?", [acct("Alice")]).fetchone()[0]
    assert ss58 == "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
    assert db.sql("SELECT account, amount FROM asset_balances WHERE asset = 1 ORDER BY amount").fetchall() == [
        (acct("Dave"), 7_000), (acct("Charlie"), 38_000)]
    assert db.sql("SELECT symbol, supply FROM assets WHERE asset = 1").fetchone() == ("KESP", 45_000)


def test_incremental_equals_full_and_rerun_changes_nothing(transfer_chain, tmp_path):
    with AnalyticsDB(tmp_path / "inc.duckdb") as inc, AnalyticsDB(tmp_path / "full.duckdb") as full:
        assert index(transfer_chain.client, inc, until=2).last_block == 2
        assert index(transfer_chain.client, inc, until=4).start == 3
        index(transfer_chain.client, inc)
        index(transfer_chain.client, full, batch_blocks=1)
        assert dump(inc) == dump(full)
        again = index(transfer_chain.client, full)
        assert again.blocks == 0 and dump(inc) == dump(full)


def test_a_failing_batch_leaves_nothing_behind(transfer_chain, db, monkeypatch):
    index(transfer_chain.client, db, until=3)
    before = dump(db)
    import analytics.indexer as ix

    monkeypatch.setattr(ix, "STAGING", ix.STAGING + ("staging/does_not_exist",))
    with pytest.raises(KeyError):
        index(transfer_chain.client, db)
    assert dump(db) == before and db.last_block() == 3


def test_another_chain_is_refused(transfer_chain, db, tmp_path):
    index(transfer_chain.client, db)
    node, other = make_node(tmp_path / "other", blocks_per_day=12)
    try:
        with pytest.raises(WrongChain):
            index(other, db)
    finally:
        node.close()


class ForkedClient:
    """The fixture chain, except that from block `fork` on the blocks have other hashes."""

    def __init__(self, inner, fork: int):
        self.inner, self.fork = inner, fork

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _h(self, n: int, h: bytes) -> bytes:
        return h if n < self.fork else bytes(b ^ 0xFF for b in h)

    def block_hash(self, n):
        return self._h(n, self.inner.block_hash(n))

    def block(self, n):
        b = self.inner.block(n)
        return dataclasses.replace(b, hash=self._h(n, b.hash), parent_hash=self._h(n - 1, b.parent_hash))

    def blocks(self, start, end):
        for n in range(start, end + 1):
            yield self.block(n)


def test_a_reorganized_chain_is_rolled_back_and_reindexed(transfer_chain, db):
    index(transfer_chain.client, db)
    before = dump(db)
    rep = index(ForkedClient(transfer_chain.client, fork=4), db)
    assert rep.rolled_back_to == 3 and rep.start == 4 and rep.last_block == 6
    after = dump(db)
    assert after["transfers"] == before["transfers"] and after["accounts"] == before["accounts"]
    assert db.sql("SELECT block_hash FROM blocks WHERE block_number = 5").fetchone()[0] == \
        "0x" + ForkedClient(transfer_chain.client, 4).block_hash(5).hex()


def test_hex_columns_are_exact():
    from analytics.batch import hex_array

    import os

    same_width = [os.urandom(32) for _ in range(50)]
    assert hex_array(same_width).to_pylist() == ["0x" + v.hex() for v in same_width]
    mixed = [b"\x00\xff", None, b"", b"\xab" * 40]
    assert hex_array(mixed).to_pylist() == ["0x00ff", None, "0x", "0x" + "ab" * 40]


def test_u128_values_stay_exact_through_json():
    big = 2**127 - 1
    text = fields_json({"who": b"\x01" * 32, "amount": big, "kind": ("Normal", None), "pair": (1, 2)})
    assert text == ('{"who":"0x' + "01" * 32 + '","amount":' + str(big) + ',"kind":"Normal","pair":[1,2]}')
    with AnalyticsDB() as d:
        assert d.sql("SELECT CAST(CAST(? AS JSON)->>'amount' AS HUGEINT)", [text]).fetchone()[0] == big
