"""Command line of the analytics: `python -m analytics <command> --help`.

    python -m analytics index --base-path data/chain --db data/analytics.duckdb
    python -m analytics metric lending_par --db data/analytics.duckdb [--param as_of_block=1200]
    python -m analytics export transfers --db data/analytics.duckdb --format parquet --out transfers.parquet
    python -m analytics verify-scores --db data/analytics.duckdb
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEFAULT_DB = Path("data") / "analytics.duckdb"


def _db(args: argparse.Namespace, read_only: bool = False):  # type: ignore[no-untyped-def]
    from analytics.db import AnalyticsDB

    return AnalyticsDB(args.db, read_only=read_only)


def cmd_index(args: argparse.Namespace) -> int:
    from analytics.indexer import Indexer
    from chain.client import EmbeddedClient

    client = EmbeddedClient(args.base_path)
    db = _db(args)
    t0 = time.perf_counter()

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if not args.quiet:
            print(f"\rindexed #{p.last_block} of #{p.head}: {p.extrinsics:,} extrinsics, {p.events:,} events, "
                  f"{p.seconds:.1f} s", end="", file=sys.stderr, flush=True)

    try:
        rep = Indexer(client, db, progress=progress).run()
    finally:
        db.close()
        client.close()
    print(f"\nindexed blocks #{rep.start}..#{rep.last_block}: {rep.blocks:,} blocks, {rep.extrinsics:,} extrinsics, "
          f"{rep.events:,} events in {time.perf_counter() - t0:.1f} s" +
          (f" (rolled back to #{rep.rolled_back_to})" if rep.rolled_back_to is not None else ""), file=sys.stderr)
    return 0


def _params(pairs: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for p in pairs:
        k, _, v = p.partition("=")
        out[k] = None if v in ("", "none", "None") else int(v) if v.lstrip("-").isdigit() else v
    return out


def cmd_metric(args: argparse.Namespace) -> int:
    import pandas as pd

    from analytics.metrics import METRICS, run_metric

    if not args.name:
        for m in METRICS.values():
            print(f"{m.name:28s} {m.domain:11s} {m.title}")
        return 0
    db = _db(args, read_only=True)
    try:
        with pd.option_context("display.width", 200, "display.max_columns", 50):
            print(run_metric(db, args.name, **_params(args.param)).to_string())
    finally:
        db.close()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from analytics.export import export_query, export_table

    db = _db(args, read_only=True)
    try:
        if args.what.startswith("metrics/") or "/" in args.what:
            path = export_query(db, args.what, args.out, args.format, **_params(args.param))
        else:
            path = export_table(db, args.what, args.out, args.format)
    finally:
        db.close()
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_verify_scores(args: argparse.Namespace) -> int:
    from analytics.credit_replay import replay_scores

    db = _db(args, read_only=True)
    try:
        r = replay_scores(db)
    finally:
        db.close()
    print(f"{r.checked:,} score updates of {r.accounts:,} accounts recomputed from the events: "
          f"{len(r.mismatches)} mismatches", file=sys.stderr)
    for m in r.mismatches[:20]:
        print(f"  #{m.block_number} event {m.event_index} {m.account}: chain {m.chain}, recomputed {m.replay}")
    return 0 if r.ok else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analytics", description="Puhui's analytics over the indexed chain.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_: str, fn) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--db", default=str(DEFAULT_DB), help=f"the analytics database (default {DEFAULT_DB})")
        sp.set_defaults(func=fn)
        return sp

    sp = add("index", "Index a chain's new blocks into the analytics database (resumes where it stopped).", cmd_index)
    sp.add_argument("--base-path", "-d", default=str(Path("data") / "chain"), help="chain data directory")
    sp.add_argument("--quiet", action="store_true")
    sp = add("metric", "Print a metric (no name: list the metrics).", cmd_metric)
    sp.add_argument("name", nargs="?")
    sp.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    sp = add("export", "Export a table or named query (metrics/<name>) to CSV or Parquet.", cmd_export)
    sp.add_argument("what")
    sp.add_argument("--format", default="csv", choices=("csv", "parquet"))
    sp.add_argument("--out", required=True)
    sp.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    add("verify-scores", "Recompute every credit score from the events and compare with the chain's.", cmd_verify_scores)
    args = p.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
