"""The migrations build exactly the schema the models describe (tables, columns, indexes),
on SQLite and on PostgreSQL: a model change without its migration fails here. A migration
that moves data is also run down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from inroad.clock import TestClock
from inroad.config import load_settings
from inroad.context import Context
from inroad.db import Database
from inroad.migrate import alembic_config, upgrade
from inroad.models import Base, EmailOutbox, InMailFingerprint
from inroad.services import inmail, notifications
from tests import factories as f
from tests.conftest import PG_URL, scratch_database


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.fixture
def fresh_url(tmp_path: Path, worker_id: str) -> Iterator[str]:
    """An empty database of the kind the suite runs on, for migrating up and down."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path}/migrations.db"
        return
    with scratch_database(f"inroad_migrations_{worker_id}") as url:
        yield url


def migrated(url: str, clock: TestClock) -> Context:
    """A context on `url` migrated to the newest revision."""
    db = Database(url)
    upgrade(db.engine)
    settings = load_settings(database_url=url, secret_key="test", argon2_time_cost=1,
                             argon2_memory_kib=1024, run_duties_in_process=False)
    return Context(settings=settings, db=db, clock=clock)


def test_fingerprints_survive_a_downgrade_and_upgrade(fresh_url: str, clock: TestClock) -> None:
    """0005 down rebuilds the old signature and band rows from the fingerprints (the band keys
    revision 0002 stored), and up again copies the signatures back."""
    ctx = migrated(fresh_url, clock)
    db = ctx.db
    sender, recipient = f.member(ctx, plan="career"), f.member(ctx)
    inmail.send(ctx, sender.id, recipient.id, "Platform role",
                "Would you like to hear about a staff engineer role on our platform team?")
    with db.read() as s:
        before = s.execute(select(InMailFingerprint.inmail_id,
                                  InMailFingerprint.signature)).one()
    db.dispose()

    command.downgrade(alembic_config(fresh_url), "0004")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT inmail_id, signature FROM inmail_signatures")).one() \
            == (before.inmail_id, before.signature)
        bands = conn.execute(text("SELECT count(*), count(DISTINCT band) FROM inmail_bands "
                                  "WHERE inmail_id = :id"), {"id": before.inmail_id}).one()
        assert bands == (2 * 21, 2 * 21)  # 21 bands of each of the two feature kinds

    upgrade(db.engine)
    with db.read() as s:
        assert s.execute(select(InMailFingerprint.inmail_id,
                                InMailFingerprint.signature)).one() == before
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    db.dispose()


def test_queued_emails_survive_a_downgrade_and_upgrade(fresh_url: str, clock: TestClock) -> None:
    """0007 down renders the rows that hold a template's values into the text columns 0006
    sends; up again keeps that text, and it is what the outbox sends (`email_content`)."""
    ctx = migrated(fresh_url, clock)
    db = ctx.db
    sender, recipient = f.member(ctx, plan="career"), f.member(ctx)
    inmail.send(ctx, sender.id, recipient.id, "Platform role", "Would <you> like to talk?")
    with db.read() as s:
        row = s.scalars(select(EmailOutbox)).one()
        expected = notifications.email_content(row)
    assert row.context is not None and row.html_body is None
    db.dispose()

    command.downgrade(alembic_config(fresh_url), "0006")
    with db.engine.connect() as conn:
        assert tuple(conn.execute(text("SELECT subject, text_body, html_body "
                                       "FROM email_outbox")).one()) == \
            (expected.subject, expected.text, expected.html)

    upgrade(db.engine)
    with db.read() as s:
        row = s.scalars(select(EmailOutbox)).one()
        assert row.context is None and notifications.email_content(row) == expected
    db.dispose()
