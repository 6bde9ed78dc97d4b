from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from inroad.models import CreditGrant, CreditLot, IdempotencyRecord, LedgerEntry, Member


def live_lots(session: Session, member_id: str) -> list[CreditLot]:
    """Lots that still hold credits, first to expire first."""
    return list(session.scalars(_LIVE_LOTS, {"b_member": member_id}))


_LIVE_LOTS = (select(CreditLot)
              .where(CreditLot.member_id == bindparam("b_member"), CreditLot.remaining > 0)
              .order_by(CreditLot.expires_at, CreditLot.created_at, CreditLot.id))


def ledger_page(session: Session, member_id: str, before_seq: int | None,
                limit: int) -> list[LedgerEntry]:
    stmt = select(LedgerEntry).where(LedgerEntry.member_id == member_id)
    if before_seq is not None:
        stmt = stmt.where(LedgerEntry.seq < before_seq)
    return list(session.scalars(stmt.order_by(LedgerEntry.seq.desc()).limit(limit)))


def last_grant_period(session: Session, member_id: str, since: datetime) -> datetime | None:
    return session.scalar(select(func.max(CreditGrant.period_start)).where(
        CreditGrant.member_id == member_id, CreditGrant.period_start >= since))


def members_with_due_duties(session: Session, now: datetime, limit: int) -> list[str]:
    return list(session.scalars(select(Member.id).where(
        (Member.next_grant_at <= now) | (Member.next_expiry_at <= now)).limit(limit)))


def get_idempotency(session: Session, member_id: str, scope: str,
                    key: str) -> IdempotencyRecord | None:
    return session.get(IdempotencyRecord, (member_id, scope, key))
