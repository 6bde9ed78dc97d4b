"""The one source of time. Everything time-based reads `Clock.now()`.

`TestClock` starts at the real time and only moves when told to, so tests and demos can
make grants, expiries and refunds happen by advancing it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class TestClock(Clock):
    __test__ = False  # not a pytest test class

    def __init__(self, start: datetime | None = None, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset
        self._start = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        base = self._start if self._start is not None else datetime.now(UTC)
        return base + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._offset += delta
        return self.now()
