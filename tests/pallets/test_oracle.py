"""Oracle: feeders, rates with a maximum age, daily history, conversions; every error leaves storage unchanged."""
from __future__ import annotations

import pytest

from chain.errors import ModuleError
from chain.node import DEFAULT_RATES, dev_genesis_config
from chain.pallets.oracle import RATE_SCALE, depreciation_bps
from chain.testing import TestChain, account

KES, PHP = 1, 2


@pytest.fixture
def t() -> TestChain:
    return TestChain()


def oracle(t: TestChain):  # type: ignore[no-untyped-def]
    return t.rt.pallet("Oracle")


def test_genesis_feeders_rates_and_max_age(t: TestChain) -> None:
    o = oracle(t)
    assert o.Feeders.contains(account("Alice"))
    assert o.MaxAge.get() == t.rt.blocks_per_day
    for asset, rate in DEFAULT_RATES:
        assert o.latest(asset) == {"rate": rate, "block": 0}
        assert o.history(asset) == [(0, rate)]
    assert o.fresh_rate(0) == RATE_SCALE  # the stable token is the unit


def test_post_rate_writes_latest_history_and_event(t: TestChain) -> None:
    t.dispatch("Alice", "Oracle", "post_rate", asset=KES, rate=130_000_000)
    assert t.drain_events() == [("Oracle", "RatePosted", {"asset": KES, "rate": 130_000_000, "feeder": account("Alice")})]
    o = oracle(t)
    assert o.latest(KES) == {"rate": 130_000_000, "block": 1}
    assert o.fresh_rate(KES) == 130_000_000
    t.dispatch("Alice", "Oracle", "post_rate", asset=KES, rate=131_000_000)  # same day: the last one stays
    t.next_day()
    t.dispatch("Alice", "Oracle", "post_rates", rates=[(KES, 132_000_000), (PHP, 57_000_000)])
    assert o.history(KES) == [(0, 131_000_000), (1, 132_000_000)]
    assert o.history(PHP)[-1] == (1, 57_000_000)


def test_rate_goes_stale_after_max_age(t: TestChain) -> None:
    o = oracle(t)
    t.dispatch("Alice", "Oracle", "post_rate", asset=KES, rate=130_000_000)
    t.next_block(o.MaxAge.get())
    assert o.fresh_rate(KES) == 130_000_000  # exactly MaxAge old: still fresh
    t.next_block()
    with pytest.raises(ModuleError) as exc:
        o.fresh_rate(KES)
    assert exc.value.name == "StaleRate" and exc.value.pallet == "Oracle"
    with pytest.raises(ModuleError) as exc:
        o.convert(0, KES, 10**6)
    assert exc.value.name == "StaleRate"


def test_no_rate_for_an_asset_never_posted(t: TestChain) -> None:
    t.dispatch("root", "Assets", "force_create", id=9, symbol="ZZZ", name="test", decimals=2, country="ZZ", is_stable=False)
    with pytest.raises(ModuleError) as exc:
        oracle(t).fresh_rate(9)
    assert exc.value.name == "NoRate"


def test_convert_is_exact_integer_arithmetic(t: TestChain) -> None:
    o = oracle(t)
    t.dispatch("Alice", "Oracle", "post_rates", rates=[(KES, 129_200_000), (PHP, 56_900_000)])
    # 200 USDP (6 decimals) -> KESP (2 decimals) at 129.2: 25,840.00 KESP
    assert o.convert(0, KES, 200 * 10**6) == 2_584_000
    assert o.convert(0, KES, 200 * 10**6, margin_bps=50) == 2_584_000 * 9_950 // 10_000
    assert o.convert(KES, 0, 2_584_000) == 200 * 10**6
    # cross rate KES -> PHP without an intermediate rounded rate: 1000 KES = 1000 * 56.9 / 129.2 PHP
    assert o.convert(KES, PHP, 100_000) == 100_000 * 56_900_000 // 129_200_000
    assert o.mid_rate(0, KES) == 129_200_000
    assert o.mid_rate(KES, PHP) == 56_900_000 * RATE_SCALE // 129_200_000


