"""Benchmark the state trie at chain scale: bulk build, per-block `apply`, proofs.

    python bench/bench_trie.py [--entries 1000000] [--repeat 3]

Keys look like Balances account keys (32-byte-ish, hashed), values like account records (~80
bytes). Each block changes mostly existing keys (90%: balance/nonce updates), some new ones (9%:
new accounts) and a few deletions (1%: reaped accounts). Timings are medians over `--repeat`
blocks of fresh keys. RSS is read from /proc (Linux).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chain.hashing import blake2_256  # noqa: E402
from chain.proofs import verify_state_proof  # noqa: E402
from chain.trie import StateTrie  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    """Resident set size (VmRSS) or its peak so far (VmHWM), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def key(i: int) -> bytes:
    return blake2_256(i.to_bytes(8, "little"))


def value(i: int, version: int = 0) -> bytes:
    # nonce u32, consumers/providers/sufficients u32 x3, free/reserved/frozen u128 x3, flags u128 = 80 bytes
    return (i + version).to_bytes(16, "little") * 5


def structural_mb(trie: StateTrie) -> float:
    """Bytes held by the trie's own objects (nodes, leaves, cached hashes), by walking it."""
    total, stack = 0, [trie._root]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        total += sys.getsizeof(node)
        if isinstance(node, tuple):  # (bitmap, child_hashes, *children); small ints are shared
            total += sys.getsizeof(node[1]) + (sys.getsizeof(node[0]) if node[0] > 256 else 0)
            stack.extend(node[2:])
    return total / 2**20


def block(rng: random.Random, n_entries: int, next_new: list[int], size: int, version: int) -> dict[bytes, bytes | None]:
    changes: dict[bytes, bytes | None] = {}
    n_new, n_del = size * 9 // 100, size // 100
    for i in rng.sample(range(n_entries), size - n_new - n_del):
        changes[key(i)] = value(i, version)
    for i in rng.sample(range(n_entries), n_del):
        changes[key(i)] = None
    for _ in range(n_new):
        changes[key(next_new[0])] = value(next_new[0])
        next_new[0] += 1
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.entries

    state = {key(i): value(i) for i in range(n)}
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    trie = StateTrie.from_items(state)
    build_s = time.perf_counter() - t0
    peak = rss_mb("VmHWM")
    gc.collect()
    after = rss_mb()
    print(f"entries            {len(trie):,}")
    print(f"from_items         {build_s:.2f} s")
    t0 = time.perf_counter()
    gc.collect()
    gc_ms = (time.perf_counter() - t0) * 1e3
    print(f"RSS increase       {after - before:.0f} MB (trie objects: {structural_mb(trie):.0f} MB; RSS now {after:.0f} MB, peak during build {peak:.0f} MB)")

    print(f"full gc.collect()  {gc_ms:.1f} ms with the trie alive (tuples of bytes are untracked)")

    rng = random.Random(7)
    next_new = [n]
    version = 1
    for size in (100, 10_000, 20_000, 40_000):
        times, cpu = [], []
        for _ in range(args.repeat):
            changes = block(rng, n, next_new, size, version)
            version += 1
            t0, c0 = time.perf_counter(), time.process_time()
            trie.apply(changes)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            for k, v in changes.items():  # keep the reference state in step (not timed)
                if v is None:
                    state.pop(k, None)
                else:
                    state[k] = v
        print(f"apply {size:>6,} keys  median {statistics.median(times) * 1e3:6.1f} ms wall, "
              f"{statistics.median(cpu) * 1e3:6.1f} ms CPU ({statistics.median(cpu) / size * 1e6:.1f} us/key; "
              f"wall runs {', '.join(f'{t * 1e3:.0f}' for t in times)} ms)")

    root = trie.root
    probes = rng.sample(list(state), 1000)
    t0 = time.perf_counter()
    proofs = [trie.prove(k) for k in probes]
    prove_us = (time.perf_counter() - t0) / len(probes) * 1e6
    t0 = time.perf_counter()
    ok = all(verify_state_proof(root, k, state[k], p) for k, p in zip(probes, proofs))
    verify_us = (time.perf_counter() - t0) / len(probes) * 1e6
    assert ok, "an inclusion proof failed"
    sizes = [len(p.encode()) for p in proofs]
    json_sizes = [len(json.dumps(p.to_json())) for p in proofs]
    absent = [blake2_256(b"absent" + i.to_bytes(4, "little")) for i in range(1000)]
    absent_proofs = [trie.prove(k) for k in absent]
    assert all(verify_state_proof(root, k, None, p) for k, p in zip(absent, absent_proofs)), "an absence proof failed"
    print(f"prove              {prove_us:.1f} us/key")
    print(f"verify             {verify_us:.1f} us/proof")
    print(f"proof size         median {statistics.median(sizes):.0f} B encoded (max {max(sizes)}), "
          f"{statistics.median(json_sizes):.0f} B as JSON; depth median "
          f"{statistics.median(len(p.branches) for p in proofs):.0f}")
    print(f"absent proof size  median {statistics.median(len(p.encode()) for p in absent_proofs):.0f} B")


if __name__ == "__main__":
    main()
