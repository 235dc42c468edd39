"""The indexer: decoded blocks from a ChainClient, appended to DuckDB in bulk, incrementally.

- Resumes after the last indexed block (`index_state.last_block`).
- Kill-safe and idempotent: each batch of blocks, the tables derived from it and the new
  `last_block` are written in ONE transaction, so a killed run leaves the database exactly as after
  its last whole batch, and the next run goes on from there.
- Fork-aware: if the chain's hash at `last_block` is no longer ours (a remote node re-organized), the
  rows after the common ancestor are deleted and indexing resumes from there.
- Decoding runs beside the writer. For a client that can be re-opened read-only in another process
  (`reader_spec()`: the embedded store) and at least `parallel_min_blocks` blocks to index, worker
  processes (one per core) each decode a block range straight into columns (`block_columns`, the chain
  client's speed path) and turn it into Arrow tables (args and fields made JSON by DuckDB's to_json on a
  scratch connection), which this process appends, batch after batch in block order. Otherwise (any other
  client, short runs) a producer thread does the same through `block_columns` if the client has it, else
  through `blocks()` (DecodedBlocks: the reference path every ChainClient has); DuckDB releases the GIL, so
  the writer overlaps with it. Both give identical tables (tests/analytics/test_parallel_index.py).
- Worker processes are started with "spawn": a script that indexes a large chain needs the usual
  `if __name__ == "__main__":` guard (or `workers=0`). They exit when the indexer's process dies.
"""
from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import queue
import re
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import duckdb
import pyarrow as pa

from analytics.batch import BatchTables, BlockBatch, amount_array
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

    # While a run indexes, DuckDB folds the WAL into the database file every this much WAL (its default,
    # 16 MB, checkpoints at almost every batch's commit: about a fifth more writer CPU for the same file);
    # the rest is checkpointed once at the end of a run that wrote at least batch_rows rows.
    checkpoint_every = "256MB"

    def __init__(self, client: Any, db: AnalyticsDB, *, batch_rows: int = 250_000, batch_blocks: int = 5_000,
                 progress: Progress | None = None, workers: int | None = None, parallel_min_blocks: int = 1_000,
                 first_range_blocks: int = 32):
        self.client = client
        self.db = db
        self.batch_rows = batch_rows
        self.batch_blocks = batch_blocks
        self.progress = progress
        # decoding worker processes (None: one per core), used for clients with a reader_spec() when at least
        # parallel_min_blocks blocks are to be indexed; the first range a worker decodes has first_range_blocks
        self.workers = workers
        self.parallel_min_blocks = parallel_min_blocks
        self.first_range_blocks = first_range_blocks
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
            with self._wal_threshold(self.checkpoint_every):
                self._pipeline(start, head, totals, t0)
            if totals[1] + totals[2] >= self.batch_rows:
                self._checkpoint()
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
        spec = _own_method(self.client, "reader_spec")
        workers = self.workers if self.workers is not None else default_workers()
        if spec is not None and workers > 0 and head - start + 1 >= self.parallel_min_blocks:
            batches = self._parallel_batches(spec(), workers, start, head)
        else:
            batches = self._threaded_batches(start, head)
        for item in batches:
            t = time.perf_counter()
            self.write_batch(item)
            self.timings["write"] += time.perf_counter() - t
            totals[0] += len(item)
            totals[1] += item.n_extrinsics
            totals[2] += item.n_events
            if self.progress:
                self.progress(IndexProgress(item.last or 0, head, totals[0], totals[1], totals[2],
                                            time.perf_counter() - t0))

    def _threaded_batches(self, start: int, head: int) -> Iterator[BatchTables]:
        """Decode in a producer thread (through the client) while the caller writes the previous batch."""
        q: queue.Queue[BatchTables | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()
        columns = _own_method(self.client, "block_columns")

        def produce() -> None:
            try:
                n = start
                blocks = None if columns is not None else self.client.blocks(start, head)
                batch = BlockBatch()
                while n <= head and not stop.is_set():
                    t = time.perf_counter()
                    if blocks is None:  # up to 16 blocks a call when the client decodes ranges into columns
                        end = min(head, n + max(1, min(16, self.batch_blocks - len(batch))) - 1)
                        columns(n, end, into=batch)
                    else:
                        end = n
                        batch.add(next(blocks))
                    self.timings["fetch"] += time.perf_counter() - t
                    n = end + 1
                    if batch.size >= self.batch_rows or len(batch) >= self.batch_blocks or n > head:
                        t = time.perf_counter()
                        tables = batch.tables()
                        self.timings["build"] += time.perf_counter() - t
                        q.put(tables)
                        batch = BlockBatch()
                if not stop.is_set():
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
                yield item
        finally:
            stop.set()
            while producer.is_alive():  # unblock a producer waiting on a full queue
                try:
                    q.get_nowait()
                except queue.Empty:
                    producer.join(0.05)

    def _parallel_batches(self, spec: tuple[Any, ...], workers: int, start: int, head: int) -> Iterator[BatchTables]:
        """Decode block ranges in worker processes, each with its own read-only view of the chain
        (`open_reader(*client.reader_spec())`), and hand back their Arrow tables in block order; the caller
        writes one while the workers decode the next ones. Ranges are sized from the rows a block held so far."""
        ctx = multiprocessing.get_context("spawn")  # the parent holds DuckDB's and the node's threads: no fork
        t = time.perf_counter()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(spec,))
        pending: deque[Any] = deque()
        n, rows, blocks = start, 0, 0
        try:
            while n <= head or pending:
                while n <= head and len(pending) < workers + 1:
                    per_block = rows / blocks if blocks else 0
                    size = self.first_range_blocks if not per_block else int(self.batch_rows / max(per_block, 1.0))
                    end = min(head, n + max(1, min(size, self.batch_blocks)) - 1)
                    pending.append(pool.submit(_worker_batch, n, end))
                    n = end + 1
                item: BatchTables = pending.popleft().result()
                self.timings["fetch"] += time.perf_counter() - t  # waiting for the workers
                rows += item.size
                blocks += len(item)
                yield item
                t = time.perf_counter()
        finally:
            for f in pending:
                f.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    @contextmanager
    def _wal_threshold(self, size: str) -> Iterator[None]:
        """DuckDB's checkpoint_threshold set to `size` while the block runs."""
        con = self.db.con.cursor()
        try:
            ((old,),) = con.execute("SELECT current_setting('checkpoint_threshold')").fetchall()
            for v in (size, old):  # SET takes no bound parameters: the values are ours or DuckDB's, checked here
                if not re.fullmatch(r"[0-9.]+ ?[A-Za-z]{0,3}", v):
                    raise ValueError(f"not a size: {v!r}")
            con.execute(f"SET checkpoint_threshold = '{size}'")
            try:
                yield
            finally:
                con.execute(f"SET checkpoint_threshold = '{old}'")
        finally:
            con.close()

    def _checkpoint(self) -> None:
        """Fold the run's WAL into the database file once, at the end. DuckDB would do it by itself only at
        a commit when no other transaction is open, which the app's readers (and our own reads of
        index_state) rarely allow: the WAL of a big run then waits, hundreds of MB, for the next open."""
        t = time.perf_counter()
        with self.db.write_lock:
            self.db.cursor()  # drops this thread's half-read result: an open read keeps CHECKPOINT from running
            try:
                self.db.con.execute("CHECKPOINT")
            except duckdb.Error:  # another transaction is open: DuckDB checkpoints later by itself
                pass
        self.timings["checkpoint"] = time.perf_counter() - t

    def _params(self, start: int, end: int) -> dict[str, Any]:
        st = self.db.index_state() or {}
        return {"start": start, "end": end, "blocks_per_day": int(st.get("blocks_per_day") or 1)}

    def write_batch(self, batch: BatchTables | BlockBatch) -> None:
        """Append one batch and everything derived from it, and move last_block, in one transaction."""
        if isinstance(batch, BlockBatch):
            batch = batch.tables()
        params = self._params(batch.first, batch.last)
        parent = batch.parent_hash
        with self.db.transaction() as con:
            last, last_hash = con.execute("SELECT last_block, last_hash FROM index_state WHERE id = 1").fetchall()[0]
            if batch.first != last + 1:
                raise RuntimeError(f"batch starts at #{batch.first} but the database is at #{last}")
            if last >= 0 and parent != last_hash:
                raise RuntimeError(f"block #{batch.first} does not extend indexed #{last}: the chain re-organized; "
                                   "run the indexer again to roll back and re-index")
            with registered(con, batch_blocks=batch.blocks):
                self.db.run("load/blocks", params, con)
            if batch.extrinsics is not None:
                with registered(con, batch_extrinsics=batch.extrinsics):
                    self.db.run("load/extrinsics", None, con)
            if batch.events is not None:
                with registered(con, batch_events=batch.events):
                    self.db.run("load/events", None, con)
            present = batch.present
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


