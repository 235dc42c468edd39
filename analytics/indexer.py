"""The indexer: decoded blocks from a ChainClient, appended to DuckDB in bulk, incrementally.

- Resumes after the last indexed block (`index_state.last_block`).
- Kill-safe and idempotent: each batch of blocks, the tables derived from it and the new
  `last_block` are written in ONE transaction, so a killed run leaves the database exactly as after
  its last whole batch, and the next run goes on from there.
- Fork-aware: if the chain's hash at `last_block` is no longer ours (a remote node re-organized), the
  rows after the common ancestor are deleted and indexing resumes from there.
- Fetching (the client decodes in Python) runs in a producer thread while DuckDB writes the previous
  batch; DuckDB releases the GIL, so the two overlap on two cores.
"""
from __future__ import annotations

import gc
import queue
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pyarrow as pa

from analytics.batch import BlockBatch, amount_array
from analytics.values import compact_json, plain
from analytics.db import SCHEMA_VERSION, AnalyticsDB, block_tables, registered
from analytics.sqlfiles import source_events

# Tables derived from the events of each batch, in dependency order (one .sql file each).
STAGING: tuple[str, ...] = (
    "staging/transfers",
    "staging/accounts_activity",
    "staging/account_days",
    # lending, credit, savings groups, pools, remittances, donations, education
    "staging/loan_products",
    "staging/loans",
    "staging/loan_disbursements",
    "staging/installments",
    "staging/installment_payments",
    "staging/installment_lates",
    "staging/repayments",
    "staging/loan_status_changes",
    "staging/loan_guarantees",
    "staging/scores",
    "staging/score_reasons",
    "staging/vouches",
    "staging/scorecard_versions",
    "staging/savings_groups",
    "staging/group_members",
    "staging/group_cycles",
    "staging/group_contributions",
    "staging/group_meetings",
    "staging/group_loans",
    "staging/group_loan_repayments",
    "staging/group_loan_closures",
    "staging/group_grants",
    "staging/group_shareouts",
    "staging/group_cycle_closures",
    "staging/pools",
    "staging/pool_flows",
    "staging/pool_products",
    "staging/remittances",
    "staging/remittance_updates",
    "staging/fx_rates",
    "staging/campaigns",
    "staging/campaign_updates",
    "staging/donations",
    "staging/disbursements",
    "staging/allocations",
    "staging/donation_refunds",
    "staging/voucher_spends",
    "staging/redemptions",
    "staging/courses",
    "staging/enrolments",
    "staging/module_completions",
    "staging/credentials",
    "staging/feedback",
)

Progress = Callable[["IndexProgress"], None]


class WrongChain(RuntimeError):
    """Raised when the database was built from another chain (different genesis hash)."""


@dataclass(frozen=True)
class IndexProgress:
    last_block: int
    head: int
    blocks: int
    extrinsics: int
    events: int
    seconds: float


@dataclass(frozen=True)
class IndexReport:
    start: int            # first block written by this run (last_block + 1 before it)
    last_block: int       # last block indexed now
    blocks: int
    extrinsics: int
    events: int
    seconds: float
    rolled_back_to: int | None = None


