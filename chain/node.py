"""The node: genesis, block production (instant, interval or on demand), durable import, queries.

A block is acknowledged (returned, announced to subscribers) only after the store has made it durable.
On restart the node loads the head state from its data directory and goes on from there.
"""
from __future__ import annotations

import contextlib
import gc
import json
import threading

from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from chain.block import Block, Header, build_block, execute_block, genesis_block
from chain.crypto import DEV_ACCOUNTS, dev_keypair
from chain.errors import BlockError, InvalidTransaction, StoreError
from chain.hashing import blake2_256
from chain.pool import PreparedBatch, TransactionPool
from chain.runtime import Runtime
from chain.storage import StateBackend
from chain.store import BlockStore
from chain.trie import StateTrie
from chain.types import UNIT

DEFAULT_GENESIS_TIME_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z: simulated calendars start here

# Asset 0 is the USD stable token; the others are local-currency tokens of the demo corridors.
DEFAULT_ASSETS: list[dict[str, Any]] = [
    {"id": 0, "symbol": "USDP", "name": "Puhui USD (stable)", "decimals": 6, "country": "", "is_stable": True},
    {"id": 1, "symbol": "KESP", "name": "Kenyan shilling token", "decimals": 2, "country": "KE"},
    {"id": 2, "symbol": "PHPP", "name": "Philippine peso token", "decimals": 2, "country": "PH"},
    {"id": 3, "symbol": "NGNP", "name": "Nigerian naira token", "decimals": 2, "country": "NG"},
    {"id": 4, "symbol": "GTQP", "name": "Guatemalan quetzal token", "decimals": 2, "country": "GT"},
]

# Genesis FX rates (whole local units per USD, times 10^6; see chain/pallets/oracle.py), approximate
# mid-market rates of mid-2025. A feeder (Alice on the dev chain) keeps them fresh after genesis.
DEFAULT_RATES: list[tuple[int, int]] = [(1, 129_200_000), (2, 56_900_000), (3, 1_530_000_000), (4, 7_680_000)]

Listener = Callable[[str, dict[str, Any]], None]


def dev_genesis_config(blocks_per_day: int = 24, genesis_time_ms: int = DEFAULT_GENESIS_TIME_MS,
                       extra_balances: list[tuple[bytes, int]] | None = None) -> dict[str, Any]:
    """The --dev chain: //Alice .. //Ferdie funded with 1,000,000 PUI each (sr25519), Alice is sudo."""
    alice = dev_keypair("Alice").public
    balances = [(dev_keypair(n).public, 1_000_000 * UNIT) for n in DEV_ACCOUNTS]
    return {
        "name": "Puhui Development",
        "blocks_per_day": blocks_per_day,
        "genesis_time_ms": genesis_time_ms,
        "balances": balances + list(extra_balances or []),
        "sudo_key": alice,
        "assets": DEFAULT_ASSETS,
        "oracle_feeders": [alice],
        "oracle_rates": DEFAULT_RATES,
    }


def config_to_json(config: dict[str, Any]) -> str:
    def enc(v: Any) -> Any:
        if isinstance(v, bytes):
            return {"hex": v.hex()}
        if isinstance(v, (list, tuple)):
            return [enc(x) for x in v]
        if isinstance(v, dict):
            return {k: enc(x) for k, x in v.items()}
        return v

    return json.dumps(enc(config), sort_keys=True)


