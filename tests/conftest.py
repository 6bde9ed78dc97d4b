"""Shared fixtures. The database is SQLite unless INROAD_TEST_DATABASE_URL names a PostgreSQL
server; then each xdist worker gets its own database, created fresh and migrated once.
Tests commit for real (concurrency tests need that); every table is emptied after each test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from inroad.clock import TestClock
from inroad.config import Settings, load_settings
from inroad.context import Context
from inroad.db import Database, normalize_url
from inroad.migrate import upgrade
from inroad.models import Base

PG_URL = os.environ.get("INROAD_TEST_DATABASE_URL")


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """The URL of an empty database `name` on PG_URL's server, dropped afterwards."""
    assert PG_URL
    base = make_url(normalize_url(PG_URL))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/test.db"
        return
    with scratch_database(f"inroad_test_{worker_id}") as url:
        yield url


@pytest.fixture(scope="session")
def migrated_db(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def db(migrated_db: Database) -> Iterator[Database]:
    yield migrated_db
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with migrated_db.engine.begin() as conn:
        if migrated_db.is_sqlite:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
        else:
            conn.execute(text(f"TRUNCATE {', '.join(tables)}"))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, secret_key="test-secret",
                         argon2_time_cost=1, argon2_memory_kib=1024,
                         run_duties_in_process=False, test_clock=True)


@pytest.fixture
def clock() -> TestClock:
    return TestClock(start=datetime(2026, 1, 15, 9, 0, tzinfo=UTC))


class Published(list[tuple[str, str, dict[str, Any]]]):
    def __call__(self, member_id: str, event: str, data: dict[str, Any]) -> None:
        self.append((member_id, event, data))

    def names(self, member_id: str) -> list[str]:
        return [e for m, e, _ in self if m == member_id]


@pytest.fixture
def ctx(settings: Settings, db: Database, clock: TestClock) -> Context:
    return Context(settings=settings, db=db, clock=clock, publish=Published())
