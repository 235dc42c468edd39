"""Chain core throughput: N pre-signed balance transfers (sr25519 and ed25519 mixed) imported through the
pool into persisted blocks, end to end; beside it, the raw signature verification rate of the same
libraries on one core and on both; and resident memory with many funded accounts.

    python bench/bench_chain.py --transfers 100000 --senders 10000 --runs 3
    python bench/bench_chain.py --memory-accounts 1000000
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chain.crypto import KeyType, Keypair, verify_many  # noqa: E402
from chain.extrinsic import decode_extrinsic, sign_extrinsic, signing_payload  # noqa: E402
from chain.hashing import blake2_256  # noqa: E402
from chain.node import Node, dev_genesis_config  # noqa: E402
from chain.runtime import SPEC_VERSION, TX_VERSION  # noqa: E402
from chain.types import UNIT  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_keys(n: int) -> list[Keypair]:
    keys = []
    for i in range(n):
        kt = KeyType.SR25519 if i % 2 == 0 else KeyType.ED25519
        keys.append(Keypair.from_seed(blake2_256(b"bench" + i.to_bytes(4, "little")), kt))
    return keys


def presign(node: Node, keys: list[Keypair], n: int) -> list[bytes]:
    rt = node.rt
    xts = []
    nonces = [0] * len(keys)
    for i in range(n):
        s = i % len(keys)
        dest = keys[(s + 1) % len(keys)].public
        call = rt.encode_call(rt.make_call("Balances", "transfer_keep_alive", dest=("Id", dest), value=UNIT))
        xts.append(sign_extrinsic(keys[s], call, nonces[s], genesis_hash=node.genesis_hash,
                                  spec_version=SPEC_VERSION, tx_version=TX_VERSION))
        nonces[s] += 1
    return xts


def run_import(xts: list[bytes], keys: list[Keypair], block_size: int, base: str, cfg: dict) -> tuple[float, int]:
    with Node(base, cfg, seal="manual") as node:
        t0 = time.perf_counter()
        batches = (xts[i : i + block_size] for i in range(0, len(xts), block_size))
        for results in node.import_batches(batches):
            bad = [r for r in results if not isinstance(r, bytes)]
            if bad:
                raise SystemExit(f"refused: {bad[:3]}")
        elapsed = time.perf_counter() - t0
        head = node.head.number
    return elapsed, head


def sig_rates(xts: list[bytes], genesis: bytes) -> tuple[float, float]:
    items = []
    for raw in xts:
        xt = decode_extrinsic(raw)
        payload = signing_payload(xt.call_bytes, xt.era, xt.nonce, xt.tip, xt.mode, SPEC_VERSION, TX_VERSION, genesis, genesis)
        items.append((xt.sig_type, xt.signature, payload, xt.signer))
    t = time.perf_counter()
    verify_many(items, processes=1)
    one = len(items) / (time.perf_counter() - t)
    verify_many(items[:1024], processes=2)  # start the workers outside the timing
    t = time.perf_counter()
    assert all(verify_many(items, processes=2))
    two = len(items) / (time.perf_counter() - t)
    return one, two


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--transfers", type=int, default=100_000)
    ap.add_argument("--senders", type=int, default=10_000)
    ap.add_argument("--block-size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--memory-accounts", type=int, default=0, help="only measure RSS with this many funded accounts")
    args = ap.parse_args()

    if args.memory_accounts:
        base = rss_mb()
        accounts = [(blake2_256(i.to_bytes(4, "little")), 10 * UNIT) for i in range(args.memory_accounts)]
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            with Node(d, dev_genesis_config(extra_balances=accounts), seal="manual") as node:
                build = time.perf_counter() - t
                node.produce_block()
                print(f"{args.memory_accounts:,} funded accounts: genesis {build:.1f} s, RSS {rss_mb():,.0f} MB "
                      f"(process start {base:,.0f} MB)")
            t = time.perf_counter()
            with Node(d, seal="manual") as node:
                print(f"restart with {args.memory_accounts:,} accounts: {time.perf_counter() - t:.1f} s, RSS {rss_mb():,.0f} MB")
        return

    keys = make_keys(args.senders)
    cfg = dev_genesis_config(extra_balances=[(k.public, 1_000 * UNIT) for k in keys])
    with tempfile.TemporaryDirectory() as d:
        with Node(os.path.join(d, "sign"), cfg, seal="manual") as node:
            t = time.perf_counter()
            xts = presign(node, keys, args.transfers)
            genesis = node.genesis_hash
            print(f"pre-signed {len(xts):,} transfers in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        rates = []
        for r in range(args.runs):
            elapsed, head = run_import(xts, keys, args.block_size, os.path.join(d, f"run{r}"), cfg)
            rates.append(len(xts) / elapsed)
            print(f"run {r + 1}: {len(xts):,} transfers in {head} blocks, {elapsed:.2f} s = {rates[-1]:,.0f} tx/s", file=sys.stderr)
        one, two = sig_rates(xts, genesis)
    print(f"end-to-end import (pool -> persisted blocks), median of {args.runs}: {statistics.median(rates):,.0f} transfers/s")
    print(f"raw signature verification, same libraries: {one:,.0f}/s on one core, {two:,.0f}/s on both cores")
    print(f"RSS {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
