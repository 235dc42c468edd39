"""The first start: create the chain the dashboard shows when its data directory is empty.

With the scenario generator (chain/scenario) present, the `demo` community is generated through it (the
same as `python -m chain simulate --scenario demo`). Without it, `build_dev_fallback` makes a development
chain of real signed balance transfers between the well-known dev accounts and a few more test accounts,
so the generic pages (Overview, Explorer, SQL, Presenter) have real blocks to show.

Chains are built in a sibling `.partial` directory and moved into place when complete: a start that is
interrupted midway never leaves a half-built chain behind.
"""
from __future__ import annotations

import importlib
import inspect
import random
import shutil
from pathlib import Path
from typing import Any, Callable

Progress = Callable[[float, str], object]

FALLBACK_DAYS = 30
FALLBACK_TRANSFERS = 400
SMALL_DAYS = 10  # the test fixture's chain
FALLBACK_ACCOUNTS = ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie", "Grace", "Heidi", "Ivan", "Judy")


def chain_exists(base_path: str | Path) -> bool:
    return (Path(base_path) / "chain.sqlite").exists()


def scenario_generator() -> Callable[..., Any] | None:
    """The scenario generator's entry point, when chain/scenario has landed."""
    try:
        mod = importlib.import_module("chain.scenario")
    except ModuleNotFoundError as exc:
        if exc.name and "chain.scenario".startswith(exc.name):
            return None
        raise
    fn = getattr(mod, "build_chain", None)
    return fn if callable(fn) else None


def _call_generator(fn: Callable[..., Any], base: Path, scenario: str, progress: Progress,
                    days: int | None = None) -> None:
    """chain.scenario.build_chain(scenario=, base_path=, days=, progress=(fraction, message))."""
    params = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {"scenario": scenario, "base_path": base, "progress": progress}
    if days is not None:
        kwargs["days"] = days
    fn(**{k: v for k, v in kwargs.items() if k in params})


def ensure_chain(base_path: str | Path, scenario: str = "demo", progress: Progress | None = None,
                 *, force_fallback: bool = False, small: bool = False) -> str:
    """Create the chain in `base_path` unless one is there; returns how it was made ("existing",
    "scenario:<name>" or "dev-fallback")."""
    base = Path(base_path)
    if chain_exists(base):
        return "existing"
    report: Progress = progress or (lambda f, msg: None)
    partial = base.with_name(base.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    gen = None if force_fallback else scenario_generator()
    if gen is not None:
        _call_generator(gen, partial, scenario, report, days=SMALL_DAYS if small else None)
        made = f"scenario:{scenario}"
    else:
        build_dev_fallback(partial, report, days=SMALL_DAYS if small else FALLBACK_DAYS,
                           transfers=FALLBACK_TRANSFERS // (FALLBACK_DAYS // SMALL_DAYS) if small else FALLBACK_TRANSFERS)
        made = "dev-fallback"
    if base.exists() and not any(base.iterdir()):
        base.rmdir()
    partial.rename(base)
    report(1.0, "")
    return made


def _transfer_batch(client: Any, keys: list[Any], rng: random.Random, count: int) -> list[bytes]:
    """`count` real signed transfers between the given keys, with the right nonces."""
    from chain.types import UNIT

    raws = []
    nonces: dict[bytes, int] = {}
    for _ in range(count):
        src = rng.choice(keys)
        dst = rng.choice([k for k in keys if k is not src])
        value = rng.choice((5, 10, 20, 25, 50, 75, 100, 150, 250)) * UNIT
        n = nonces.get(src.public)
        if n is None:
            n = client.nonce(src.public)
        raws.append(client.sign(src, "Balances", "transfer_keep_alive", {"dest": ("Id", dst.public), "value": value},
                                nonce=n))
        nonces[src.public] = n + 1
    return raws


def genesis_time_ms(client: Any) -> int:
    """When day 0 starts on this chain (System.GenesisTime; the default calendar start otherwise)."""
    from chain.node import DEFAULT_GENESIS_TIME_MS

    try:
        return int(client.storage("System", "GenesisTime") or DEFAULT_GENESIS_TIME_MS)
    except Exception:
        return DEFAULT_GENESIS_TIME_MS


def fallback_keys() -> list[Any]:
    from chain.crypto import dev_keypair

    return [dev_keypair(n) for n in FALLBACK_ACCOUNTS]


def produce_days(client: Any, days: float, transfers_per_day: int, progress: Progress | None = None,
                 seed: int | None = None) -> int:
    """Produce `days` more simulated days of hourly blocks on an embedded chain, each day carrying about
    `transfers_per_day` signed transfers between the fallback accounts (daytime-weighted). Returns the head."""
    node = client.node
    per_day = client.info().blocks_per_day
    ms_per_block = 86_400_000 // per_day
    blocks = max(1, int(days * per_day))
    rng = random.Random(client.head() if seed is None else seed)
    keys = fallback_keys()
    weights = [3 if 8 <= (b % per_day) <= 20 else 1 for b in range(blocks)]
    total = int(days * transfers_per_day)
    due: dict[int, int] = {}
    for s in rng.choices(range(blocks), weights=weights, k=total):
        due[s] = due.get(s, 0) + 1
    with node.lock:
        start = client.head()
        start_ms = client.block(start).timestamp_ms or genesis_time_ms(client)
        for i in range(blocks):
            raws = _transfer_batch(client, keys, rng, due.get(i, 0))
            if raws:
                node.submit_many(raws, seal=False)
            node.produce_block(now_ms=start_ms + (i + 1) * ms_per_block)
            if progress and (i + 1) % per_day == 0:
                progress((i + 1) / blocks, "")
    return client.head()


def build_dev_fallback(base_path: str | Path, progress: Progress | None = None, *, days: int = FALLBACK_DAYS,
                       transfers: int = FALLBACK_TRANSFERS, seed: int = 42) -> int:
    """The clearly named fallback while chain/scenario is missing: a development chain of `days` simulated
    days with about `transfers` real signed transfers (sr25519, through the transaction pool) between the
    dev accounts and a few more test accounts, in hourly blocks with their simulated timestamps."""
    from chain.client import EmbeddedClient
    from chain.node import dev_genesis_config
    from chain.types import UNIT

    keys = fallback_keys()
    extra = [(k.public, 5_000 * UNIT) for k in keys[6:]]
    client = EmbeddedClient(base_path, dev_genesis_config(extra_balances=extra), seal="manual")
    try:
        return produce_days(client, days, transfers // days, progress, seed=seed)
    finally:
        client.close()
