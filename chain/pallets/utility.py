"""Utility: batches of calls (`batch` stops at the first failure, `batch_all` is all-or-nothing)."""
from __future__ import annotations

from typing import Any

from chain.codec import U32, Vec
from chain.errors import DispatchError
from chain.frame import ErrorDef, EventDef, Origin, Pallet, call
from chain.types import DISPATCH_ERROR, RUNTIME_CALL

MAX_BATCH = 1024


class Utility(Pallet):
    INDEX = 5
    NAME = "Utility"
    DOC = "Dispatch several calls in one extrinsic."
    EVENTS = (
        EventDef(0, "BatchInterrupted", (("index", U32), ("error", DISPATCH_ERROR)),
                 "Batch of dispatches did not complete fully. Index of first failing dispatch given, as well as the error."),
        EventDef(1, "BatchCompleted", (), "Batch of dispatches completed fully with no error."),
        EventDef(3, "ItemCompleted", (), "A single item within a Batch of dispatches has completed with no error."),
    )
    ERRORS = (ErrorDef(0, "TooManyCalls", "Too many calls batched; split the batch (at most 1024)."),)

    @call(0, ("calls", Vec(RUNTIME_CALL, MAX_BATCH)), weight=5_000_000)
    def batch(self, origin: Origin, calls: list[Any]) -> None:
        """Dispatch calls in order; stop at the first that fails (earlier ones stay applied)."""
        for i, c in enumerate(calls):
            try:
                self.rt.dispatch_call(c, origin)
            except DispatchError as exc:
                self.emit("BatchInterrupted", {"index": i, "error": exc.to_value()})
                return
            self.emit("ItemCompleted")
        self.emit("BatchCompleted")

    @call(2, ("calls", Vec(RUNTIME_CALL, MAX_BATCH)), weight=5_000_000)
    def batch_all(self, origin: Origin, calls: list[Any]) -> None:
        """Dispatch calls in order, all or nothing: any failure rolls back the whole batch."""
        for c in calls:
            self.rt.dispatch_call(c, origin)
            self.emit("ItemCompleted")
        self.emit("BatchCompleted")

    def call_weight(self, calls: list[Any]) -> int:
        return sum(self.rt.call_weight(c) for c in calls)
