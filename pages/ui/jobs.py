"""Background jobs for long actions (a whole-chain integrity check, running N more days): a thread per
job, progress the page polls from a fragment, the result or the error kept for the page to show.
One registry per process; a job key runs at most once at a time."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Job:
    key: str
    started: float = field(default_factory=time.time)
    done: int = 0
    total: int = 0
    finished: float | None = None
    result: Any = None
    error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def fraction(self) -> float:
        return 0.0 if not self.total else min(1.0, self.done / self.total)

    @property
    def seconds(self) -> float:
        return (self.finished or time.time()) - self.started


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def get(key: str) -> Job | None:
    with _lock:
        return _jobs.get(key)


def start(key: str, fn: Callable[[Callable[[int, int], None]], Any]) -> Job:
    """Run `fn(progress)` in a daemon thread unless a job with this key is running; returns the job."""
    with _lock:
        job = _jobs.get(key)
        if job is not None and job.running:
            return job
        job = Job(key)
        _jobs[key] = job

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total

    def run() -> None:
        try:
            job.result = fn(progress)
        except BaseException as exc:  # noqa: BLE001 - reported to the page
            job.error = exc
        finally:
            job.finished = time.time()

    threading.Thread(target=run, name=f"puhui-job-{key}", daemon=True).start()
    return job


def wait(key: str, timeout: float = 60.0) -> Job | None:
    end = time.time() + timeout
    while time.time() < end:
        job = get(key)
        if job is None or not job.running:
            return job
        time.sleep(0.05)
    return get(key)
