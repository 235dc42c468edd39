"""Signing in bulk: a day's extrinsics encoded and signed over worker processes (ed25519 over libsodium,
~20 us a signature), in order, with exactly the bytes `chain.extrinsic.sign_extrinsic` would produce.

Small batches are signed in-process (a round trip to the workers costs more than it saves). A
`SignSession` signs items while they are still being produced (the bulk generator's day).
"""
from __future__ import annotations

import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Sequence

import nacl.bindings

from chain.crypto import KeyType, start_worker_pool
from chain.extrinsic import encode_signed, signing_payload

# (64-byte ed25519 secret, 32-byte public, pallet, call, args, nonce): the call is encoded where it is signed
Item = tuple[bytes, bytes, str, str, dict, int]
PARALLEL_MIN = 600
SESSION_CHUNK = 256  # items a worker signs at a time in a session
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
                self._pool = start_worker_pool(self.workers)
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

    def session(self, chunk: int = SESSION_CHUNK) -> "SignSession":
        """A stream of items signed as they are added (see SignSession)."""
        return SignSession(self, chunk)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class SignSession:
    """Items are signed while the caller is still producing them: `add` hands every full chunk to the
    workers at once, `take(n)` returns the next `n` signed extrinsics in order, waiting as needed. The
    engine adds each policy's actions as the policy returns them, so most of a day is signed by the time
    the last policy has decided, and the first block's extrinsics are ready when the day's blocks start.
    The bytes are those of `BulkSigner.sign` of all the items in one go, wherever each chunk was signed
    (a chunk whose worker died, and any chunk with no pool to go to, is signed in this process)."""

    def __init__(self, signer: BulkSigner, chunk: int = SESSION_CHUNK):
        self._signer, self._chunk = signer, max(1, chunk)
        self._waiting: list[Item] = []  # added, not handed to a worker yet
        self._queued: deque[tuple[list[Item], Future | None]] = deque()  # in order; None: sign here
        self._signed: deque[bytes] = deque()  # signed, not taken yet
        self._use_workers = signer.workers > 1

    def add(self, items: Sequence[Item]) -> None:
        self._waiting.extend(items)
        while len(self._waiting) >= self._chunk:
            part, self._waiting = self._waiting[:self._chunk], self._waiting[self._chunk:]
            self._queue(part)

    def flush(self) -> None:
        """Hand the last, partial chunk to the workers too (the caller has added everything)."""
        if self._waiting:
            part, self._waiting = self._waiting, []
            self._queue(part)

    def _queue(self, part: list[Item]) -> None:
        future = None
        if self._use_workers:
            s = self._signer
            try:
                future = s._get_pool().submit(_sign_chunk, part, s.genesis, s.spec, s.tx)
            except (BrokenProcessPool, OSError):  # no workers: this session signs here
                s.close()
                self._use_workers = False
        self._queued.append((part, future))

    def take(self, n: int) -> list[bytes]:
        """The next `n` signed extrinsics, in the order their items were added. ValueError if fewer than
        `n` items are left."""
        while len(self._signed) < n:
            if not self._queued:
                self.flush()
                if not self._queued:
                    raise ValueError(f"{n} signed extrinsics asked for, {len(self._signed)} left")
            part, future = self._queued.popleft()
            s = self._signer
            out = None
            if future is not None:
                try:
                    out = future.result()
                except (BrokenProcessPool, OSError):  # a worker died: sign this chunk here
                    s.close()
                    self._use_workers = False
            if out is None:
                out = _sign_chunk(part, s.genesis, s.spec, s.tx, s.runtime)
            self._signed.extend(out)
        return [self._signed.popleft() for _ in range(n)]
