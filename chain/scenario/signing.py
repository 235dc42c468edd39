"""Signing in bulk: a day's extrinsics encoded and signed over worker processes (ed25519 over libsodium,
~20 us a signature), in order, with exactly the bytes `chain.extrinsic.sign_extrinsic` would produce.

Small batches are signed in-process (a round trip to the workers costs more than it saves).
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterator, Sequence

import nacl.bindings

from chain.crypto import KeyType, background_worker_init
from chain.extrinsic import encode_signed, signing_payload

# (64-byte ed25519 secret, 32-byte public, pallet, call, args, nonce): the call is encoded where it is signed
Item = tuple[bytes, bytes, str, str, dict, int]
PARALLEL_MIN = 600
_CHUNKS_PER_WORKER = 3


_RUNTIME: Any = None


def _encoder() -> Any:
    """The call encoder of this process (a worker builds its own runtime once: declarations only)."""
    global _RUNTIME
    if _RUNTIME is None:
        from chain.runtime import Runtime

        _RUNTIME = Runtime()
    return _RUNTIME


def _sign_chunk(items: Sequence[Item], genesis: bytes, spec: int, tx: int, rt: Any = None) -> list[bytes]:
    out = []
    sign = nacl.bindings.crypto_sign
    ed = int(KeyType.ED25519)
    rt = rt or _encoder()
    make, encode = rt.make_call, rt.encode_call
    for secret, public, pallet, call, args, nonce in items:
        call_bytes = encode(make(pallet, call, **args))
        payload = signing_payload(call_bytes, None, nonce, 0, 0, spec, tx, genesis, genesis)
        out.append(encode_signed(call_bytes, public, ed, sign(payload, secret)[:64], None, nonce))
    return out


class BulkSigner:
    """Immortal ed25519-signed extrinsics for one chain (genesis hash) and runtime version."""

    def __init__(self, genesis_hash: bytes, spec_version: int, tx_version: int, workers: int = 0, runtime: Any = None):
        self.genesis, self.spec, self.tx = genesis_hash, spec_version, tx_version
        self.runtime = runtime  # encodes calls for in-process batches
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:
            cpus = os.cpu_count() or 1
        self.workers = workers or cpus
        self._pool: ProcessPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _get_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                methods = multiprocessing.get_all_start_methods()
                ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
                self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=background_worker_init)
                self._pid = os.getpid()
            return self._pool

    def sign(self, items: Sequence[Item]) -> list[bytes]:
        if self.workers <= 1 or len(items) < PARALLEL_MIN:
            return _sign_chunk(items, self.genesis, self.spec, self.tx, self.runtime)
        n = self.workers * _CHUNKS_PER_WORKER
        size = -(-len(items) // n)
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        try:
            pool = self._get_pool()
            futures = [pool.submit(_sign_chunk, c, self.genesis, self.spec, self.tx) for c in chunks]
            out: list[bytes] = []
            for f in futures:
                out.extend(f.result())
            return out
        except (BrokenProcessPool, OSError):  # a worker died or could not start: sign here
            self.close()
            return _sign_chunk(items, self.genesis, self.spec, self.tx, self.runtime)

    def sign_stream(self, items: Sequence[Item], sizes: Sequence[int]) -> Iterator[list[bytes]]:
        """Sign consecutive groups of `sizes` items; yields each group's extrinsics in order as soon as
        it is signed, while the workers go on with the next groups (all are queued at once), so the
        caller can submit and seal one group while the next is being signed."""
        groups, pos = [], 0
        for n in sizes:
            groups.append(items[pos : pos + n])
            pos += n
        if self.workers <= 1 or len(items) < PARALLEL_MIN:
            for g in groups:
                yield _sign_chunk(g, self.genesis, self.spec, self.tx, self.runtime)
            return
        try:
            pool = self._get_pool()
            queued = []
            for g in groups:
                size = max(1, -(-len(g) // self.workers))
                queued.append([pool.submit(_sign_chunk, g[i : i + size], self.genesis, self.spec, self.tx)
                               for i in range(0, len(g), size)])
        except (BrokenProcessPool, OSError):
            self.close()
            queued = []
        if not queued:
            for g in groups:
                yield _sign_chunk(g, self.genesis, self.spec, self.tx, self.runtime)
            return
        for g, futures in zip(groups, queued):
            try:
                out: list[bytes] = []
                for f in futures:
                    out.extend(f.result())
            except (BrokenProcessPool, OSError):  # a worker died: sign this group here
                self.close()
                out = _sign_chunk(g, self.genesis, self.spec, self.tx, self.runtime)
            yield out

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