def config_from_json(text: str) -> dict[str, Any]:
    def dec(v: Any) -> Any:
        if isinstance(v, dict):
            return bytes.fromhex(v["hex"]) if set(v) == {"hex"} else {k: dec(x) for k, x in v.items()}
        if isinstance(v, list):
            return [dec(x) for x in v]
        return v

    return dec(json.loads(text))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a block or admitting a batch allocates tens of thousands of small containers (events,
    decoded calls) that all stay alive until the block is stored: the cyclic collector's passes over
    them find nothing and cost ~8% of a big block. Paused meanwhile (reference counting still frees
    everything acyclic); collection resumes after."""
    if not gc.isenabled():  # paused by an outer caller
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Node:
    """One chain: runtime, state trie, pool and durable store behind one lock."""

    def __init__(self, base_path: str | Path, genesis_config: dict[str, Any] | None = None, *,
                 seal: str = "instant", check_signatures: bool = True):
        if seal not in ("instant", "manual", "interval"):
            raise ValueError(f"unknown seal mode {seal!r} (instant, manual or interval)")
        self.base_path = Path(base_path)
        self.base_path.mkdir(parents=True, exist_ok=True)
        self.seal = seal
        self.check_signatures = check_signatures
        self.lock = threading.RLock()
        self._unstored: list[Any] = []  # built on the head, not stored yet (inside deferred_commit)
        self._unstored_hashes: list[list[bytes]] = []
        self._deferring = False
        self.listeners: list[Listener] = []
        self.store = BlockStore(self.base_path)
        try:
            self.rt = Runtime()
            if self.store.head() is None:
                self._create(genesis_config or dev_genesis_config())
            else:
                self._load()
        except BaseException:
            self.store.close()  # release the data directory's lock: a failed start must not hold it
            raise
        self.pool = TransactionPool(self.rt)
        self.rt.prepare_for_validation(self.head.number, self.head.hash)
        # The loaded state lives as long as the node: keep the cyclic garbage collector from walking it
        # again and again (measured: GC was about a third of bulk generation time).
        gc.freeze()
        self._interval_thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- start ----------------------------------------------------------------------------------------
    def _create(self, config: dict[str, Any]) -> None:
        header, self.trie, changes = genesis_block(self.rt, config)
        self.store.set_meta("genesis_config", config_to_json(config))
        self.store.set_meta("chain_name", str(config.get("name", "Puhui")))
        self.store.append_block(0, header.hash, bytes(32), header.encode(), [], changes, b"")
        self.head = header
        self.genesis_config = config

    def _load(self) -> None:
        text = self.store.get_meta("genesis_config")
        if text is None:
            raise StoreError(f"{self.base_path} has blocks but no genesis config: not a Puhui data directory")
        self.genesis_config = config_from_json(text)
        self.rt.backend = StateBackend(self.store.current_state())
        self.rt.state = type(self.rt.state)(self.rt.backend)
        self.trie = StateTrie.from_items(self.rt.backend.items())
        number, _ = self.store.head()  # type: ignore[misc]
        head = self.store.get_block(number)
        assert head is not None
        self.head = Header.decode(head.header)
        if self.head.state_root != self.trie.root:
            raise StoreError(f"state at head #{number} does not match its state root; run `python -m chain verify`")
        genesis = self.store.block_hash(0)
        assert genesis is not None
        self.rt.genesis_hash = genesis

    @property
    def chain_name(self) -> str:
        return str(self.genesis_config.get("name", "Puhui"))

    @property
    def genesis_hash(self) -> bytes:
        return self.rt.genesis_hash

    # -- submitting --------------------------------------------------------------------------------------
    def submit(self, raw: bytes) -> bytes:
        """Validate into the pool (InvalidTransaction if not valid); with instant seal, seal a block."""
        with self.lock:
            h = self.pool.submit(raw)
            self._notify("ready", {"hash": h})
            if self.seal == "instant":
                self.produce_block()
            return h

    def submit_many(self, raws: list[bytes], seal: bool | None = None) -> list[bytes | InvalidTransaction]:
        return self.admit_prepared(self.prepare_many(raws, background=False), seal)

    def prepare_many(self, raws: list[bytes], background: bool = True) -> PreparedBatch:
        """The first half of `submit_many`: decode a batch and start verifying its signatures in the
        worker processes, without waiting. A bulk caller builds blocks meanwhile, then admits the batch
        with `admit_prepared` (signatures do not depend on the state, so the results are the same). With
        `background` even a small batch goes to the workers (`submit_many`, which waits at once, checks a
        small one in-process)."""
        with self.lock, _gc_paused():
            return self.pool.prepare_batch(raws, background)

    def admit_prepared(self, prepared: PreparedBatch, seal: bool | None = None) -> list[bytes | InvalidTransaction]:
        """The second half of `submit_many`: wait for the signatures, admit the batch in order."""
        with self.lock, _gc_paused():
            results = self.pool.admit_batch(prepared)
            self._announce_ready(results)
            if seal if seal is not None else self.seal == "instant":
                self._seal_ready()
            return results

    def _announce_ready(self, results: list[bytes | InvalidTransaction]) -> None:
        for r in results:
            if isinstance(r, bytes):
                self._notify("ready", {"hash": r})

    def _seal_ready(self) -> None:
        """Produce blocks until the pool has nothing ready."""
        while self.pool.status().ready:
            self.produce_block()

    def import_batches(self, batches: Iterable[list[bytes]]) -> list[list[bytes | InvalidTransaction]]:
        """Admit batches of extrinsics and seal a block after each, verifying the signatures of the next
        batch in the worker processes while this one's block is built and stored (a pipeline)."""
        out = []
        with self.lock:
            it = iter(batches)
            nxt = next(it, None)
            prepared = self.pool.prepare_batch(nxt) if nxt is not None else None
            while prepared is not None:
                results = self.pool.admit_batch(prepared)
                nxt = next(it, None)
                prepared = self.pool.prepare_batch(nxt) if nxt is not None else None
                self._announce_ready(results)
                self._seal_ready()
                out.append(results)
        return out

    # -- producing -----------------------------------------------------------------------------------------
    def produce_block(self, max_extrinsics: int | None = None, now_ms: int | None = None) -> Header:
        """Seal the next block from the pool; returns its header once it is durable."""
        return self.produce_blocks(1, max_extrinsics, None if now_ms is None else [now_ms])[0]

    def produce_blocks(self, count: int, max_extrinsics: int | None = None,
                       times_ms: list[int] | None = None) -> list[Header]:
        """Seal `count` blocks in a row from the pool (each with at most `max_extrinsics`), made durable
        together in one group commit (one fsync instead of `count`): for bulk generation (the scenario
        generator's days). `times_ms` overrides the blocks' simulated timestamps. The blocks are the same as `count` calls of `produce_block` would make; they
        are acknowledged (returned, announced) once all of them are durable; inside `deferred_commit`,
        when that block ends."""
        with self.lock, _gc_paused():
            pending = self.pool.ready()
            built_all: list[Any] = []
            parent, pos = self._unstored[-1].block.header if self._unstored else self.head, 0
            try:
                for i in range(count):
                    take = pending[pos:] if max_extrinsics is None else pending[pos:pos + max_extrinsics]
                    pos += len(take)
                    built = build_block(self.rt, self.trie, parent, take, check_signatures=False,
                                        now_ms=times_ms[i] if times_ms else None)
                    built_all.append(built)
                    parent = built.block.header
            except BaseException:
                self._unstored.clear()
                self._reload_after_failure()
                raise
            self.rt.prepare_for_validation(parent.number, parent.hash)
            included = [[blake2_256(x) for x in b.block.extrinsics] for b in built_all]
            self.pool.prune([h for hs in included for h in hs], [xt.hash for b in built_all for xt, _ in b.rejected])
            self._unstored += built_all
            self._unstored_hashes += included
            if not self._deferring:
                self._store_unstored()
            return [b.block.header for b in built_all]

    @contextlib.contextmanager
    def deferred_commit(self) -> Iterator[None]:
        """Bulk generation: blocks produced inside are built on one another at once but stored (and
        acknowledged: `head` moves, subscribers hear of them) together when the block ends, in ONE group
        commit: one fsync for a simulated day instead of one per produce call. Holds the node's lock
        throughout, so nobody reads state that is not durable yet; nothing inside is acknowledged
        before it is (a crash loses only what no caller was told of)."""
        with self.lock:
            outer, self._deferring = self._deferring, True
            try:
                yield
            finally:
                self._deferring = outer
                if not outer:
                    self._store_unstored()

    def _store_unstored(self) -> None:
        """Append the built blocks not stored yet in one group commit, then acknowledge them."""
        from chain.store import StoredBlock

        built_all, included = self._unstored, self._unstored_hashes
        if not built_all:
            return
        self._unstored, self._unstored_hashes = [], []
        try:
            self.store.append_blocks([
                StoredBlock(b.block.header.number, b.block.hash, b.block.header.parent_hash, b.block.header.encode(),
                            b.block.extrinsics, b.changes, b.events) for b in built_all])
        except BaseException:
            self._reload_after_failure()
            raise
        self.head = built_all[-1].block.header
        for b, hashes in zip(built_all, included):
            self._notify("block", {"header": b.block.header, "extrinsics": hashes})
            for xt, exc in b.rejected:
                self._notify("invalid", {"hash": xt.hash, "error": exc})

    def _reload_after_failure(self) -> None:
        """The store refused a block: forget the unsaved state and reload the durable head."""
        self.rt = Runtime()
        self._load()
        self.pool.rt = self.rt
        self.rt.prepare_for_validation(self.head.number, self.head.hash)

    def start_interval(self, seconds: float) -> None:
        """Produce a block every `seconds` in a background thread (empty blocks included)."""
        def loop() -> None:
            while not self._stop.wait(seconds):
                self.produce_block()

        self._stop.clear()
        self._interval_thread = threading.Thread(target=loop, name="block-production", daemon=True)
        self._interval_thread.start()

    def close(self) -> None:
        gc.unfreeze()  # let the collector reclaim this node's (cyclic) objects once they are dropped
        self._stop.set()
        if self._interval_thread:
            self._interval_thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> "Node":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- subscriptions --------------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def _notify(self, kind: str, payload: dict[str, Any]) -> None:
        for fn in list(self.listeners):
            try:
                fn(kind, payload)
            except Exception:  # a broken subscriber must not stop block production
                pass

    # -- queries ----------------------------------------------------------------------------------------
    def block_hash(self, number: int) -> bytes | None:
        return self.store.block_hash(number)

    def block_number(self, block_hash: bytes) -> int | None:
        return self.store.block_number(block_hash)

    def get_block(self, number: int) -> Block | None:
        stored = self.store.get_block(number)
        if stored is None:
            return None
        return Block(Header.decode(stored.header), list(stored.extrinsics))

    def storage(self, key: bytes, at: int | None = None) -> bytes | None:
        """A storage value at the head, or as of block `at`."""
        if at is None or at == self.head.number:
            with self.lock:
                return self.rt.backend.get(key)
        return self.store.storage_at(key, at)

    def events(self, number: int) -> list[dict[str, Any]]:
        raw = self.storage(self.rt.events_key, number)
        return self.rt.decode_events(raw) if raw else []

    def account(self, who: bytes) -> dict[str, Any]:
        with self.lock:
            return self.rt.system.Account.get(who)

    def next_nonce(self, who: bytes) -> int:
        with self.lock:
            n = self.pool._next_nonce.get(who)
            return n if n is not None else self.rt.system.Account.get(who)["nonce"]