def _own_method(client: Any, name: str) -> Callable[..., Any] | None:
    """The client's optional speed-path method (block_columns, reader_spec) only if its own class defines
    it: a wrapper that overrides blocks() and forwards the rest (__getattr__) must be read through blocks()."""
    return getattr(client, name) if callable(getattr(type(client), name, None)) else None


def default_workers() -> int:
    """Decoding worker processes: one per core (the writer's DuckDB work overlaps with them)."""
    return max(1, min(os.cpu_count() or 1, 4))


_READER: Any = None


def _worker_init(spec: tuple[Any, ...]) -> None:
    from chain.client import open_reader

    global _READER
    _READER = open_reader(*spec)
    gc.set_threshold(500_000, 50, 50)  # see _rare_gc
    parent = multiprocessing.parent_process()
    if parent is not None:  # a killed indexer must not leave its workers waiting for work forever
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="indexer-parent-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _worker_batch(start: int, end: int) -> BatchTables:
    """In a worker process: blocks start..end decoded into columns and made Arrow tables."""
    batch = BlockBatch()
    _READER.block_columns(start, end, into=batch)
    return batch.tables()


def _ss58(account_hex: str, prefix: int, encode: Callable[[bytes, int], str]) -> str | None:
    raw = bytes.fromhex(account_hex[2:])
    return encode(raw, prefix) if len(raw) == 32 else None


def index(client: Any, db: AnalyticsDB, until: int | None = None, **kw: Any) -> IndexReport:
    """Index `client`'s chain into `db` up to its head (or `until`); see Indexer."""
    return Indexer(client, db, **kw).run(until)
