"""A member's data is theirs: a full export, and deletion of the account.

Deletion keeps other members' conversations readable: the member row stays (as "Former member")
so message history still has a sender, but everything that identifies them is erased, their
sessions, connections and pending requests go, and their credits are forfeited with ledger
entries so the ledger still sums to the balance."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain.errors import Conflict, NotFound
from inroad.models import (
    AuthToken,
    Block,
    Connection,
    ConnectionRequest,
    ContactStop,
    CreditLot,
    InboxEntry,
    InMail,
    LedgerEntry,
    Member,
    Message,
    Purchase,
)
from inroad.services import accounts, credits
from inroad.store import credits as credit_store
from inroad.store import members as members_store

FORMER_MEMBER = "Former member"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _rows(s: Session, stmt: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for row in s.scalars(stmt):
        item = {}
        for name in fields:
            value = getattr(row, name)
            item[name] = _iso(value) if isinstance(value, datetime) else value
        out.append(item)
    return out


def export(ctx: Context, member_id: str) -> dict[str, Any]:
    """Everything Inroad holds about the member, as one JSON-ready document."""
    with ctx.db.read() as s:
        me = members_store.get_member(s, member_id)
        if me is None:
            raise NotFound("No such member.")
        conv_ids = list(s.scalars(select(InboxEntry.conversation_id)
                                  .where(InboxEntry.member_id == member_id)))
        return {
            "exported_at": _iso(ctx.now()),
            "profile": {k: getattr(me, k) for k in (
                "id", "email", "full_name", "headline", "company", "title", "location",
                "industry", "skills", "plan", "status")} | {"created_at": _iso(me.created_at)},
            "settings": {k: getattr(me, k) for k in (
                "allow_inmail", "inmail_from", "open_profile", "email_notifications",
                "read_receipts")},
            "connections": _rows(s, select(Connection).where(Connection.member_id == member_id),
                                 ("other_id", "created_at")),
            "connection_requests": _rows(s, select(ConnectionRequest).where(or_(
                ConnectionRequest.from_member_id == member_id,
                ConnectionRequest.to_member_id == member_id)),
                ("id", "from_member_id", "to_member_id", "note", "status", "created_at")),
            "conversations": _rows(s, select(InboxEntry).where(InboxEntry.member_id == member_id),
                                   ("conversation_id", "kind", "other_id", "archived",
                                    "updated_at")),
            "messages": _rows(s, select(Message).where(Message.conversation_id.in_(conv_ids))
                              .order_by(Message.created_at),
                              ("id", "conversation_id", "sender_id", "body", "created_at")),
            "inmails": _rows(s, select(InMail).where(or_(InMail.sender_id == member_id,
                                                         InMail.recipient_id == member_id)),
                             ("id", "conversation_id", "sender_id", "recipient_id", "subject",
                              "body", "purpose", "cost", "status", "sent_at", "responded_at",
                              "refunded")),
            "credit_lots": _rows(s, select(CreditLot).where(CreditLot.member_id == member_id),
                                 ("id", "source", "amount", "remaining", "created_at",
                                  "expires_at")),
            "credit_ledger": _rows(s, select(LedgerEntry).where(LedgerEntry.member_id == member_id)
                                   .order_by(LedgerEntry.seq),
                                   ("id", "kind", "amount", "balance_after", "ref", "created_at")),
            "purchases": _rows(s, select(Purchase).where(Purchase.member_id == member_id),
                               ("id", "credits", "price_cents", "gateway", "created_at")),
            "blocks": _rows(s, select(Block).where(Block.member_id == member_id),
                            ("blocked_id", "created_at")),
        }


def delete_account(ctx: Context, member_id: str, password: str) -> None:
    """Erase the account once the password is confirmed. Wrong passwords count against the
    account's sign-in limit (a stolen session cannot guess the password here either), and the
    slow argon2 check runs outside any transaction, as at sign-in."""
    with ctx.db.read() as s:
        member = members_store.get_member(s, member_id)
        if member is None or member.status == "deleted":
            raise NotFound("No such member.")
        password_hash = member.password_hash
    accounts.check_password(ctx, member.email, None, password_hash, password,
                            "The password is not right.")
    now = ctx.now()
    with ctx.db.write() as s:
        member = members_store.lock_member(s, member_id)
        if member is None or member.password_hash != password_hash:  # deleted or changed since
            raise Conflict("The account changed meanwhile: try again.")
        credits.bring_up_to_date(ctx, s, member, now)
        _forfeit_credits(s, member, now)
        _erase(s, member)
        s.execute(delete(AuthToken).where(AuthToken.member_id == member_id))
        s.execute(delete(Connection).where(or_(Connection.member_id == member_id,
                                               Connection.other_id == member_id)))
        s.execute(update(ConnectionRequest).where(
            ConnectionRequest.status == "pending",
            or_(ConnectionRequest.from_member_id == member_id,
                ConnectionRequest.to_member_id == member_id))
            .values(status="withdrawn", responded_at=now))
        s.execute(delete(Block).where(Block.member_id == member_id))
        s.execute(delete(ContactStop).where(ContactStop.member_id == member_id))


def _forfeit_credits(s: Session, member: Member, now: datetime) -> None:
    for lot in list(s.scalars(select(CreditLot).where(CreditLot.member_id == member.id,
                                                      CreditLot.remaining > 0))):
        credits.append(s, member, "adjustment", -lot.remaining, now, lot.id, "account_deleted")
        credit_store.set_remaining(s, lot, 0)
    member.next_expiry_at = None
    member.next_grant_at = None


def _erase(s: Session, member: Member) -> None:
    member.status = "deleted"
    member.email = f"deleted-{member.id.lower()}@invalid"
    member.password_hash = "!" + secrets.token_hex(16)  # matches no password
    member.full_name = FORMER_MEMBER
    member.search_text = ""
    member.headline = member.company = member.title = member.location = member.industry = ""
    member.skills = []
    member.plan = "free"
    member.plan_anchor_at = None
    member.open_profile = False
    member.allow_inmail = False
    member.email_notifications = False
