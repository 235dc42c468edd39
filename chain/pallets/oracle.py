"""Oracle: FX rates of the local-currency tokens against the USD stable token, posted by feeder accounts.

A rate is fixed-point: whole units of the asset that one US dollar buys, times `RATE_SCALE` (10^6). A
Kenyan shilling rate of 129.2 KES per USD is stored as 129_200_000. The stable token (asset 0, USDP)
is the unit of account, so its rate is RATE_SCALE by definition and is never posted.

A rate older than `MaxAge` blocks is stale: `fresh_rate` and `convert` refuse it with `StaleRate`, so a
remittance never converts at yesterday's price. The latest rate of each day is kept in `History`
(one point per asset per day, kept for the life of the chain: 365 small entries an asset a year), which
is what makes the savings effect of holding the stable token measurable: `depreciation_bps` says how
much local purchasing power a USD holder kept that a local-token holder lost.

Feeders are set in genesis (`oracle_feeders`) or by root; genesis may also seed rates (`oracle_rates`).
"""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, U32, U128, Struct, Tuple, Vec
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_root, ensure_signed
from chain.pallets.balances import lookup
from chain.pallets.common import admit, day_of, dismiss
from chain.types import MULTI_ADDRESS

RATE_SCALE = 10**6
"""Rates are whole asset units per 1 USD, times this."""
MAX_RATES_PER_CALL = 32

RATE_POINT = Struct("pallet_puhui_oracle::RatePoint", (("rate", U128), ("block", U32)))


def depreciation_bps(rate_then: int, rate_now: int) -> int:
    """How much the local currency lost against the USD between two rates, in basis points of its
    old value (negative: it gained). A saver who held USD instead of local units kept this much more.

    With rates in local units per USD, the local unit was worth 1/rate_then USD and is now worth
    1/rate_now: the loss is 1 - rate_then / rate_now.
    """
    if rate_then <= 0 or rate_now <= 0:
        raise ValueError("rates must be positive")
    return (rate_now - rate_then) * 10_000 // rate_now


