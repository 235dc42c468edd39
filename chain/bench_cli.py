"""`python -m chain bench`: the chain core benchmark (bench/bench_chain.py) from the CLI."""
from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "bench_chain.py"


def cmd_bench(args: argparse.Namespace) -> int:
    if not SCRIPT.exists():
        print(f"benchmark script not found: {SCRIPT}", file=sys.stderr)
        return 2
    argv = ["bench_chain.py", "--transfers", str(args.transfers), "--senders", str(args.senders),
            "--block-size", str(args.block_size), "--runs", str(args.runs)]
    if args.memory_accounts:
        argv += ["--memory-accounts", str(args.memory_accounts)]
    old = sys.argv
    try:
        sys.argv = argv
        runpy.run_path(str(SCRIPT), run_name="__main__")
    finally:
        sys.argv = old
    return 0


def register(add) -> None:  # type: ignore[no-untyped-def]
    sp = add("bench", "Measure signed transfers per second end to end, and signature verification rates.", cmd_bench)
    sp.add_argument("--transfers", type=int, default=100_000, help="pre-signed transfers to import (default 100000)")
    sp.add_argument("--senders", type=int, default=10_000, help="funded sender accounts (default 10000)")
    sp.add_argument("--block-size", type=int, default=10_000, help="transfers per block (default 10000)")
    sp.add_argument("--runs", type=int, default=3, help="runs; the median is reported (default 3)")
    sp.add_argument("--memory-accounts", type=int, default=0, help="instead, measure RSS with this many funded accounts")
