"""Scenario generation: `python bench/bench_scenario.py [demo workshop large ...] [--days N] [--seed S]`.

For each size: builds the scenario chain from nothing in a temporary directory (genesis, registry, every
day's signed extrinsics through the pool, blocks with group commit) and prints the wall time, extrinsics
and extrinsics per second end to end, then where the time went (policies, signing, pool admission
including parallel signature checks, block production including the durable store). Default sizes:
demo and workshop (large takes minutes).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain.scenario.engine import Simulation  # noqa: E402
from chain.scenario.params import SCENARIOS  # noqa: E402


def bench(name: str, days: int | None, seed: int) -> dict[str, float]:
    base = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    try:
        t0 = time.perf_counter()
        sim = Simulation.create(base / "chain", name, seed, registry_key="00" * 32)
        created = time.perf_counter() - t0
        n = SCENARIOS[name].days if days is None else days
        last = [0.0]

        def progress(f: float, msg: str) -> None:
            if time.perf_counter() - last[0] > 2 or f >= 1:
                last[0] = time.perf_counter()
                print(f"\r  {f:4.0%} {msg}   ", end="", file=sys.stderr, flush=True)

        stats = sim.run_days(n, progress)
        print(file=sys.stderr)
        total = time.perf_counter() - t0
        out = {"people": len(sim.pop.people), "days": stats.days, "blocks": stats.blocks, "extrinsics": stats.extrinsics,
               "create_s": created, "run_s": stats.seconds, "total_s": total, "xt_per_s": stats.extrinsics / total,
               **{f"{k}_s": v for k, v in sim.timings.items()}}
        sim.close()
        return out
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", default=["demo", "workshop"])
    ap.add_argument("--days", type=int, default=None, help="override the scenario's days")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    for name in args.sizes:
        r = bench(name, args.days, args.seed)
        print(f"{name:9s} {int(r['people']):6,} accounts {int(r['days']):4d} days {int(r['blocks']):7,} blocks "
              f"{int(r['extrinsics']):9,} extrinsics  total {r['total_s']:7.1f} s (genesis {r['create_s']:.1f} s)  "
              f"{r['xt_per_s']:7,.0f} extrinsics/s end to end")
        print(f"{'':9s} policies {r['decide_s']:.1f} s, signing {r['sign_s']:.1f} s, pool admission {r['submit_s']:.1f} s, "
              f"block production {r['produce_s']:.1f} s, reconcile {r['reconcile_s']:.1f} s; "
              f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
