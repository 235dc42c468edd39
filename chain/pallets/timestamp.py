"""Timestamp: the block's time, set by an unsigned inherent at the start of each block."""
from __future__ import annotations

from chain.codec import BOOL, COMPACT_U64, U64
from chain.frame import ConstantDef, ErrorDef, Origin, Pallet, StorageDef, call, ensure_none


class Timestamp(Pallet):
    INDEX = 1
    NAME = "Timestamp"
    DOC = "The current time (ms since the Unix epoch), set once per block by an inherent."
    ERRORS = (
        ErrorDef(0, "AlreadySet", "The timestamp was already set in this block; the inherent comes once."),
        ErrorDef(1, "TooEarly", "The new timestamp is earlier than the previous one plus the minimum period."),
    )
    STORAGE = (
        StorageDef("Now", U64, "The current time for the current block.", default=0),
        StorageDef("DidUpdate", BOOL, "Whether the timestamp has been updated in this block.", default=False),
    )
    MINIMUM_PERIOD = 1
    CONSTANTS = (ConstantDef("MinimumPeriod", U64, MINIMUM_PERIOD, "The minimum period between blocks (ms)."),)

    @call(0, ("now", COMPACT_U64), weight=1_000_000)
    def set(self, origin: Origin, now: int) -> None:
        """Set the current time. An inherent: unsigned, first in every block."""
        ensure_none(origin)
        if self.DidUpdate.get():
            raise self.fail("AlreadySet")
        prev = self.Now.get()
        if prev and now < prev + self.MINIMUM_PERIOD:
            raise self.fail("TooEarly", f"{now} < {prev} + {self.MINIMUM_PERIOD}")
        self.Now.put(now)
        self.DidUpdate.put(True)

    def on_finalize(self, n: int) -> None:
        self.DidUpdate.remove()
