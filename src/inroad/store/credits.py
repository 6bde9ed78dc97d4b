from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from inroad.models import CreditGrant, CreditLot, IdempotencyRecord, LedgerEntry, Member
from inroad.store.driver import Prepared

# Credit writes go through Core statements run on the driver (store/driver), and the loaded
# objects are kept in step with `set_committed_value`: an InMail send then leaves the ORM unit
# of work nothing to flush, which cost more than the statements themselves.
_lots: Table = CreditLot.__table__  # type: ignore[assignment]
_ledger: Table = LedgerEntry.__table__  # type: ignore[assignment]
_members: Table = Member.__table__  # type: ignore[assignment]
_NEW_LOT = Prepared(insert(_lots))
_NEW_ENTRY = Prepared(insert(_ledger))
_SET_REMAINING = Prepared(update(_lots).where(_lots.c.id == bindparam("b_id"))
                          .values(remaining=bindparam("b_remaining")))
_SET_BALANCE = Prepared(update(_members).where(_members.c.id == bindparam("b_id")).values(
    credit_balance=bindparam("b_balance"), ledger_seq=bindparam("b_seq")))


def _row(obj: Any, table: Table) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in table.columns}


def _flush_new(session: Session) -> None:
    """Rows the ORM still holds (a new member, a purchase) go first: the Core writes below may
    reference them."""
    if session.new:
        session.flush()


def insert_lot(session: Session, lot: CreditLot) -> None:
    """Write a new lot; `lot` stays a plain (transient) object."""
    _flush_new(session)
    _NEW_LOT.execute(session, _row(lot, _lots))


def set_remaining(session: Session, lot: CreditLot, remaining: int) -> None:
    _SET_REMAINING.execute(session, {"b_id": lot.id, "b_remaining": remaining})
    set_committed_value(lot, "remaining", remaining)


def append_entry(session: Session, member: Member, entry: LedgerEntry) -> None:
    """Write a ledger entry and the member's balance and sequence it leads to
    (`entry.balance_after`, `entry.seq`)."""
    _flush_new(session)
    _NEW_ENTRY.execute(session, _row(entry, _ledger))
    _SET_BALANCE.execute(session, {"b_id": member.id, "b_balance": entry.balance_after,
                                   "b_seq": entry.seq})
    set_committed_value(member, "credit_balance", entry.balance_after)
    set_committed_value(member, "ledger_seq", entry.seq)


def live_lots(session: Session, member_id: str) -> list[CreditLot]:
    """Lots that still hold credits, first to expire first."""
    return _LIVE_LOTS.load(session, CreditLot, {"b_member": member_id})


_LIVE_LOTS = Prepared(select(*_lots.c)
                      .where(_lots.c.member_id == bindparam("b_member"), _lots.c.remaining > 0)
                      .order_by(_lots.c.expires_at, _lots.c.created_at, _lots.c.id))


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
