"""The test clock's offset kept in the database (`app_state`), so a server started with
`--test-clock` that is restarted (or killed) goes on at the time it had reached instead of
jumping back to the real time. Each process reads it when it starts."""

from __future__ import annotations

from datetime import timedelta

from inroad.db import Database
from inroad.models import AppState

KEY = "test_clock_offset_seconds"


def saved_offset(db: Database) -> timedelta:
    with db.read() as s:
        row = s.get(AppState, KEY)
        return timedelta(seconds=float(row.value)) if row is not None else timedelta(0)


def save_offset(db: Database, offset: timedelta) -> None:
    with db.write() as s:
        s.merge(AppState(key=KEY, value=repr(offset.total_seconds())))
