"""Live block production for workshops: keeps the community active, one block every few seconds, until
stopped. On a scenario chain it is the scenario generator's live runner (the community's behaviour at a
pace); on other chains each block carries a few real signed transfers between the fallback accounts.
One producer per chain per process."""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from pages.ui.actions import is_scenario_chain, scenario_module
from pages.ui.bootstrap import _transfer_batch, fallback_keys, genesis_time_ms


@dataclass
class LiveProducer:
    client: Any
    interval: float = 2.0  # seconds per block
    transfers_per_block: tuple[int, int] = (0, 4)
    blocks: int = 0
    error: BaseException | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _runner: Any = None  # the scenario's LiveRunner on a scenario chain

    @property
    def scenario(self) -> bool:
        return is_scenario_chain(self.client)

    @property
    def running(self) -> bool:
        if self._runner is not None:
            return bool(self._runner.running)
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self.error = None
        if self.scenario:
            per_day = self.client.info().blocks_per_day
            self._runner = scenario_module().live(self.client, pace=self.interval * per_day)  # type: ignore[union-attr]
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="puhui-live", daemon=True)
        self._thread.start()

    def set_interval(self, seconds: float) -> None:
        if seconds == self.interval:
            return
        self.interval = seconds
        if self._runner is not None:
            self._runner.set_pace(seconds * self.client.info().blocks_per_day)

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def status(self) -> tuple[int, BaseException | str | None]:
        """(blocks or extrinsics produced live, error)."""
        if self._runner is not None:
            st = self._runner.status()
            return int(st.get("extrinsics", 0)), st.get("error")
        return self.blocks, self.error

    def step(self, rng: random.Random) -> None:
        node = self.client.node
        per_day = self.client.info().blocks_per_day
        with node.lock:
            head = self.client.head()
            ts = self.client.block(head).timestamp_ms or genesis_time_ms(self.client)
            raws = _transfer_batch(self.client, fallback_keys(), rng, rng.randint(*self.transfers_per_block))
            if raws:
                node.submit_many(raws, seal=False)
            node.produce_block(now_ms=ts + 86_400_000 // per_day)
        self.blocks += 1

    def _loop(self) -> None:
        rng = random.Random()
        while not self._stop.wait(self.interval):
            try:
                self.step(rng)
            except BaseException as exc:  # noqa: BLE001 - shown on the Presenter page
                self.error = exc
                return


_producers: dict[str, LiveProducer] = {}
_lock = threading.Lock()


def producer(key: str, client: Any) -> LiveProducer:
    with _lock:
        p = _producers.get(key)
        if p is None or p.client is not client:
            p = LiveProducer(client)
            _producers[key] = p
        return p


def stop_all() -> None:
    with _lock:
        for p in _producers.values():
            p.stop()
