"""Signature verification rates: `python bench/bench_crypto.py [N]` (default N = 20,000 signatures).

Prints single-core `verify` rates for sr25519 and ed25519, then `verify_many` over N signatures (half
sr25519, half ed25519, 100-byte messages) with 1 and 2 processes. Each figure is the median of 3 runs;
the worker pool is started before timing (its one-off start-up is reported separately).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain.crypto import (  # noqa: E402
    KeyType,
    dev_keypair,
    shutdown_verifier,
    verify,
    verify_many,
)


def _batch(n: int, key_types: tuple[KeyType, ...]) -> list[tuple[int, bytes, bytes, bytes]]:
    keys = [dev_keypair(name, kt) for kt in key_types for name in ("Alice", "Bob")]
    items = []
    for i in range(n):
        key, msg = keys[i % len(keys)], os.urandom(100)
        items.append((int(key.key_type), key.sign(msg), msg, key.public))
    return items


def _median_rate(fn, n: int, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return n / statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {n:,} signatures, median of 3 runs")
    for kt in (KeyType.SR25519, KeyType.ED25519):
        items = _batch(n // 2, (kt,))
        rate = _median_rate(lambda: [verify(*it) for it in items], len(items))
        print(f"verify {kt.name.lower():8s} single core : {rate:10,.0f} /s")
    items = _batch(n, (KeyType.SR25519, KeyType.ED25519))
    t = time.perf_counter()
    verify_many(items[:1024], processes=2)
    print(f"pool start-up (2 workers, first 1,024)  : {(time.perf_counter() - t) * 1e3:8.1f} ms")
    for procs in (1, 2):
        assert all(verify_many(items, processes=procs))
        rate = _median_rate(lambda: verify_many(items, processes=procs), n)
        print(f"verify_many mixed, processes={procs}       : {rate:10,.0f} /s")
    shutdown_verifier()


if __name__ == "__main__":
    main()
