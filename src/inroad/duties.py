"""Time-based duties (grants, expiry; later reminders and the email outbox). Each is
idempotent and safe on several processes at once, so `serve` can run them in-process and
`inroad worker` can run them anywhere."""

from __future__ import annotations

import logging
import threading

from inroad.context import Context
from inroad.services import credits

log = logging.getLogger("inroad.duties")


def run_once(ctx: Context) -> int:
    done = 0
    while True:
        n = credits.run_due_duties(ctx)
        done += n
        if n < 200:
            return done


class DutyRunner:
    """Runs `run_once` every `interval` seconds in a daemon thread until stopped."""

    def __init__(self, ctx: Context, interval: float) -> None:
        self.ctx = ctx
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="inroad-duties", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.ctx)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("time-based duties failed")
            self._stop.wait(self.interval)
