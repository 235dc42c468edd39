"""Keep the analytics database following a live chain: a daemon thread that indexes new blocks every few
seconds (the app's one writer). Errors are kept, not raised, so a page can show them; the next round retries.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from analytics.db import AnalyticsDB
from analytics.indexer import Indexer, IndexReport


class BackgroundIndexer:
    def __init__(self, client: Any, db: AnalyticsDB, *, interval_s: float = 2.0, **indexer_kw: Any):
        self.indexer = Indexer(client, db, **indexer_kw)
        self.interval_s = interval_s
        self.last_report: IndexReport | None = None
        self.last_error: BaseException | None = None
        self.rounds = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run_once(self) -> IndexReport:
        """Index what is new now (also what the thread does each round)."""
        with self._lock:
            try:
                report = self.indexer.run()
            except BaseException as exc:
                self.last_error = exc
                raise
            self.last_report, self.last_error = report, None
            self.rounds += 1
            return report

    def start(self) -> "BackgroundIndexer":
        if self._thread and self._thread.is_alive():
            return self
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception:  # kept in last_error; retried next round
                    pass
                self._wake.wait(self.interval_s)
                self._wake.clear()

        self._thread = threading.Thread(target=loop, name="analytics-indexer", daemon=True)
        self._thread.start()
        return self

    def poke(self) -> None:
        """Index now rather than at the next interval (e.g. right after a presenter's action)."""
        self._wake.set()

    def wait_for(self, block: int, timeout_s: float = 30.0) -> bool:
        """Block until `block` is indexed (True) or the timeout passes (False)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.indexer.db.last_block() >= block:
                return True
            self.poke()
            time.sleep(0.05)
        return False

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout_s)
