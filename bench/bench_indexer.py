"""Benchmark of the analytics indexer and the dashboard's metric queries.

    python bench/bench_indexer.py --base-path DIR            # index an existing chain data dir
    python bench/bench_indexer.py [--blocks 2000 --per-block 500 --accounts 1000] [--keep DIR]
                                                              # generate a synthetic transfer chain first

Reports: generation time (synthetic only); decoding alone (client.blocks over the whole chain, what
the chain client costs); a full index from scratch into a fresh DuckDB file (blocks/s, extrinsics/s);
an incremental run with nothing new; and each registered dashboard metric query (median of 5).
The synthetic chain: `--accounts` funded accounts; block 1 cashes USDP in for every account; every
later block holds `--per-block` signed transfers between random accounts (80% native PUI, 20% USDP).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain.client import EmbeddedClient  # noqa: E402
from chain.crypto import dev_keypair  # noqa: E402
from chain.node import Node, dev_genesis_config  # noqa: E402
from chain.types import UNIT  # noqa: E402


def generate(base: Path, blocks: int, per_block: int, n_accounts: int, seed: int = 7) -> None:
    """A chain of `blocks` blocks of `per_block` signed transfers each (see the module doc)."""
    rng = random.Random(seed)
    keys = [dev_keypair(f"bench{i}") for i in range(n_accounts)]
    agent = dev_keypair("bench-agent")
    cfg = dev_genesis_config(extra_balances=[(k.public, 1_000_000 * UNIT) for k in keys] + [(agent.public, 1_000 * UNIT)])
    cfg["agents"] = [(agent.public, "US")]
    t0 = time.perf_counter()
    with Node(base, cfg, seal="manual") as node:
        client = EmbeddedClient.from_node(node)
        nonces = {k.public: 0 for k in keys}
        xts = [client.sign(agent, "Assets", "cash_in", {"asset": 0, "who": ("Id", k.public), "amount": 10**12}, nonce=i)
               for i, k in enumerate(keys)]
        node.submit_many(xts, seal=False)
        node.produce_block()
        for b in range(2, blocks + 1):
            xts = []
            for _ in range(per_block):
                src, dst = rng.sample(keys, 2)
                n = nonces[src.public]
                nonces[src.public] = n + 1
                if rng.random() < 0.8:
                    xts.append(client.sign(src, "Balances", "transfer_keep_alive",
                                           {"dest": ("Id", dst.public), "value": rng.randint(1, 10**6) * 10**6}, nonce=n))
                else:
                    xts.append(client.sign(src, "Assets", "transfer",
                                           {"asset": 0, "dest": ("Id", dst.public), "amount": rng.randint(1, 10**4)}, nonce=n))
            node.submit_many(xts, seal=False)
            node.produce_block()
            if b % 100 == 0:
                el = time.perf_counter() - t0
                print(f"\rgenerated #{b}/{blocks} ({el:.0f} s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def linear_summarize(raws, decode_call, events, pallet_errors):  # type: ignore[no-untyped-def]
    """chain.client.summarize_extrinsics in one pass over the events (the original scans every event for
    every extrinsic: quadratic in the block size). Same result: later events override earlier ones."""
    from chain.client import DecodedExtrinsic, error_name
    from chain.extrinsic import decode_extrinsic

    outcome: dict[int, list] = {}
    for ev in events:
        i = ev.extrinsic_index
        if i is None:
            continue
        if ev.pallet == "System" and ev.event == "ExtrinsicFailed":
            o = outcome.setdefault(i, [True, None, 0])
            o[0], o[1] = False, error_name(ev.fields["dispatch_error"], pallet_errors)
        elif ev.pallet == "TransactionPayment" and ev.event == "TransactionFeePaid":
            outcome.setdefault(i, [True, None, 0])[2] = ev.fields["actual_fee"]
    out = []
    for i, raw in enumerate(raws):
        xt = decode_extrinsic(raw)
        pallet, (name, args) = decode_call(xt.call_bytes)
        success, err, fee = outcome.get(i, (True, None, 0))
        out.append(DecodedExtrinsic(i, xt.hash, xt.signer, xt.nonce if xt.signed else None, xt.tip, pallet, name,
                                    args or {}, success, err, fee, len(raw)))
    return out


class MemoryClient:
    """The first blocks of a chain, decoded once and served from memory (everything else from `inner`)."""

    def __init__(self, inner, blocks):  # type: ignore[no-untyped-def]
        self.inner, self.decoded = inner, blocks

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def head(self) -> int:
        return self.decoded[-1].number

    def block_hash(self, n: int) -> bytes:
        return self.decoded[n].hash

    def blocks(self, start: int, end: int):  # type: ignore[no-untyped-def]
        return iter(self.decoded[start:end + 1])


def analytics_only(client, n_blocks: int, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    from analytics.db import AnalyticsDB
    from analytics.indexer import Indexer

    import gc

    gc.freeze()
    blocks = list(client.blocks(0, min(n_blocks, client.head()) - 1))
    gc.freeze()
    mem = MemoryClient(client, blocks)
    db = AnalyticsDB(db_path)
    t, c = time.perf_counter(), time.process_time()
    ix = Indexer(mem, db)
    rep = ix.run(refresh_balances=False)
    el = time.perf_counter() - t
    print(f"analytics side alone (blocks decoded beforehand): {rep.blocks:,} blocks, {rep.extrinsics:,} extrinsics, "
          f"{rep.events:,} events in {el:.1f} s (cpu {time.process_time() - c:.1f} s): "
          f"{el / rep.extrinsics * 1e6:.1f} us and {(time.process_time() - c) / rep.extrinsics * 1e6:.1f} cpu-us "
          f"per extrinsic; " + ", ".join(f"{k} {v:.1f} s" for k, v in ix.timings.items()))
    db.close()
    gc.unfreeze()


def children_cpu() -> float:
    """CPU seconds of this process's waited-for children (the indexer's decoding workers)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def median_ms(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-path", help="chain data directory to index (default: generate a synthetic chain)")
    ap.add_argument("--blocks", type=int, default=2000)
    ap.add_argument("--per-block", type=int, default=500)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--keep", help="generate into (or reuse) this directory instead of a temporary one")
    ap.add_argument("--db", help="DuckDB file to write (default: a fresh temporary file)")
    ap.add_argument("--skip-decode", action="store_true", help="do not time client decoding alone")
    ap.add_argument("--batch-rows", type=int, default=0, help="rows (extrinsics + events) a batch (default: the indexer's)")
    ap.add_argument("--workers", type=int, default=None,
                    help="decoding worker processes for the indexer (default: one per core; 0: decode in a thread)")
    ap.add_argument("--analytics-only", type=int, metavar="BLOCKS", default=0,
                    help="also decode the first BLOCKS blocks into memory first and time indexing them from there: "
                         "the analytics side alone, without the chain client's decoding")
    ap.add_argument("--linear-summarize", action="store_true",
                    help="measure with chain.client.summarize_extrinsics replaced by a linear-time equivalent "
                         "(a proposed chain-side fix, see linear_summarize below); the product code is unchanged")
    args = ap.parse_args()
    if args.linear_summarize:
        import chain.client

        chain.client.summarize_extrinsics = linear_summarize  # type: ignore[assignment]

    from analytics.db import AnalyticsDB
    from analytics.indexer import Indexer

    tmp = tempfile.TemporaryDirectory(prefix="puhui-bench-index-")
    base = Path(args.base_path or args.keep or Path(tmp.name) / "chain")
    if not args.base_path and not (base / "chain.sqlite").exists():
        t = time.perf_counter()
        generate(base, args.blocks, args.per_block, args.accounts)
        print(f"generate: {args.blocks} blocks x {args.per_block} transfers in {time.perf_counter() - t:.1f} s")
    print(f"load average (1 min) at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    client = EmbeddedClient(base)
    try:
        head = client.head()
        if not args.skip_decode:
            t, c = time.perf_counter(), time.process_time()
            n_xt = n_ev = 0
            for blk in client.blocks(0, head):
                n_xt += len(blk.extrinsics)
                n_ev += len(blk.events)
            dec = time.perf_counter() - t
            print(f"decode alone (client.blocks 0..{head}): {dec:.1f} s (cpu {time.process_time() - c:.1f} s)  "
                  f"{n_xt:,} extrinsics  {n_ev:,} events  {n_xt / dec:,.0f} extrinsics/s")
            t, c = time.perf_counter(), time.process_time()
            for n in range(0, head + 1, 200):
                client.block_columns(n, min(head, n + 199))
            dec = time.perf_counter() - t
            print(f"decode alone into columns (client.block_columns, the indexer's speed path, one process): "
                  f"{dec:.1f} s (cpu {time.process_time() - c:.1f} s)  {n_xt / dec:,.0f} extrinsics/s")
        db_path = Path(args.db or Path(tmp.name) / "analytics.duckdb")
        if db_path.exists():
            db_path.unlink()
        db = AnalyticsDB(db_path)
        t, c, w = time.perf_counter(), time.process_time(), children_cpu()
        indexer = Indexer(client, db, workers=args.workers, **({"batch_rows": args.batch_rows} if args.batch_rows else {}))
        rep = indexer.run()
        el = time.perf_counter() - t
        print(f"index from scratch: {el:.1f} s (cpu {time.process_time() - c:.1f} s in this process, all threads, "
              f"+ {children_cpu() - w:.1f} s in decoding workers)  {rep.blocks:,} blocks  {rep.extrinsics:,} extrinsics  {rep.events:,} events  "
              f"{rep.extrinsics / el:,.0f} extrinsics/s  db {db_path.stat().st_size / 1e6:.0f} MB")
        if args.analytics_only:
            analytics_only(client, args.analytics_only, Path(tmp.name) / "analytics-only.duckdb")
        print("  where the wall time went (the fetch thread and the writer overlap): " +
              ", ".join(f"{k} {v:.1f} s" for k, v in indexer.timings.items()))
        t = time.perf_counter()
        Indexer(client, db).run()
        print(f"index again (nothing new): {(time.perf_counter() - t) * 1e3:.0f} ms")
        try:
            from analytics.metrics import METRICS, run_metric
        except ImportError:
            METRICS = {}
        slow = []
        for name, m in METRICS.items():
            ms = median_ms(lambda: run_metric(db, name))
            slow += [name] if ms > 100 else []
            print(f"metric {name:32s} {ms:8.1f} ms")
        if METRICS:
            from analytics.credit_report import calibration_by_band, psi_by_month, score_vs_default

            for label, fn in (("credit score_vs_default", lambda: score_vs_default(db)),
                              ("credit calibration_by_band", lambda: calibration_by_band(db)),
                              ("credit psi_by_month", lambda: psi_by_month(db))):
                ms = median_ms(fn)
                slow += [label] if ms > 100 else []
                print(f"metric {label:32s} {ms:8.1f} ms")
            print("metrics over 100 ms: " + (", ".join(slow) or "none"))
            from analytics.credit_replay import replay_scores

            t = time.perf_counter()
            r = replay_scores(db)
            print(f"credit replay: {r.checked:,} score updates of {r.accounts:,} accounts recomputed in "
                  f"{time.perf_counter() - t:.1f} s, {len(r.mismatches)} mismatches")
        db.close()
    finally:
        client.close()


if __name__ == "__main__":
    main()
