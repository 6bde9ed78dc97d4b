"""Queries behind the compliance rules. Each reads a bounded slice through an index; none scans a
sender's history."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from inroad.models import InMail, InMailRejection
from inroad.store.driver import Prepared


def pair_history(s: Session, sender_id: str,
                 recipient_id: str) -> list[tuple[datetime, datetime | None]]:
    """(sent_at, responded_at) of every InMail from sender to recipient (`ix_inmails_pair`).
    Small by construction: without a response a pair holds at most two."""
    return [(row.sent_at, row.responded_at)
            for row in _PAIR_HISTORY.all(s, {"b_sender": sender_id, "b_to": recipient_id})]


def refusals_since(s: Session, sender_id: str, codes: Collection[str], since: datetime) -> int:
    """Recorded refusals with these codes (`ix_inmail_rejections_sender`)."""
    return s.scalar(select(func.count()).select_from(InMailRejection).where(
        InMailRejection.sender_id == sender_id, InMailRejection.created_at > since,
        InMailRejection.code.in_(list(codes)))) or 0


def sent_since(s: Session, sender_id: str, since: datetime) -> int:
    """Delivered InMails since `since`: an index-only count on `ix_inmails_sender`."""
    return int(_SENT_SINCE.scalar(s, {"b_sender": sender_id, "b_since": since}))


def responded_since(s: Session, sender_id: str, since: datetime) -> int:
    """Of those, the answered ones: index-only too (`ix_inmails_sender` holds responded_at)."""
    return int(_RESPONDED_SINCE.scalar(s, {"b_sender": sender_id, "b_since": since}))


# Statements on every send, built once and run on the driver (store/driver).
_PAIR_HISTORY = Prepared(select(InMail.sent_at, InMail.responded_at).where(
    InMail.sender_id == bindparam("b_sender"), InMail.recipient_id == bindparam("b_to")))
_SENT_SINCE_STATEMENT = select(func.count()).select_from(InMail).where(
    InMail.sender_id == bindparam("b_sender"), InMail.sent_at > bindparam("b_since"))
_SENT_SINCE = Prepared(_SENT_SINCE_STATEMENT)
_RESPONDED_SINCE = Prepared(_SENT_SINCE_STATEMENT.where(InMail.responded_at.is_not(None)))
