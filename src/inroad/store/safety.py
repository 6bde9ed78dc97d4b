"""Blocks, stop requests, reports, strikes and appeals. Functions take a Session and never
commit. Lists are keyset-paged on (created_at, id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from inroad.models import (
    Appeal,
    Block,
    ConnectionRequest,
    ContactStop,
    Member,
    Report,
    Strike,
)
from inroad.store import keyset

Keyset = tuple[datetime, str]


def _for_update(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# ---- blocks and stop requests ----


def get_block(session: Session, member_id: str, blocked_id: str) -> Block | None:
    return session.get(Block, (member_id, blocked_id))


def delete_block(session: Session, member_id: str, blocked_id: str) -> int:
    result = session.execute(delete(Block).where(Block.member_id == member_id,
                                                 Block.blocked_id == blocked_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_blocked(session: Session, member_id: str, after: Keyset | None,
                 limit: int) -> list[tuple[Block, Member]]:
    """Members `member_id` blocked, most recent first."""
    stmt = (select(Block, Member).join(Member, Member.id == Block.blocked_id)
            .where(Block.member_id == member_id))
    if after:
        stmt = stmt.where(keyset.before((Block.created_at, Block.blocked_id), after))
    stmt = stmt.order_by(Block.created_at.desc(), Block.blocked_id.desc()).limit(limit)
    return [(b, m) for b, m in session.execute(stmt)]


def delete_stop(session: Session, member_id: str, stopped_id: str) -> int:
    result = session.execute(delete(ContactStop).where(ContactStop.member_id == member_id,
                                                       ContactStop.stopped_id == stopped_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_stops(session: Session, member_id: str, after: Keyset | None,
               limit: int) -> list[tuple[ContactStop, Member]]:
    """Members `member_id` asked to stop contacting them, most recent first."""
    stmt = (select(ContactStop, Member).join(Member, Member.id == ContactStop.stopped_id)
            .where(ContactStop.member_id == member_id))
    if after:
        stmt = stmt.where(keyset.before((ContactStop.created_at, ContactStop.stopped_id), after))
    stmt = stmt.order_by(ContactStop.created_at.desc(), ContactStop.stopped_id.desc())
    return [(c, m) for c, m in session.execute(stmt.limit(limit))]


def close_pending_requests(session: Session, blocker_id: str, blocked_id: str,
                           now: datetime) -> None:
    """End pending connection requests between the two when one blocks the other: the
    blocker's own request is withdrawn, and the blocked member's request reads as an ordinary
    decline, so nothing on their side says "blocked"."""
    for from_id, to_id, status in ((blocker_id, blocked_id, "withdrawn"),
                                   (blocked_id, blocker_id, "declined")):
        session.execute(update(ConnectionRequest).where(
            ConnectionRequest.from_member_id == from_id,
            ConnectionRequest.to_member_id == to_id,
            ConnectionRequest.status == "pending",
        ).values(status=status, responded_at=now))


# ---- reports ----


def get_report(session: Session, report_id: str, lock: bool = False) -> Report | None:
    stmt = select(Report).where(Report.id == report_id)
    if lock:
        stmt = stmt.execution_options(populate_existing=True)
        if _for_update(session):
            stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_report(session: Session, reporter_id: str, *, message_id: str | None,
                inmail_id: str | None) -> Report | None:
    """The reporter's earlier report of the same message or InMail, if any."""
    stmt = select(Report).where(Report.reporter_id == reporter_id)
    if message_id is not None:
        stmt = stmt.where(Report.message_id == message_id)
    else:
        stmt = stmt.where(Report.inmail_id == inmail_id)
    return session.scalar(stmt.limit(1))


def list_reports(session: Session, status: str, after: Keyset | None, limit: int,
                 oldest_first: bool) -> list[Report]:
    """Reports in one status over the `ix_reports_queue` (status, created_at) index."""
    stmt = select(Report).where(Report.status == status)
    if oldest_first:
        if after:
            stmt = stmt.where(keyset.after((Report.created_at, Report.id), after))
        stmt = stmt.order_by(Report.created_at, Report.id)
    else:
        if after:
            stmt = stmt.where(keyset.before((Report.created_at, Report.id), after))
        stmt = stmt.order_by(Report.created_at.desc(), Report.id.desc())
    return list(session.scalars(stmt.limit(limit)))


# ---- strikes and appeals ----


def get_strike(session: Session, strike_id: str) -> Strike | None:
    return session.get(Strike, strike_id)


def count_recent_strikes(session: Session, member_id: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Strike).where(
        Strike.member_id == member_id, Strike.voided.is_(False),
        Strike.created_at > since)) or 0


def list_strikes(session: Session, member_id: str, limit: int) -> list[Strike]:
    """A member's strikes, newest first (voided ones included)."""
    return list(session.scalars(select(Strike).where(Strike.member_id == member_id)
                                .order_by(Strike.created_at.desc(), Strike.id.desc())
                                .limit(limit)))


def appeals_for_strikes(session: Session, strike_ids: list[str]) -> dict[str, Appeal]:
    if not strike_ids:
        return {}
    rows = session.scalars(select(Appeal).where(Appeal.strike_id.in_(strike_ids)))
    return {a.strike_id: a for a in rows}


def get_strikes(session: Session, ids: list[str]) -> dict[str, Strike]:
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(select(Strike).where(Strike.id.in_(set(ids))))}


def get_appeal(session: Session, appeal_id: str, lock: bool = False) -> Appeal | None:
    stmt = select(Appeal).where(Appeal.id == appeal_id)
    if lock:
        stmt = stmt.execution_options(populate_existing=True)
        if _for_update(session):
            stmt = stmt.with_for_update()
    return session.scalar(stmt)


def list_appeals(session: Session, status: str, after: Keyset | None, limit: int,
                 oldest_first: bool) -> list[Appeal]:
    """Appeals in one status over the `ix_appeals_queue` (status, created_at) index."""
    stmt = select(Appeal).where(Appeal.status == status)
    if oldest_first:
        if after:
            stmt = stmt.where(keyset.after((Appeal.created_at, Appeal.id), after))
        stmt = stmt.order_by(Appeal.created_at, Appeal.id)
    else:
        if after:
            stmt = stmt.where(keyset.before((Appeal.created_at, Appeal.id), after))
        stmt = stmt.order_by(Appeal.created_at.desc(), Appeal.id.desc())
    return list(session.scalars(stmt.limit(limit)))


def members_with_restriction_over(session: Session, now: datetime, limit: int) -> list[str]:
    """Restricted members whose timed restriction has run out. A restriction without an end
    (set by a moderator) is not listed: it lasts until a moderator lifts it."""
    return list(session.scalars(select(Member.id).where(
        Member.status == "restricted", Member.restricted_until.is_not(None),
        Member.restricted_until <= now).limit(limit)))
