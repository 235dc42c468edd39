"""Command line: `python -m chain <command> --help`.

Flag names follow Substrate's node where they overlap (`--dev`, `--base-path`, `--rpc-port`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_BASE = Path("data") / "chain"


def _base(args: argparse.Namespace) -> Path:
    return Path(args.base_path) if args.base_path else DEFAULT_BASE


def cmd_info(args: argparse.Namespace) -> int:
    from chain.client import EmbeddedClient

    client = EmbeddedClient(_base(args))
    try:
        info = client.info()
        head = client.head()
        out = {
            "chain": info.name, "genesis": "0x" + info.genesis_hash.hex(), "spec": f"{info.spec_name}/{info.spec_version}",
            "head": head, "head_hash": "0x" + (client.block_hash(head) or b"").hex(),
            "pallets": list(info.pallets), "blocks_per_day": info.blocks_per_day, "base_path": str(_base(args)),
        }
        print(json.dumps(out, indent=2))
    finally:
        client.close()
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from chain.errors import BlockError, StoreError
    from chain.node import verify_chain

    def progress(n: int, head: int) -> None:
        if not args.quiet and (n % 500 == 0 or n == head):
            print(f"\rverified #{n} of #{head}", end="", file=sys.stderr, flush=True)

    try:
        head = verify_chain(_base(args), progress)
    except (BlockError, StoreError) as exc:
        print(f"\nverify FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"\nverify OK: blocks #0..#{head} re-executed; every hash and root matches", file=sys.stderr)
    return 0


def cmd_produce(args: argparse.Namespace) -> int:
    from chain.node import Node

    with Node(_base(args), seal="manual") as node:
        for _ in range(args.blocks):
            h = node.produce_block()
            print(f"#{h.number} 0x{h.hash.hex()}", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m chain", description="Puhui's Substrate-style chain: run, inspect and verify it.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_: str, fn) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--base-path", "-d", metavar="DIR", help=f"data directory (default {DEFAULT_BASE})")
        sp.set_defaults(func=fn)
        return sp

    add("info", "Show the chain's identity, head and pallets.", cmd_info)
    sp = add("verify", "Re-execute the chain from genesis and check every block hash and root.", cmd_verify)
    sp.add_argument("--quiet", action="store_true", help="no progress output")
    sp = add("produce", "Produce blocks from the pool (empty ones if nothing is pending) and exit.", cmd_produce)
    sp.add_argument("--blocks", type=int, default=1, help="how many blocks (default 1)")
    for extra in EXTRA_COMMANDS:
        extra(add)
    return p


# Modules that add subcommands register a function here: fn(add) -> None.
EXTRA_COMMANDS: list = []


def _load_extras() -> None:
    import importlib

    for mod in ("chain.rpc_cli", "chain.receipts_cli", "chain.scenario.cli", "chain.bench_cli"):
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod or (exc.name and mod.startswith(exc.name)):
                continue
            raise
        if m.register not in EXTRA_COMMANDS:  # main() may run more than once in a process (tests)
            EXTRA_COMMANDS.append(m.register)


def main(argv: list[str] | None = None) -> int:
    _load_extras()
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
