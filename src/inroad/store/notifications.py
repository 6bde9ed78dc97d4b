"""The email outbox and InMail reminders."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inroad.models import EmailOutbox, InMail, InMailReminder
from inroad.store.driver import Prepared

outbox: Table = EmailOutbox.__table__  # type: ignore[assignment]
reminders: Table = InMailReminder.__table__  # type: ignore[assignment]
inmails: Table = InMail.__table__  # type: ignore[assignment]


def _insert(session: Session, table: Table) -> Any:
    """INSERT with `on_conflict_do_nothing`, which both backends spell the same way."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def latest_conversation_email(session: Session, member_id: str,
                              conversation_id: str) -> Any | None:
    """The newest outbox row for a member and conversation (index `ix_email_outbox_conversation`,
    one index probe)."""
    return session.execute(
        select(outbox.c.id, outbox.c.created_at, outbox.c.sent_at, outbox.c.attempts)
        .where(outbox.c.member_id == member_id, outbox.c.conversation_id == conversation_id)
        .order_by(outbox.c.created_at.desc()).limit(1)).first()


def add_email(session: Session, **values: Any) -> bool:
    """Queue one email; with a `dedupe_key` already queued, nothing happens. Returns whether a
    row was added."""
    # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT.
    prepared = _add_email(session.get_bind().dialect.name)
    return prepared.execute(session, values).fetchone() is not None


@cache
def _add_email(dialect: str) -> Prepared:
    """Built once per dialect and run on the driver: it runs inside every InMail send."""
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(outbox)
    return Prepared(insert.on_conflict_do_nothing(index_elements=["dedupe_key"])
                    .returning(outbox.c.id))


def _due(now: datetime, max_attempts: int) -> Any:
    return and_(outbox.c.sent_at.is_(None), outbox.c.send_after <= now,
                outbox.c.attempts < max_attempts,
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now))


def claim_due_emails(session: Session, now: datetime, lease_until: datetime,
                     max_attempts: int, limit: int) -> list[Any]:
    """Claim up to `limit` due emails until `lease_until`, returning them. One conditional
    UPDATE: the outer condition is re-checked against the latest row version (PostgreSQL
    re-evaluates it after waiting for a concurrent claimer; SQLite write transactions run one at
    a time), so two workers never claim the same row. On PostgreSQL `SKIP LOCKED` lets
    concurrent workers take different rows instead of queueing behind each other."""
    ids = (select(outbox.c.id).where(_due(now, max_attempts))
           .order_by(outbox.c.send_after).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    stmt = (update(outbox).where(outbox.c.id.in_(ids.scalar_subquery()), _due(now, max_attempts))
            .values(claimed_until=lease_until).returning(*outbox.c))
    return sorted(session.execute(stmt), key=lambda r: (r.send_after, r.id))


def mark_email_sent(session: Session, email_id: str, now: datetime) -> None:
    session.execute(update(outbox).where(outbox.c.id == email_id)
                    .values(sent_at=now, claimed_until=None))


def record_email_failure(session: Session, email_id: str, attempts: int, error: str,
                         send_after: datetime) -> None:
    session.execute(update(outbox).where(outbox.c.id == email_id, outbox.c.sent_at.is_(None))
                    .values(attempts=attempts, last_error=error[:500], send_after=send_after,
                            claimed_until=None))


def release_emails(session: Session, ids: list[str]) -> None:
    """Give claimed rows back untouched (the round stopped before reaching them)."""
    if ids:
        session.execute(update(outbox).where(outbox.c.id.in_(ids), outbox.c.sent_at.is_(None))
                        .values(claimed_until=None))


def inmails_due_reminder(session: Session, sent_from: datetime, sent_until: datetime,
                         limit: int) -> list[str]:
    """Unanswered InMails sent in [sent_from, sent_until] without a reminder, oldest first.
    A range on `inmails.sent_at` (no index of its own: the table's indexes lead with a member)
    filtered on status, plus one primary-key probe into `inmail_reminders` per candidate."""
    reminded = exists().where(reminders.c.inmail_id == inmails.c.id)
    return list(session.scalars(
        select(inmails.c.id)
        .where(inmails.c.sent_at >= sent_from, inmails.c.sent_at <= sent_until,
               inmails.c.responded_at.is_(None),
               inmails.c.status.in_(("delivered", "opened")), ~reminded)
        .order_by(inmails.c.sent_at, inmails.c.id).limit(limit)))


def add_reminder(session: Session, inmail_id: str, recipient_id: str, now: datetime) -> bool:
    """Record the InMail's one reminder. False when it already exists, whichever worker wrote
    it (on PostgreSQL a concurrent insert waits for the other transaction, then does nothing)."""
    return session.execute(_insert(session, reminders)
                           .values(inmail_id=inmail_id, recipient_id=recipient_id,
                                   created_at=now)
                           .on_conflict_do_nothing(index_elements=["inmail_id"])
                           .returning(reminders.c.inmail_id)).first() is not None