class Oracle(Pallet):
    INDEX = 11
    NAME = "Oracle"
    DOC = "FX rates of local tokens per USD, posted by feeders, with a maximum age and a daily history."

    EVENTS = (
        EventDef(0, "RatePosted", (("asset", U32), ("rate", U128), ("feeder", ACCOUNT_ID)),
                 "A feeder posted the asset's rate (whole units per USD, times 10^6)."),
        EventDef(1, "FeederAdded", (("feeder", ACCOUNT_ID),), "An account may now post rates."),
        EventDef(2, "FeederRemoved", (("feeder", ACCOUNT_ID),), "An account may no longer post rates."),
        EventDef(3, "MaxAgeSet", (("blocks", U32),), "Rates older than this many blocks are now stale."),
    )
    ERRORS = (
        ErrorDef(0, "NotFeeder", "Only an oracle feeder may post rates; ask the operator (root) to add the account."),
        ErrorDef(1, "StableAsset", "The stable token is the unit of account (its rate is 1 by definition); post rates of local tokens only."),
        ErrorDef(2, "ZeroRate", "A rate must be greater than zero; post whole units per USD times 10^6."),
        ErrorDef(3, "NoRate", "No rate was ever posted for this asset; a feeder must post one before it can be converted."),
        ErrorDef(4, "StaleRate", "The asset's latest rate is older than MaxAge blocks, so converting at it could be unfair; "
                                 "wait for a feeder to post a fresh rate."),
        ErrorDef(5, "TooManyRates", "A batch may post at most 32 rates; split it."),
        ErrorDef(6, "BadMaxAge", "A MaxAge of zero would make every rate stale at once; set at least one block."),
        ErrorDef(7, "AlreadyFeeder", "The account is a feeder already; nothing to do."),
    )
    STORAGE = (
        StorageDef("Feeders", BOOL, "Accounts allowed to post rates.", keys=(("Blake2_128Concat", ACCOUNT_ID),)),
        StorageDef("Rates", RATE_POINT, "The latest rate of each local asset and the block it was posted in.",
                   keys=(("Blake2_128Concat", U32),)),
        StorageDef("History", U128, "The last rate posted on each day (day = block / BlocksPerDay), per asset.",
                   keys=(("Blake2_128Concat", U32), ("Twox64Concat", U32))),
        StorageDef("MaxAge", U32, "A rate older than this many blocks is stale.", default=24),
    )
    CONSTANTS = (ConstantDef("RateScale", U128, RATE_SCALE, "Rates are whole asset units per 1 USD, times this."),)

    # -- calls ----------------------------------------------------------------------------------------
    @call(0, ("asset", U32), ("rate", U128), weight=15_000_000)
    def post_rate(self, origin: Origin, asset: int, rate: int) -> None:
        """A feeder posts an asset's rate: whole units per USD, times 10^6."""
        who = self._ensure_feeder(origin)
        self._check(asset, rate)
        self._write(who, asset, rate)

    @call(1, ("rates", Vec(Tuple((U32, U128)))), weight=60_000_000)
    def post_rates(self, origin: Origin, rates: list[tuple[int, int]]) -> None:
        """A feeder posts several rates at once (at most 32)."""
        who = self._ensure_feeder(origin)
        if len(rates) > MAX_RATES_PER_CALL:
            raise self.fail("TooManyRates")
        for asset, rate in rates:
            self._check(asset, rate)
        for asset, rate in rates:
            self._write(who, asset, rate)

    @call(2, ("feeder", MULTI_ADDRESS), weight=10_000_000)
    def force_add_feeder(self, origin: Origin, feeder: Any) -> None:
        """Allow an account to post rates (root)."""
        ensure_root(origin)
        who = lookup(feeder)
        admit(self, self.Feeders, who, True, "AlreadyFeeder")
        self.emit("FeederAdded", {"feeder": who})

    @call(3, ("feeder", MULTI_ADDRESS), weight=10_000_000)
    def force_remove_feeder(self, origin: Origin, feeder: Any) -> None:
        """Stop an account from posting rates (root)."""
        ensure_root(origin)
        who = lookup(feeder)
        dismiss(self, self.Feeders, who, "NotFeeder")
        self.emit("FeederRemoved", {"feeder": who})

    @call(4, ("blocks", U32), weight=5_000_000)
    def force_set_max_age(self, origin: Origin, blocks: int) -> None:
        """Set how many blocks a rate stays fresh (root)."""
        ensure_root(origin)
        if blocks == 0:
            raise self.fail("BadMaxAge")
        self.MaxAge.put(blocks)
        self.emit("MaxAgeSet", {"blocks": blocks})

    # -- internals --------------------------------------------------------------------------------------
    def _ensure_feeder(self, origin: Origin) -> bytes:
        who = ensure_signed(origin)
        if not self.Feeders.contains(who):
            raise self.fail("NotFeeder")
        return who

    def _check(self, asset: int, rate: int) -> None:
        details = self.rt.pallet("Assets").details(asset)  # UnknownAsset
        if details["is_stable"]:
            raise self.fail("StableAsset")
        if rate == 0:
            raise self.fail("ZeroRate")

    def _write(self, feeder: bytes, asset: int, rate: int) -> None:
        now = self.block_number
        self.Rates.put(asset, {"rate": rate, "block": now})
        self.History.put(asset, day_of(now, self.rt.blocks_per_day), rate)
        self.emit("RatePosted", {"asset": asset, "rate": rate, "feeder": feeder})

    # -- the public API for other pallets and analytics --------------------------------------------------
    def latest(self, asset: int) -> dict[str, int] | None:
        """The latest posted point `{rate, block}` (stale or not); None if never posted."""
        return self.Rates.get(asset)

    def fresh_rate(self, asset: int) -> int:
        """The asset's rate if it is fresh; RATE_SCALE for a stable asset; NoRate / StaleRate otherwise."""
        if self.rt.pallet("Assets").details(asset)["is_stable"]:
            return RATE_SCALE
        point = self.Rates.get(asset)
        if point is None:
            raise self.fail("NoRate", f"asset {asset}")
        age = self.block_number - point["block"]
        if age > self.MaxAge.get():
            raise self.fail("StaleRate", f"asset {asset}: rate is {age} blocks old, MaxAge is {self.MaxAge.get()}")
        return point["rate"]

    def mid_rate(self, src: int, dst: int) -> int:
        """Whole `dst` units per whole `src` unit at the fresh oracle rates, times RATE_SCALE."""
        return self.fresh_rate(dst) * RATE_SCALE // self.fresh_rate(src)

    def convert(self, src: int, dst: int, amount: int, margin_bps: int = 0) -> int:
        """`amount` base units of `src` in base units of `dst` at the fresh mid rates less `margin_bps`,
        rounded down. Exact integer arithmetic (no intermediate rounded cross rate)."""
        assets = self.rt.pallet("Assets")
        ds, dd = assets.details(src)["decimals"], assets.details(dst)["decimals"]
        rs, rd = self.fresh_rate(src), self.fresh_rate(dst)
        return amount * rd * 10**dd * (10_000 - margin_bps) // (rs * 10**ds * 10_000)

    def history(self, asset: int) -> list[tuple[int, int]]:
        """(day, rate) points of an asset, by day."""
        return sorted((keys[1], rate) for keys, rate in self.History.iter(asset))

    def rate_on(self, asset: int, day: int) -> int | None:
        """The rate in force at the end of `day`: that day's point, or the latest earlier one."""
        best = None
        for d, rate in self.history(asset):
            if d > day:
                break
            best = rate
        return best

    def depreciation_over(self, asset: int, days: int) -> int | None:
        """Basis points the asset lost against USD over the last `days` days (None: no history)."""
        today = day_of(self.block_number, self.rt.blocks_per_day)
        then, now = self.rate_on(asset, today - days), self.rate_on(asset, today)
        if then is None or now is None:
            return None
        return depreciation_bps(then, now)

    # -- genesis ------------------------------------------------------------------------------------------
    def build_genesis(self, config: dict[str, Any]) -> None:
        for feeder in config.get("oracle_feeders", []):
            self.Feeders.put(feeder, True)
        max_age = config.get("oracle_max_age")
        self.MaxAge.put(int(max_age) if max_age else max(1, self.rt.blocks_per_day))
        for asset, rate in config.get("oracle_rates", []):
            self.Rates.put(asset, {"rate": rate, "block": 0})
            self.History.put(asset, 0, rate)
