"""The transaction pool: validates incoming extrinsics and keeps them ready, per sender in nonce order.

Checks on entry: decoding, signature (in bulk over both cores for batches), genesis and runtime version
(through the signing payload), era, nonce and the ability to pay the fee. A nonce ahead of the sender's
next one waits in `future` until the gap closes; a used nonce is refused as stale.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from chain.crypto import PARALLEL_MIN_BATCH, PendingVerification, start_verify_many
from chain.errors import BadProof, DuplicateTransaction, InvalidTransaction, MalformedTransaction, PoolFull
from chain.extrinsic import Extrinsic, decode_extrinsic, signing_payload
from chain.runtime import SPEC_VERSION, TX_VERSION, Runtime

DEFAULT_LIMIT = 1_000_000
BACKGROUND_MIN_BATCH = 64  # a background batch this small is still checked in-process (one chunk's worth)


@dataclass
class PreparedBatch:
    """A decoded batch whose signatures are being verified (see TransactionPool.prepare_batch)."""

    decoded: list[Extrinsic | InvalidTransaction]
    where: list[int]
    pending: PendingVerification


@dataclass
class PoolStatus:
    ready: int
    future: int


class TransactionPool:
    def __init__(self, rt: Runtime, limit: int = DEFAULT_LIMIT):
        self.rt = rt
        self.limit = limit
        self._ready: OrderedDict[bytes, Extrinsic] = OrderedDict()
        self._future: dict[bytes, dict[int, Extrinsic]] = {}
        self._next_nonce: dict[bytes, int] = {}  # sender -> nonce after its last ready transaction
        self._hashes: set[bytes] = set()
        self.on_ready: Callable[[bytes], None] | None = None

    def status(self) -> PoolStatus:
        return PoolStatus(len(self._ready), sum(len(v) for v in self._future.values()))

    def __len__(self) -> int:
        return len(self._hashes)

    def contains(self, xt_hash: bytes) -> bool:
        return xt_hash in self._hashes

    # -- entry ------------------------------------------------------------------------------------------
    def submit(self, raw: bytes) -> bytes:
        """Validate and add one extrinsic; returns its hash or raises an InvalidTransaction."""
        return self._admit(decode_extrinsic(raw), check_signature=True)

    def prepare_batch(self, raws: list[bytes], background: bool = False) -> "PreparedBatch":
        """Decode a batch and start verifying its signatures in the worker processes (no waiting). Small
        batches are checked in-process when admitted, unless `background` (the caller builds blocks before
        it admits this batch, so even a small batch is better checked on the other cores)."""
        decoded: list[Extrinsic | InvalidTransaction] = []
        for raw in raws:
            try:
                decoded.append(decode_extrinsic(raw))
            except InvalidTransaction as exc:
                decoded.append(exc)
        items, where = [], []
        for i, xt in enumerate(decoded):
            if isinstance(xt, Extrinsic) and xt.signed:
                try:
                    birth = self.rt._birth_hash(xt)
                except InvalidTransaction as exc:
                    decoded[i] = exc
                    continue
                payload = signing_payload(xt.call_bytes, xt.era, xt.nonce, xt.tip, xt.mode, SPEC_VERSION,
                                          TX_VERSION, self.rt.genesis_hash, birth)
                items.append((xt.sig_type, xt.signature, payload, xt.signer))
                where.append(i)
        return PreparedBatch(decoded, where, start_verify_many(items, min_batch=BACKGROUND_MIN_BATCH if background else PARALLEL_MIN_BATCH))

    def admit_batch(self, batch: "PreparedBatch") -> list[bytes | InvalidTransaction]:
        """Wait for a prepared batch's signature checks, then admit it in order."""
        decoded = batch.decoded
        for i, ok in zip(batch.where, batch.pending.result()):
            if not ok:
                decoded[i] = BadProof("signature does not verify for this chain and runtime version")
        out: list[bytes | InvalidTransaction] = []
        for xt in decoded:
            if isinstance(xt, InvalidTransaction):
                out.append(xt)
                continue
            try:
                out.append(self._admit(xt, check_signature=False))
            except InvalidTransaction as exc:
                out.append(exc)
        return out

    def _admit(self, xt: Extrinsic, check_signature: bool) -> bytes:
        h = xt.hash
        if h in self._hashes:
            raise DuplicateTransaction("the pool already holds this transaction")
        if len(self._hashes) >= self.limit:
            raise PoolFull(f"the pool holds {self.limit} transactions")
        if not xt.signed:
            raise MalformedTransaction("unsigned transactions are not accepted from outside")
        self.rt.validate_transaction(xt, check_signature=check_signature)
        signer = xt.signer
        assert signer is not None
        expected = self._next_nonce.get(signer)
        if expected is None:
            expected = self.rt.system.nonce_and_free(signer)[0]
        if xt.nonce < expected:
            raise DuplicateTransaction(f"nonce {xt.nonce} is already taken by a transaction in the pool")
        self._hashes.add(h)
        if xt.nonce > expected:
            futures = self._future.setdefault(signer, {})
            if xt.nonce in futures:
                self._hashes.discard(h)
                raise DuplicateTransaction(f"nonce {xt.nonce} is already waiting in the pool")
            futures[xt.nonce] = xt
            return h
        self._make_ready(signer, xt)
        return h

    def _make_ready(self, signer: bytes, xt: Extrinsic) -> None:
        self._ready[xt.hash] = xt
        nxt = xt.nonce + 1
        futures = self._future.get(signer)
        while futures and nxt in futures:
            f = futures.pop(nxt)
            self._ready[f.hash] = f
            nxt += 1
        if futures is not None and not futures:
            del self._future[signer]
        self._next_nonce[signer] = nxt

    # -- block building ------------------------------------------------------------------------------------
    def ready(self, limit: int | None = None) -> list[Extrinsic]:
        """Ready transactions in arrival order (each sender's in nonce order)."""
        if limit is None:
            return list(self._ready.values())
        out = []
        for xt in self._ready.values():
            if len(out) >= limit:
                break
            out.append(xt)
        return out

    def prune(self, included: list[bytes], rejected: list[bytes]) -> None:
        """After a block: forget included transactions, drop rejected ones (and what depended on them)."""
        for h in included:
            self._ready.pop(h, None)
            self._hashes.discard(h)
        for h in rejected:
            xt = self._ready.pop(h, None)
            self._hashes.discard(h)
            if xt is not None and xt.signer is not None:
                self._next_nonce.pop(xt.signer, None)  # recomputed from state on next submission
        if rejected:
            # Transactions after a dropped nonce can no longer be ready: re-admit them from scratch.
            survivors = list(self._ready.values())
            self._ready.clear()
            self._next_nonce.clear()
            for xt in survivors:
                self._hashes.discard(xt.hash)
                try:
                    self._admit(xt, check_signature=False)
                except InvalidTransaction:
                    pass