def verify_chain(base_path: str | Path, progress: Callable[[int, int], None] | None = None) -> int:
    """Re-execute the stored chain from genesis, checking every hash and root; returns the head number.

    Raises BlockError (with the block number and what mismatched) or StoreError.
    """
    with BlockStore(base_path, read_only=True) as store:
        head = store.head()
        if head is None:
            raise StoreError(f"{base_path} holds no chain")
        text = store.get_meta("genesis_config")
        if text is None:
            raise StoreError("no genesis config in the store")
        rt = Runtime()
        header, trie, _ = genesis_block(rt, config_from_json(text))
        g = store.get_block(0)
        if g is None or g.header != header.encode():
            raise BlockError(0, "genesis header does not match the genesis config")
        if g.hash != header.hash:
            raise BlockError(0, "stored genesis hash does not match its header")
        parent = header
        for stored in store.iter_blocks(1, head[0]):
            h = Header.decode(stored.header)
            if stored.hash != h.hash:
                raise BlockError(stored.number, f"stored hash 0x{stored.hash.hex()} is not the header's hash 0x{h.hash.hex()}")
            if h.number != stored.number:
                raise BlockError(stored.number, f"header says number {h.number}")
            changes = execute_block(rt, trie, parent, Block(h, list(stored.extrinsics)))
            if changes != stored.state_changes:
                raise BlockError(stored.number, "stored state changes differ from re-execution")
            parent = h
            if progress:
                progress(stored.number, head[0])
        return head[0]


