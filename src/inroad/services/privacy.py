"""Privacy settings (SPEC §5), blocks and stop requests: how a member decides who reaches them.

A block is private. The blocked member is never told: InMail, messages and connection
requests from them are refused with the same `recipient_not_accepting` a closed inbox gives,
and the requests it ends read as ordinary outcomes (see `store.safety.close_pending_requests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain.delivery import is_premium, open_profile_in_force
from inroad.domain.errors import Forbidden, NotFound, ValidationFailed
from inroad.models import Block, Member
from inroad.store import connections as connections_store
from inroad.store import members as members_store
from inroad.store import safety as store

INMAIL_FROM = ("anyone", "premium_members", "network")
SETTING_FIELDS = ("allow_inmail", "inmail_from", "open_profile", "email_notifications",
                  "read_receipts")


@dataclass(frozen=True)
class PrivacySettings:
    allow_inmail: bool
    inmail_from: str
    open_profile: bool
    email_notifications: bool
    read_receipts: bool
    # Whether the member may turn Open Profile on (Premium only), for forms.
    can_open_profile: bool


@dataclass(frozen=True)
class ListedMember:
    """A blocked or stopped member and when that began."""

    member: Member
    since: datetime


def settings_of(member: Member) -> PrivacySettings:
    """The settings in force. Open Profile is a Premium feature: after a downgrade to free it
    reads as off even if the stored flag is still set (delivery ignores it the same way)."""
    premium = is_premium(member.plan)
    return PrivacySettings(
        allow_inmail=member.allow_inmail, inmail_from=member.inmail_from,
        open_profile=open_profile_in_force(member.open_profile, member.plan),
        email_notifications=member.email_notifications, read_receipts=member.read_receipts,
        can_open_profile=premium)


def get_settings(ctx: Context, member_id: str) -> PrivacySettings:
    with ctx.db.read() as s:
        member = members_store.get_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        return settings_of(member)


def update_settings(ctx: Context, member_id: str, changes: dict[str, Any]) -> PrivacySettings:
    """Change any of the five settings; keys left out (or None) stay as they are.
    Turning Open Profile on needs Premium (`premium_required`)."""
    changes = {k: v for k, v in changes.items() if k in SETTING_FIELDS and v is not None}
    if "inmail_from" in changes and changes["inmail_from"] not in INMAIL_FROM:
        raise ValidationFailed({"inmail_from": "Must be one of: " + ", ".join(INMAIL_FROM)})
    with ctx.db.write() as s:
        member = members_store.lock_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        premium = is_premium(member.plan)
        if changes.get("open_profile") and not premium:
            raise Forbidden("Open Profile needs a Premium plan.", code="premium_required")
        for name, value in changes.items():
            setattr(member, name, bool(value) if name != "inmail_from" else value)
        if not premium:
            # Tidy a flag left over from a downgrade, so the row says what is in force.
            member.open_profile = False
        return settings_of(member)


# ---- blocks ----


def block(ctx: Context, member_id: str, other_id: str) -> ListedMember:
    """Block `other_id`. Idempotent: blocking again changes nothing and returns the first
    block. Also removes the connection between the two and ends pending requests."""
    if member_id == other_id:
        raise ValidationFailed({"member_id": "You cannot block yourself."})
    with ctx.db.write() as s:
        other = members_store.get_member(s, other_id)
        if other is None or other.status == "deleted":
            raise NotFound("No such member.")
        return ListedMember(other, block_within(s, member_id, other_id, ctx.now()))


def block_within(s: Session, member_id: str, other_id: str, now: datetime) -> datetime:
    """The block itself, inside the caller's transaction (blocking, or reporting with "also
    block"). Idempotent; returns when the block began."""
    existing = store.get_block(s, member_id, other_id)
    if existing is not None:
        return existing.created_at
    try:
        with s.begin_nested():
            s.add(Block(member_id=member_id, blocked_id=other_id, created_at=now))
    except IntegrityError:  # a concurrent block of the same member committed first
        won = store.get_block(s, member_id, other_id)
        return won.created_at if won is not None else now
    connections_store.disconnect(s, member_id, other_id)
    store.close_pending_requests(s, member_id, other_id, now)
    return now


def unblock(ctx: Context, member_id: str, other_id: str) -> None:
    """Lift a block. A removed connection is not restored: they may connect again."""
    with ctx.db.write() as s:
        if store.delete_block(s, member_id, other_id) == 0:
            raise NotFound("You have not blocked this member.")


def list_blocked(ctx: Context, member_id: str, after: tuple[datetime, str] | None,
                 limit: int) -> list[ListedMember]:
    with ctx.db.read() as s:
        return [ListedMember(m, b.created_at)
                for b, m in store.list_blocked(s, member_id, after, limit)]


def is_blocked(ctx: Context, member_id: str, other_id: str) -> bool:
    """Whether `member_id` blocked `other_id` (one direction: what the blocker may see)."""
    with ctx.db.read() as s:
        return store.get_block(s, member_id, other_id) is not None


# ---- stop requests ("stop messages from this member", from declining an InMail) ----


def list_stops(ctx: Context, member_id: str, after: tuple[datetime, str] | None,
               limit: int) -> list[ListedMember]:
    with ctx.db.read() as s:
        return [ListedMember(m, c.created_at)
                for c, m in store.list_stops(s, member_id, after, limit)]


def lift_stop(ctx: Context, member_id: str, stopped_id: str) -> None:
    with ctx.db.write() as s:
        if store.delete_stop(s, member_id, stopped_id) == 0:
            raise NotFound("You have no stop request for this member.")