def test_history_measures_what_holding_the_stable_token_protects() -> None:
    t = TestChain(dev_genesis_config(blocks_per_day=1))
    o = oracle(t)
    # a year in which the shilling slides from 100 to 125 per USD: it loses 20% against the dollar
    for day in range(1, 366):
        t.dispatch("Alice", "Oracle", "post_rate", asset=KES, rate=(100 * RATE_SCALE) + 25 * RATE_SCALE * day // 365)
        t.next_block()
    assert o.rate_on(KES, 365) == 125 * RATE_SCALE
    assert o.rate_on(KES, 10_000) == 125 * RATE_SCALE  # the latest point in force
    assert len(o.history(KES)) == 366  # one point a day (genesis included)
    assert depreciation_bps(100 * RATE_SCALE, 125 * RATE_SCALE) == 2_000
    assert depreciation_bps(125 * RATE_SCALE, 100 * RATE_SCALE) == -2_500  # an appreciation is negative
    assert o.depreciation_over(KES, 365) == depreciation_bps(o.rate_on(KES, 1), 125 * RATE_SCALE)
    # 10,000 KES put into the stable token at the start (100 USDP) are worth 12,500 KES at the end
    assert o.convert(0, KES, 100 * 10**6) == 1_250_000
    assert o.depreciation_over(PHP, 365) == 0  # no PHP posts after genesis: the genesis rate still in force


def test_errors_leave_storage_unchanged(t: TestChain) -> None:
    t.assert_noop("NotFeeder", "Bob", "Oracle", "post_rate", asset=KES, rate=1)
    t.assert_noop("StableAsset", "Alice", "Oracle", "post_rate", asset=0, rate=RATE_SCALE)
    t.assert_noop("ZeroRate", "Alice", "Oracle", "post_rate", asset=KES, rate=0)
    t.assert_noop("UnknownAsset", "Alice", "Oracle", "post_rate", asset=77, rate=1)
    t.assert_noop("TooManyRates", "Alice", "Oracle", "post_rates", rates=[(KES, 1)] * 33)
    t.assert_noop("ZeroRate", "Alice", "Oracle", "post_rates", rates=[(KES, 5), (PHP, 0)])  # all or nothing
    t.assert_noop("NotFeeder", "Bob", "Oracle", "post_rates", rates=[(KES, 5)])
    t.assert_noop("AlreadyFeeder", "root", "Oracle", "force_add_feeder", feeder=("Id", account("Alice")))
    t.assert_noop("NotFeeder", "root", "Oracle", "force_remove_feeder", feeder=("Id", account("Bob")))
    t.assert_noop("BadMaxAge", "root", "Oracle", "force_set_max_age", blocks=0)
    t.assert_noop("BadOrigin", "Alice", "Oracle", "force_set_max_age", blocks=5)
    t.assert_noop("BadOrigin", "Alice", "Oracle", "force_add_feeder", feeder=("Id", account("Bob")))


def test_root_manages_feeders_and_max_age(t: TestChain) -> None:
    t.dispatch("root", "Oracle", "force_add_feeder", feeder=("Id", account("Bob")))
    t.dispatch("Bob", "Oracle", "post_rate", asset=PHP, rate=58_000_000)
    t.dispatch("root", "Oracle", "force_remove_feeder", feeder=("Id", account("Bob")))
    t.assert_noop("NotFeeder", "Bob", "Oracle", "post_rate", asset=PHP, rate=58_000_000)
    t.dispatch("root", "Oracle", "force_set_max_age", blocks=3)
    assert [e[1] for e in t.drain_events()] == ["FeederAdded", "RatePosted", "FeederRemoved", "MaxAgeSet"]
    assert oracle(t).MaxAge.get() == 3


def test_genesis_max_age_from_config() -> None:
    cfg = dev_genesis_config()
    cfg["oracle_max_age"] = 7
    assert oracle(TestChain(cfg)).MaxAge.get() == 7
