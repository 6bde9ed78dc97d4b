"""db.Database: the server's background WAL checkpoints (SQLite)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from inroad.db import Database
from inroad.models import RateCounter


def _write_pages(db: Database, prefix: str) -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    for i in range(20):
        with db.write() as s:
            s.execute(insert(RateCounter.__table__),
                      [{"key": f"{prefix}{i}-{j}-{'x' * 100}", "window_start": now, "count": 1}
                       for j in range(50)])


def test_checkpoints_copy_the_wal_back_beside_the_commits(db: Database) -> None:
    """New pages live in the WAL until a checkpoint copies them into the database file. 20
    commits stay far under the commits' own checkpoint size (10,000 pages), so the file is
    written only when the server's checkpoint thread runs."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL has no WAL file to copy back")
    path = db.engine.url.database
    assert path
    with db.engine.connect() as conn:  # the WAL that earlier tests left, copied back first
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    written = os.stat(path).st_mtime_ns
    _write_pages(db, "a")
    time.sleep(0.2)
    assert os.stat(path).st_mtime_ns == written  # no checkpoint without the thread
    with db.checkpoints(interval=0.02):
        _write_pages(db, "b")
        deadline = time.monotonic() + 5
        while os.stat(path).st_mtime_ns == written and time.monotonic() < deadline:
            time.sleep(0.02)
    assert os.stat(path).st_mtime_ns > written
