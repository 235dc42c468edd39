"""Benchmark of chain/store.py on the hot path: full blocks appended one by one, then read back.

Each block: 10,000 extrinsics of 150 random bytes and 20,000 state changes (storage-like keys:
a 32-byte pallet/item prefix + blake2_128 + 32-byte account id, so 80 bytes; 16..80-byte values; a
few deletions; most keys are re-written from block to block like balances are).

    python bench/bench_store.py [--blocks 20] [--xts 10000] [--changes 20000] [--interval S] [--dir PATH]

--interval S paces the appends like block production (one block every S seconds: the node's 0.25-1 s);
the default 0 appends back to back, the worst case for the background indexer.

Reports median / p90 / max ms per block append (durable: WAL + synchronous=FULL), per-block read
(get_block with checksum verification and decoding), a group commit of 4 blocks, and the store size.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chain.store import BlockStore, StoredBlock  # noqa: E402

PREFIXES = [hashlib.blake2b(name, digest_size=32).digest() for name in (b"System.Account", b"Assets.Account",
                                                                          b"Credit.Score", b"Lending.Loans")]


def make_keys(count: int, rng: random.Random) -> list[bytes]:
    out = []
    for _ in range(count):
        who = rng.randbytes(32)
        out.append(rng.choice(PREFIXES) + hashlib.blake2b(who, digest_size=16).digest() + who)
    return out


def make_block(n: int, parent: bytes, rng: random.Random, keyspace: list[bytes], xts: int,
               changes: int) -> StoredBlock:
    extrinsics = [rng.randbytes(150) for _ in range(xts)]
    fresh = changes // 10  # 10% new keys each block, the rest re-written
    keys = rng.sample(keyspace, min(len(keyspace), changes - fresh)) + make_keys(fresh, rng)
    keyspace.extend(keys[-fresh:])
    state: dict[bytes, bytes | None] = {k: rng.randbytes(rng.randint(16, 80)) for k in keys}
    for k in keys[:20]:
        state[k] = None
    header = parent + n.to_bytes(4, "little") + rng.randbytes(64)
    return StoredBlock(n, hashlib.blake2b(header, digest_size=32).digest(), parent, header, extrinsics, state,
                       rng.randbytes(4000))


def ms(xs: list[float]) -> str:
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(len(xs) * 0.9))]
    return f"median {statistics.median(xs) * 1e3:7.1f} ms   p90 {p90 * 1e3:7.1f} ms   max {xs[-1] * 1e3:7.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--blocks", type=int, default=20)
    ap.add_argument("--xts", type=int, default=10_000)
    ap.add_argument("--changes", type=int, default=20_000)
    ap.add_argument("--interval", type=float, default=0.0, help="seconds between block starts (0: back to back)")
    ap.add_argument("--dir", help="data directory (default: a fresh temporary directory)")
    args = ap.parse_args()
    rng = random.Random(42)
    tmp = None if args.dir else tempfile.TemporaryDirectory(prefix="puhui-bench-store-")
    base = Path(args.dir or tmp.name)  # type: ignore[union-attr]
    keyspace = make_keys(args.changes, rng)

    appends, append_cpu, reads, build, lags = [], [], [], [], []
    with BlockStore(base) as store:
        head = store.head()
        parent, n = (head[1], head[0] + 1) if head else (bytes(32), 0)
        t0 = time.perf_counter()
        for i in range(args.blocks):
            if args.interval:
                time.sleep(max(0.0, t0 + i * args.interval - time.perf_counter()))
            t = time.perf_counter()
            blk = make_block(n, parent, rng, keyspace, args.xts, args.changes)
            build.append(time.perf_counter() - t)
            t, c = time.perf_counter(), time.thread_time()
            store.append_block(blk.number, blk.block_hash, blk.parent_hash, blk.header, blk.extrinsics,
                               blk.state_changes, blk.events)
            appends.append(time.perf_counter() - t)
            append_cpu.append(time.thread_time() - c)
            indexed = store.indexed_head()
            lags.append(n - (indexed if indexed is not None else -1))
            parent, n = blk.block_hash, n + 1
        t = time.perf_counter()
        store.wait_indexed()
        catchup = time.perf_counter() - t
        sustained = (time.perf_counter() - t0 - sum(build)) / args.blocks
        lag_note = f"max lag seen {max(lags)} blocks"
        group = [make_block(n + i, parent, rng, keyspace, args.xts, args.changes) for i in range(1)]
        for i in range(1, 4):
            group.append(make_block(n + i, group[-1].block_hash, rng, keyspace, args.xts, args.changes))
        t = time.perf_counter()
        store.append_blocks(group)
        group_t = time.perf_counter() - t
        store.wait_indexed()
        last = group[-1].number
        for k in range(args.blocks):
            t = time.perf_counter()
            b = store.get_block(last - k)
            reads.append(time.perf_counter() - t)
            assert b is not None and len(b.extrinsics) == args.xts
        t = time.perf_counter()
        count = sum(1 for _ in store.iter_blocks())
        iter_t = time.perf_counter() - t
        t = time.perf_counter()
        state_keys = sum(1 for _ in store.current_state())
        state_t = time.perf_counter() - t
        t = time.perf_counter()
        problems = store.integrity_check()
        check_t = time.perf_counter() - t
    size = sum(f.stat().st_size for f in base.iterdir() if f.is_file())

    print(f"block store bench: {args.blocks} blocks x {args.xts} extrinsics (150 B) + {args.changes} state changes, "
          f"{'back to back' if not args.interval else f'one every {args.interval} s'}"
          f"  [python {sys.version.split()[0]}, {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}, {base}]")
    print(f"  append_block (durable)   {ms(appends)}")
    print(f"    its thread's CPU time  {ms(append_cpu)}   (wall minus CPU: fsync, waits, GIL)")
    print(f"  index caught up {catchup * 1e3:.0f} ms after the last append; {lag_note} (max_index_lag "
          f"{store.max_index_lag})" + ("" if args.interval else
                                         f"; sustained append+index: {sustained * 1e3:.0f} ms per block"))
    print(f"  get_block (verify+decode){ms(reads)}")
    print(f"  append_blocks(4 blocks)  {group_t * 1e3:7.1f} ms total, {group_t / 4 * 1e3:.1f} ms per block")
    print(f"  iter_blocks all {count}      {iter_t * 1e3:7.1f} ms ({iter_t / count * 1e3:.1f} ms per block)")
    print(f"  current_state {state_keys} keys {state_t * 1e3:7.1f} ms")
    print(f"  integrity_check          {check_t * 1e3:7.1f} ms, problems: {len(problems)}")
    print(f"  (building a block in Python, not timed: median {statistics.median(build) * 1e3:.1f} ms)")
    print(f"  store size {size / 2**20:.1f} MiB")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