class Indexer:
    """Index a chain into an AnalyticsDB. `run()` indexes up to the head (or `until`) and returns."""

    def __init__(self, client: Any, db: AnalyticsDB, *, batch_rows: int = 250_000, batch_blocks: int = 5_000,
                 progress: Progress | None = None):
        self.client = client
        self.db = db
        self.batch_rows = batch_rows
        self.batch_blocks = batch_blocks
        self.progress = progress
        # wall seconds of the last run: fetching decoded blocks from the client, turning them into columns,
        # writing batches (Arrow, DuckDB, commit), reading balances at the head
        self.timings: dict[str, float] = {}

    # -- public -----------------------------------------------------------------------------------------
    def run(self, until: int | None = None, *, refresh_balances: bool = True) -> IndexReport:
        with _rare_gc():
            return self._run(until, refresh_balances)

    def _run(self, until: int | None, refresh_balances: bool) -> IndexReport:
        t0 = time.perf_counter()
        self.timings = {"fetch": 0.0, "build": 0.0, "write": 0.0, "balances": 0.0}
        state = self._ensure_state()
        rolled = self._handle_fork(state)
        start = self.db.last_block() + 1
        head = self.client.head() if until is None else min(until, self.client.head())
        totals = [0, 0, 0]  # blocks, extrinsics, events
        if head >= start:
            self._pipeline(start, head, totals, t0)
        last = self.db.last_block()
        st = self.db.index_state() or {}
        if refresh_balances and (st.get("balances_at_block") is None or st["balances_at_block"] < last):
            t = time.perf_counter()
            self.refresh_balances()
            self.timings["balances"] = time.perf_counter() - t
        return IndexReport(start, last, totals[0], totals[1], totals[2], time.perf_counter() - t0, rolled)

    # -- state and forks ---------------------------------------------------------------------------------
    def _ensure_state(self) -> dict[str, Any]:
        info = self.client.info()
        genesis = "0x" + info.genesis_hash.hex()
        state = self.db.index_state()
        if state is None:
            with self.db.transaction() as con:
                con.execute(
                    "INSERT INTO index_state VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, -1, NULL, NULL)",
                    [SCHEMA_VERSION, genesis, info.name, info.spec_name, info.blocks_per_day, info.token_symbol,
                     info.token_decimals, info.ss58_prefix])
            state = self.db.index_state()
            assert state is not None
        elif state["genesis_hash"] != genesis:
            raise WrongChain(f"{self.db.path} indexes chain {state['chain_name']!r} (genesis {state['genesis_hash'][:18]}...), "
                             f"not {info.name!r} (genesis {genesis[:18]}...); use another database file")
        return state

    def _handle_fork(self, state: dict[str, Any]) -> int | None:
        last = int(state["last_block"])
        if last < 0 or self._same_block(last, state["last_hash"]):
            return None
        n = last - 1
        while n >= 0:
            row = self.db.sql("SELECT block_hash FROM blocks WHERE block_number = ?", [n]).fetchone()
            if row is not None and self._same_block(n, row[0]):
                break
            n -= 1
        self.rollback_to(n)
        return n

    def _same_block(self, number: int, our_hash: str | None) -> bool:
        theirs = self.client.block_hash(number) if number <= self.client.head() else None
        return theirs is not None and "0x" + theirs.hex() == our_hash

    def rollback_to(self, number: int) -> None:
        """Forget every block after `number` (-1: forget all); activity counters are recomputed."""
        with self.db.transaction() as con:
            for t in block_tables(con):
                con.execute(f'DELETE FROM "{t}" WHERE block_number > ?', [number])  # names from our own catalog
            con.execute("DELETE FROM accounts")
            row = con.execute("SELECT block_hash FROM blocks WHERE block_number = ?", [number]).fetchone()
            con.execute("UPDATE index_state SET last_block = ?, last_hash = ?, balances_at_block = NULL WHERE id = 1",
                        [number, row[0] if row else None])
            if number >= 0:
                params = self._params(0, number)
                self.db.run("staging/accounts_activity", params, con)
                self._fill_ss58(con)

    # -- the pipeline -------------------------------------------------------------------------------------
    def _pipeline(self, start: int, head: int, totals: list[int], t0: float) -> None:
        q: queue.Queue[BlockBatch | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def produce() -> None:
            try:
                batch = BlockBatch()
                blocks = self.client.blocks(start, head)
                while True:
                    t = time.perf_counter()
                    blk = next(blocks, None)
                    t1 = time.perf_counter()
                    self.timings["fetch"] += t1 - t
                    if blk is None or stop.is_set():
                        break
                    batch.add(blk)
                    self.timings["build"] += time.perf_counter() - t1
                    if batch.size >= self.batch_rows or len(batch) >= self.batch_blocks:
                        q.put(batch)
                        batch = BlockBatch()
                if stop.is_set():
                    return
                if len(batch):
                    q.put(batch)
                q.put(None)
            except BaseException as exc:  # handed to the writer, which re-raises it
                q.put(exc)

        producer = threading.Thread(target=produce, name="indexer-fetch", daemon=True)
        producer.start()
        try:
            while True:
                item = q.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                t = time.perf_counter()
                self.write_batch(item)
                self.timings["write"] += time.perf_counter() - t
                totals[0] += len(item)
                totals[1] += item.n_extrinsics
                totals[2] += item.n_events
                if self.progress:
                    self.progress(IndexProgress(item.last or 0, head, totals[0], totals[1], totals[2],
                                                time.perf_counter() - t0))
        finally:
            stop.set()
            while producer.is_alive():  # unblock a producer waiting on a full queue
                try:
                    q.get_nowait()
                except queue.Empty:
                    producer.join(0.05)

    def _params(self, start: int, end: int) -> dict[str, Any]:
        st = self.db.index_state() or {}
        return {"start": start, "end": end, "blocks_per_day": int(st.get("blocks_per_day") or 1)}

    def write_batch(self, batch: BlockBatch) -> None:
        """Append one batch and everything derived from it, and move last_block, in one transaction."""
        assert batch.first is not None and batch.last is not None
        params = self._params(batch.first, batch.last)
        parent = batch.blocks["parent_hash"][0]
        with self.db.transaction() as con:
            last, last_hash = con.execute("SELECT last_block, last_hash FROM index_state WHERE id = 1").fetchall()[0]
            if batch.first != last + 1:
                raise RuntimeError(f"batch starts at #{batch.first} but the database is at #{last}")
            if last >= 0 and parent != last_hash:
                raise RuntimeError(f"block #{batch.first} does not extend indexed #{last}: the chain re-organized; "
                                   "run the indexer again to roll back and re-index")
            with registered(con, batch_blocks=batch.blocks_table()):
                self.db.run("load/blocks", params, con)
            for pallet, call, table in batch.extrinsic_tables():
                with registered(con, batch_extrinsics=table):
                    self.db.run("load/extrinsics", {"pallet": pallet, "call": call}, con)
            for pallet, event, table in batch.event_tables():
                with registered(con, batch_events=table):
                    self.db.run("load/events", {"pallet": pallet, "event": event}, con)
            present = {(g.pallet, g.name) for g in batch.event_groups.values()}
            for name in STAGING:
                sources = source_events(name)
                if sources is None or sources & present:  # models whose events are not in the batch add nothing
                    self.db.run(name, params, con)
            self._fill_ss58(con)
            con.execute("UPDATE index_state SET last_block = ?, last_hash = ? WHERE id = 1", [batch.last, batch.last_hash])

    def _fill_ss58(self, con: Any) -> None:
        from chain.crypto import ss58_encode  # address formatting only; no chain state

        prefix = con.execute("SELECT ss58_prefix FROM index_state WHERE id = 1").fetchall()[0][0]
        missing = [r[0] for r in con.execute("SELECT account FROM accounts WHERE ss58 IS NULL").fetchall()]
        if not missing:
            return
        table = pa.table({"account": missing, "ss58": [_ss58(a, prefix, ss58_encode) for a in missing]})
        with registered(con, new_ss58=table):
            self.db.run("refresh/accounts_ss58", None, con)

    # -- balances (state at the head) -----------------------------------------------------------------------
    def refresh_balances(self) -> None:
        """Read balances, nonces, assets and token balances at the chain's head into their tables.

        Accounts whose genesis balance was not looked up yet get it from the state at block 0.
        """
        client = self.client
        at = client.head()
        accts: dict[str, list[Any]] = {"account": [], "free": [], "reserved": [], "nonce": []}
        for (who,), info in client.storage_iter("System", "Account"):
            accts["account"].append("0x" + who.hex())
            accts["free"].append(info["data"]["free"])
            accts["reserved"].append(info["data"]["reserved"])
            accts["nonce"].append(info["nonce"])
        assets: dict[str, list[Any]] = {k: [] for k in ("asset", "symbol", "name", "decimals", "country", "is_stable", "supply")}
        holdings: dict[str, list[Any]] = {"account": [], "asset": [], "amount": []}
        if client.has_pallet("Assets"):
            for (asset,), d in client.storage_iter("Assets", "Asset"):
                for k in ("symbol", "name", "decimals", "country", "is_stable", "supply"):
                    assets[k].append(d[k])
                assets["asset"].append(asset)
            for (asset, who), amount in client.storage_iter("Assets", "Account"):
                if amount:
                    holdings["account"].append("0x" + who.hex())
                    holdings["asset"].append(asset)
                    holdings["amount"].append(amount)
        info = client.info()
        tables = {
            "snap_accounts": pa.table({"account": pa.array(accts["account"], pa.string()), "free": amount_array(accts["free"]),
                                       "reserved": amount_array(accts["reserved"]), "nonce": pa.array(accts["nonce"], pa.int64())}),
            "snap_assets": pa.table({"asset": pa.array(assets["asset"], pa.int64()), "symbol": pa.array(assets["symbol"], pa.string()),
                                     "name": pa.array(assets["name"], pa.string()), "decimals": pa.array(assets["decimals"], pa.int32()),
                                     "country": pa.array(assets["country"], pa.string()),
                                     "is_stable": pa.array(assets["is_stable"], pa.bool_()), "supply": amount_array(assets["supply"])}),
            "snap_holdings": pa.table({"account": pa.array(holdings["account"], pa.string()),
                                       "asset": pa.array(holdings["asset"], pa.int64()), "amount": amount_array(holdings["amount"])}),
        }
        cards: dict[str, list[Any]] = {"version": [], "params": []}
        units: dict[str, list[Any]] = {"asset": [], "unit": []}
        if client.has_pallet("Credit"):
            for (version,), card in client.storage_iter("Credit", "Scorecards"):
                cards["version"].append(version)
                cards["params"].append(compact_json(plain(card)))
            for asset in assets["asset"]:
                unit = client.storage("Credit", "VouchUnits", asset, at=0)
                if unit is not None:
                    units["asset"].append(asset)
                    units["unit"].append(unit)
        tables["snap_scorecards"] = pa.table({"version": pa.array(cards["version"], pa.int64()),
                                              "params": pa.array(cards["params"], pa.string())})
        tables["snap_vouch_units"] = pa.table({"asset": pa.array(units["asset"], pa.int64()), "unit": amount_array(units["unit"])})
        params = {"at": at, "native_symbol": info.token_symbol, "native_decimals": info.token_decimals}
        with self.db.transaction() as con:
            with registered(con, **tables):
                self.db.run("refresh/accounts_balances", params, con)
                self.db.run("refresh/assets", params, con)
                self.db.run("refresh/asset_balances", params, con)
                self.db.run("refresh/credit_scorecards", None, con)
                self.db.run("refresh/credit_genesis_vouch_units", None, con)
            unchecked = [r[0] for r in con.execute("SELECT account FROM accounts WHERE genesis_balance IS NULL").fetchall()]
            genesis = [client.storage("System", "Account", bytes.fromhex(a[2:]), at=0)["data"]["free"] for a in unchecked]
            with registered(con, genesis_balances=pa.table({"account": pa.array(unchecked, pa.string()),
                                                            "amount": amount_array(genesis)})):
                self.db.run("refresh/accounts_genesis", None, con)
            self._fill_ss58(con)
            con.execute("UPDATE index_state SET balances_at_block = ? WHERE id = 1", [at])


@contextmanager
def _rare_gc() -> Iterator[None]:
    """Decoded blocks are millions of small acyclic objects: collecting cycles among them while indexing
    only burns time (40% of decoding), so the cyclic GC runs rarely until the run ends."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 500_000), max(old[1], 50), max(old[2], 50))
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _ss58(account_hex: str, prefix: int, encode: Callable[[bytes, int], str]) -> str | None:
    raw = bytes.fromhex(account_hex[2:])
    return encode(raw, prefix) if len(raw) == 32 else None


def index(client: Any, db: AnalyticsDB, until: int | None = None, **kw: Any) -> IndexReport:
    """Index `client`'s chain into `db` up to its head (or `until`); see Indexer."""
    return Indexer(client, db, **kw).run(until)
