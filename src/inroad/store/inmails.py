from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from inroad.models import InMail
from inroad.store import keyset
from inroad.store.driver import Prepared

_inmails: Table = InMail.__table__  # type: ignore[assignment]
_NEW_INMAIL = Prepared(insert(_inmails))


def insert_inmail(session: Session, im: InMail) -> None:
    """Write a new InMail on the driver (store/driver); `im` stays a plain (transient) object,
    so the send's transaction leaves the ORM unit of work nothing to flush."""
    _NEW_INMAIL.execute(session, {c.key: getattr(im, c.key) for c in _inmails.c})


def get_inmail(session: Session, inmail_id: str) -> InMail | None:
    return session.get(InMail, inmail_id)


def lock_inmail(session: Session, inmail_id: str) -> InMail | None:
    stmt = select(InMail).where(InMail.id == inmail_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(key_share=True)  # see store/members._LOCK_PG
    return session.scalar(stmt)


def by_conversation(session: Session, conv_ids: list[str]) -> dict[str, InMail]:
    if not conv_ids:
        return {}
    rows = session.scalars(select(InMail).where(InMail.conversation_id.in_(conv_ids)))
    return {r.conversation_id: r for r in rows}


def list_inmails(session: Session, member_id: str, box: str,
                 after: tuple[datetime, str] | None, limit: int) -> list[InMail]:
    col = InMail.sender_id if box == "sent" else InMail.recipient_id
    stmt = select(InMail).where(col == member_id)
    if after:
        stmt = stmt.where(keyset.before((InMail.sent_at, InMail.id), after))
    return list(session.scalars(stmt.order_by(InMail.sent_at.desc(), InMail.id.desc())
                                .limit(limit)))


def between(session: Session, sender_id: str, recipient_id: str) -> list[InMail]:
    """InMails one sender sent one recipient, oldest first (for the follow-up rule)."""
    return list(session.scalars(select(InMail).where(
        InMail.sender_id == sender_id, InMail.recipient_id == recipient_id,
    ).order_by(InMail.sent_at)))
