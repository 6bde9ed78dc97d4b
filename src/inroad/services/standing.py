"""Strikes and the restrictions they bring. `add_strike` is called inside another use case's
transaction (a moderator's decision, a compliance refusal); the member row is locked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inroad.domain import standing as rules
from inroad.ids import new_id
from inroad.models import Member, Strike
from inroad.store import members as members_store


def add_strike(s: Session, member_id: str, source: str, reason: str, now: datetime,
               report_id: str | None = None, dedupe_key: str | None = None) -> Strike | None:
    """Record a strike and apply the ladder. With a `dedupe_key`, a second strike for the same
    key is not added (returns None)."""
    member = members_store.lock_member(s, member_id)
    if member is None:
        return None
    if dedupe_key is not None:
        exists = s.scalar(select(Strike.id).where(Strike.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    recent = s.scalar(select(func.count()).select_from(Strike).where(
        Strike.member_id == member_id, Strike.voided.is_(False),
        Strike.created_at > now - rules.LADDER_WINDOW)) or 0
    lift_if_due(member, now)
    outcome = rules.strike_outcome(recent, member.status, now)
    strike = Strike(id=new_id(), member_id=member_id, source=source, reason=reason[:300],
                    outcome=outcome.name, report_id=report_id, dedupe_key=dedupe_key,
                    created_at=now, voided=False)
    try:
        with s.begin_nested():
            s.add(strike)
    except IntegrityError:  # a concurrent transaction added the same deduplicated strike
        return None
    member.status = outcome.status
    member.restricted_until = outcome.restricted_until
    if outcome.status in ("suspended", "terminated"):
        members_store.delete_member_tokens(s, member_id)
    return strike


def lift_if_due(member: Member, now: datetime) -> bool:
    """A timed restriction ends by itself: back to `active` once `restricted_until` passed."""
    if rules.restriction_over(member.status, member.restricted_until, now):
        member.status = "active"
        member.restricted_until = None
        return True
    return False
