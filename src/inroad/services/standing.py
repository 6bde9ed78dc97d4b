"""Strikes and the restrictions they bring. `add_strike` is called inside another use case's
transaction (a moderator's decision, a compliance refusal); the member row is locked.
A member reads their own standing and appeals a strike here; moderators decide appeals in
`services.moderation`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain import standing as rules
from inroad.domain.errors import Conflict, NotFound, ValidationFailed
from inroad.ids import new_id
from inroad.models import Appeal, Member, Strike
from inroad.store import members as members_store
from inroad.store import safety as safety_store


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


# ---- what a member sees, appeals, and the duty that ends timed restrictions ----

HISTORY_LIMIT = 100


@dataclass(frozen=True)
class AppealState:
    status: str  # open | upheld | granted
    created_at: datetime


@dataclass(frozen=True)
class StrikeView:
    """A strike as its member sees it. A strike from a report says only the report's reason:
    never who reported, nor what they wrote."""

    id: str
    source: str
    reason: str
    outcome: str
    created_at: datetime
    voided: bool
    appeal: AppealState | None


@dataclass(frozen=True)
class Standing:
    status: str
    strikes: int  # non-voided strikes in the ladder's window (30 days)
    restricted_until: datetime | None
    history: list[StrikeView]
    # The low-response rule (SPEC §4): a warning given within its window, and a daily cap.
    low_response_warned_at: datetime | None = None
    inmail_capped_until: datetime | None = None


def get_standing(ctx: Context, member_id: str) -> Standing:
    """The member's standing as of now: a timed restriction that has run out is lifted first,
    so the answer never says "restricted" after the clock passed `restricted_until`."""
    now = ctx.now()
    with ctx.db.read() as s:
        member = members_store.get_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        if not rules.restriction_over(member.status, member.restricted_until, now):
            return _standing(ctx, s, member, now)
    with ctx.db.write() as s:
        member = members_store.lock_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        lift_if_due(member, now)
        return _standing(ctx, s, member, now)


def _standing(ctx: Context, s: Session, member: Member, now: datetime) -> Standing:
    strikes = safety_store.list_strikes(s, member.id, HISTORY_LIMIT)
    appeals = safety_store.appeals_for_strikes(s, [x.id for x in strikes])
    history = [strike_view(x, appeals.get(x.id)) for x in strikes]
    recent = safety_store.count_recent_strikes(s, member.id, now - rules.LADDER_WINDOW)
    warned, capped = rules.low_response_shown(
        member.low_response_warned_at, member.inmail_capped_until, now,
        timedelta(days=ctx.settings.low_response_window_days))
    return Standing(member.status, recent, member.restricted_until, history, warned, capped)


def strike_view(strike: Strike, appeal: Appeal | None) -> StrikeView:
    return StrikeView(strike.id, strike.source, strike.reason, strike.outcome, strike.created_at,
                      strike.voided,
                      AppealState(appeal.status, appeal.created_at) if appeal else None)


def appeal_strike(ctx: Context, member_id: str, strike_id: str, text: str) -> Appeal:
    """Appeal one of your strikes, once (the database's unique `appeals.strike_id` decides a
    race). The appeal joins the moderators' queue."""
    if not text.strip():
        raise ValidationFailed({"text": "Say why the strike is wrong."})
    now = ctx.now()
    try:
        with ctx.db.write() as s:
            strike = safety_store.get_strike(s, strike_id)
            if strike is None or strike.member_id != member_id:
                raise NotFound("No such strike.")
            if safety_store.appeals_for_strikes(s, [strike_id]):
                raise Conflict("You have already appealed this strike.")
            if strike.voided:
                raise Conflict("This strike no longer counts against you.")
            appeal = Appeal(id=new_id(), strike_id=strike_id, member_id=member_id,
                            text=text.strip(), status="open", created_at=now)
            s.add(appeal)
            s.flush()
            return appeal
    except IntegrityError as exc:
        raise Conflict("You have already appealed this strike.") from exc


def lift_due_restrictions(ctx: Context, batch: int = 200) -> int:
    """The duty that ends timed restrictions for members who do not come back to look.
    Idempotent and safe on several workers: each member is re-checked under its lock."""
    now = ctx.now()
    with ctx.db.read() as s:
        due = safety_store.members_with_restriction_over(s, now, batch)
    for member_id in due:
        with ctx.db.write() as s:
            member = members_store.lock_member(s, member_id)
            if member is not None:
                lift_if_due(member, now)
    return len(due)
