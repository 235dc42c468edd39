"""`python -m chain simulate`: build a scenario chain, continue one, or keep one living (live mode).

    python -m chain simulate --scenario demo --days 90 --seed 7 --base-path data/chain
    python -m chain simulate --base-path data/chain --days 30            # continue an existing chain
    python -m chain simulate --scenario demo --shock drought@20:days=45,countries=KE --days 90
    python -m chain simulate --base-path data/chain --live --pace 10    # commands on stdin, `help` lists them
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

DEFAULT_BASE = Path("data") / "chain"
LIVE_HELP = ("commands: run N | drought [COUNTRY] [DAYS] | devaluation [COUNTRY] [PCT] | outage [COUNTRY] [DAYS] | "
             "fraud | pace SECONDS | pause | resume | status | stop")


class ProgressBar:
    """A one-line progress bar on stderr: [#####.....] 45% message, elapsed and ETA."""

    def __init__(self, stream: Any = None, width: int = 30, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.width, self.enabled = width, enabled
        self.t0 = time.perf_counter()

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled:
            return
        f = min(1.0, max(0.0, fraction))
        done = int(f * self.width)
        elapsed = time.perf_counter() - self.t0
        eta = elapsed / f - elapsed if f > 0 else 0.0
        self.stream.write(f"\r[{'#' * done}{'.' * (self.width - done)}] {f:4.0%} {message} · {elapsed:.0f}s, ETA {eta:.0f}s ")
        if f >= 1.0:
            self.stream.write("\n")
        self.stream.flush()


def parse_shock(spec: str) -> tuple[str, dict[str, Any]]:
    """`kind[@day][:key=value,...]` -> (kind, kwargs); `countries` takes `+`-separated codes."""
    head, _, rest = spec.partition(":")
    kind, _, day = head.partition("@")
    kw: dict[str, Any] = {}
    if day:
        kw["start_day"] = int(day)
    for item in filter(None, rest.split(",")):
        k, _, v = item.partition("=")
        if k == "countries":
            kw[k] = tuple(c.strip().upper() for c in v.split("+") if c.strip())
        elif k in ("days", "forged", "replayed"):
            kw[k] = int(v)
        else:
            kw[k] = float(v)
    return kind.strip(), kw


def cmd_simulate(args: argparse.Namespace) -> int:
    from chain.scenario.engine import SCENARIO_FILE, ScenarioError, Simulation
    from chain.scenario.shocks import UnknownShock

    base = Path(args.base_path) if args.base_path else DEFAULT_BASE
    bar = ProgressBar(enabled=not args.quiet)
    try:
        if (base / SCENARIO_FILE).exists():
            sim = Simulation.open(base)
            print(f"continuing {sim.params.name} (seed {sim.seed}) at day {sim.state.day}, block #{sim.node.head.number}",
                  file=sys.stderr)
        else:
            sim = Simulation.create(base, args.scenario, args.seed)
            print(f"created {args.scenario} (seed {args.seed}) in {base}: {len(sim.pop.people):,} accounts in "
                  f"{len(sim.pop.villages)} villages ({', '.join(sim.pop.countries)}); their keys derive from the "
                  "seed: DEMO ONLY, never send real value to them", file=sys.stderr)
    except (ScenarioError, ValueError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    try:
        for spec in args.shock or []:
            kind, kw = parse_shock(spec)
            print(f"shock: {sim.inject(kind, **kw)}", file=sys.stderr)
        days = args.days if args.days is not None else (0 if args.live else sim.params.days)
        if days:
            stats = sim.run_days(days, bar)
            print(f"simulated {stats.days} days: {stats.blocks:,} blocks, {stats.extrinsics:,} extrinsics in "
                  f"{stats.seconds:.1f} s ({stats.per_second:,.0f} extrinsics/s); refused at submission: {stats.refused}",
                  file=sys.stderr)
            for r in stats.reports:
                print(f"  {r}", file=sys.stderr)
        if args.live:
            return _live(sim, args.pace)
    except (UnknownShock, ValueError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2
    finally:
        sim.close()
    print(f"head #{sim.node.head.number} 0x{sim.node.head.hash.hex()}")
    return 0


def _live(sim: Any, pace: float, lines: Callable[[], str] | None = None) -> int:
    from chain.scenario.live import LiveRunner

    runner = LiveRunner(sim, pace).start()
    read = lines or sys.stdin.readline
    print(f"live at {pace:g} s per simulated day; {LIVE_HELP}", file=sys.stderr)
    reporter = threading.Thread(target=_report_loop, args=(runner,), daemon=True)
    reporter.start()
    try:
        while runner.running:
            line = read()
            if not line:  # end of input: keep running until interrupted
                while runner.running:
                    time.sleep(1)
                break
            words = line.split()
            if not words:
                continue
            cmd, rest = words[0].lower(), words[1:]
            try:
                if cmd == "stop":
                    break
                if cmd == "help":
                    print(LIVE_HELP, file=sys.stderr)
                elif cmd == "run":
                    runner.run_days(int(rest[0]) if rest else 1)
                elif cmd == "pace":
                    runner.set_pace(float(rest[0]))
                elif cmd in ("pause", "resume"):
                    getattr(runner, cmd)()
                elif cmd == "status":
                    print(runner.status(), file=sys.stderr)
                elif cmd in ("drought", "outage", "devaluation", "fraud"):
                    kw: dict[str, Any] = {}
                    if rest and rest[0].isalpha():
                        kw["countries"] = (rest.pop(0).upper(),)
                    if rest:
                        kw["pct" if cmd == "devaluation" else "days"] = float(rest[0]) if cmd == "devaluation" else int(rest[0])
                    print(f"shock: {runner.inject(cmd, **kw).result(timeout=600)}", file=sys.stderr)
                else:
                    print(f"unknown command {cmd!r}; {LIVE_HELP}", file=sys.stderr)
            except Exception as exc:  # a bad command must not end the session
                print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
    if runner.error:
        print(f"live mode stopped on an error: {runner.error!r}", file=sys.stderr)
        return 1
    return 0


def _report_loop(runner: Any) -> None:
    last = -1
    while runner.running:
        s = runner.status()
        if s["day"] != last:
            last = s["day"]
            print(f"day {s['day']} · block #{s['head']} · {s['extrinsics']:,} extrinsics live", file=sys.stderr)
        time.sleep(1)


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("simulate", "Build (or continue) a synthetic community's chain; --live keeps it living.", cmd_simulate)
    sp.add_argument("--scenario", default="demo", help="demo | workshop | large (default demo; ignored when continuing)")
    sp.add_argument("--days", type=int, default=None, help="days to simulate (default: the scenario's; 0 with --live)")
    sp.add_argument("--seed", type=int, default=0, help="the seed: the same seed gives the same chain (default 0)")
    sp.add_argument("--shock", action="append", metavar="KIND[@DAY][:k=v,...]",
                    help="schedule a shock: drought, devaluation, outage, fraud (repeatable), e.g. drought@20:days=45,countries=KE")
    sp.add_argument("--live", action="store_true", help="then keep producing blocks and take commands on stdin")
    sp.add_argument("--pace", type=float, default=30.0, help="live mode: wall seconds per simulated day (default 30)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
