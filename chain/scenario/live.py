"""Live mode: a background thread keeps the community living at a chosen pace (seconds of wall time per
simulated day; blocks are spread evenly over it) and takes commands while it runs:

    runner = LiveRunner(sim, pace=30.0).start()
    runner.run_days(7)              # the next 7 days as fast as possible, then back to the pace
    runner.inject("drought", countries=["KE"]).result()   # a Future: the shock's report
    runner.set_pace(5.0); runner.pause(); runner.resume(); runner.status(); runner.stop()

Commands are applied between blocks; shocks start the next simulated day (a fraud attempt at once).
"""
from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future
from typing import Any

from chain.scenario.engine import RunStats, Simulation


class LiveRunner:
    def __init__(self, sim: Simulation, pace: float = 30.0):
        self.sim = sim
        self.pace = float(pace)
        self.paused = False
        self.fast_days = 0
        self.error: BaseException | None = None
        self.stats = RunStats()
        self._commands: queue.Queue[tuple[str, Any, Future | None]] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control (any thread) --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "LiveRunner":
        if not self.running:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="puhui-scenario-live", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._commands.put(("wake", None, None))
        if self._thread is not None:
            self._thread.join(timeout)

    def _send(self, cmd: str, arg: Any = None) -> Future:
        fut: Future = Future()
        self._commands.put((cmd, arg, fut))
        return fut

    def run_days(self, days: int) -> Future:
        """Run `days` more days at full speed (then go back to the pace, or stay paused)."""
        return self._send("run", int(days))

    def inject(self, kind: str, **kw: Any) -> Future:
        """Inject a shock; the Future resolves to its ShockReport."""
        return self._send("inject", (kind, kw))

    def set_pace(self, seconds_per_day: float) -> Future:
        return self._send("pace", float(seconds_per_day))

    def pause(self) -> Future:
        return self._send("pause")

    def resume(self) -> Future:
        return self._send("resume")

    def status(self) -> dict[str, Any]:
        st = self.sim.state
        return {
            "running": self.running, "paused": self.paused, "pace": self.pace, "day": st.day,
            "head": self.sim.node.head.number, "fast_days_left": self.fast_days, "extrinsics": self.stats.extrinsics,
            "shocks": [s.to_json() for s in st.shocks if not s.ended], "error": repr(self.error) if self.error else None,
        }

    # -- the thread -------------------------------------------------------------------------------------
    def _apply(self, cmd: str, arg: Any, fut: Future | None) -> None:
        try:
            result: Any = None
            if cmd == "run":
                self.fast_days += max(0, arg)
            elif cmd == "inject":
                kind, kw = arg
                result = self.sim.inject(kind, **kw)
            elif cmd == "pace":
                self.pace = max(0.0, arg)
            elif cmd == "pause":
                self.paused = True
            elif cmd == "resume":
                self.paused = False
            if fut is not None:
                fut.set_result(result)
        except BaseException as exc:  # reported to the caller, the runner goes on
            if fut is not None:
                fut.set_exception(exc)

    def _drain(self) -> None:
        while True:
            try:
                cmd, arg, fut = self._commands.get_nowait()
            except queue.Empty:
                return
            self._apply(cmd, arg, fut)

    def _between_blocks(self) -> None:
        """After each block of a live day: take commands, then wait the block's share of the pace (no
        wait while fast-forwarding or stopping; while paused, wait here for commands)."""
        self._drain()
        deadline = time.monotonic() + self.pace / max(1, self.sim.state.blocks_per_day)
        while not self._stop.is_set() and not self.fast_days:
            left = 0.25 if self.paused else deadline - time.monotonic()
            if left <= 0:
                return
            try:
                cmd, arg, fut = self._commands.get(timeout=min(left, 0.25))
            except queue.Empty:
                continue
            self._apply(cmd, arg, fut)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._drain()
                if self._stop.is_set():
                    break
                if self.fast_days > 0:
                    self.stats.add(self.sim.step_day())
                    self.fast_days -= 1
                    continue
                if self.paused:
                    try:
                        cmd, arg, fut = self._commands.get(timeout=0.5)
                    except queue.Empty:
                        continue
                    self._apply(cmd, arg, fut)
                    continue
                self.stats.add(self.sim.step_day(on_block=self._between_blocks))
            self.sim.save()
        except BaseException as exc:  # shown by status(); the chain stays as its last block left it
            self.error = exc
