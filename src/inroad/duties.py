"""Time-based duties (grants, expiry, the end of timed restrictions, InMail reminders, the
email outbox, stale rate-limit windows). Each is idempotent and safe on several processes at
once, so `serve` can run them in-process and `inroad worker` can run them anywhere."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from inroad.context import Context
from inroad.services import credits, notifications, ratelimit, standing

log = logging.getLogger("inroad.duties")


BATCH = 200
DUTIES: tuple[Callable[[Context, int], int], ...] = (
    credits.run_due_duties,
    standing.lift_due_restrictions,
    notifications.send_inmail_reminders,  # before the outbox: its emails go out this round
    notifications.send_due_emails,
    ratelimit.prune,
)


def run_once(ctx: Context) -> int:
    """Each duty in turn, batch after batch until a batch comes back short."""
    done = 0
    for duty in DUTIES:
        while True:
            n = duty(ctx, BATCH)
            done += n
            if n < BATCH:
                break
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
