"""Messages between connections, the inbox, reading and archiving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain.accounts import CARD_FIELDS, MemberCard, pair_key
from inroad.domain.errors import Forbidden, NotFound
from inroad.ids import new_id
from inroad.models import InMail
from inroad.services import inmail as inmail_service
from inroad.services import notifications
from inroad.services.inmail import InMailView
from inroad.store import conversations as store
from inroad.store import inmails as inmail_store
from inroad.store import members as members_store


# The views of list pages are plain dataclasses, not frozen ones: a frozen dataclass sets each
# field through `object.__setattr__`, seven times the cost, and an inbox page builds some 80
# (bench/RESULTS.md). Nothing changes a view after it is made.
@dataclass
class MessageView:
    id: str
    conversation_id: str
    sender_id: str
    body: str
    created_at: datetime


@dataclass
class ConversationView:
    id: str
    kind: str
    other: MemberCard
    subject: str | None
    last_message: MessageView | None
    unread_count: int
    archived: bool
    updated_at: datetime
    inmail: InMailView | None


def _message(row: Any) -> MessageView:
    return MessageView(row.id, row.conversation_id, row.sender_id, row.body, row.created_at)


def send_message(ctx: Context, sender_id: str, to_id: str, body: str) -> MessageView:
    """Send to a connection, reusing the pair's one conversation."""
    now = ctx.now()
    msg_id = new_id()
    for attempt in range(2):
        try:
            with ctx.db.write() as s:
                _check_can_message(s, sender_id, to_id)
                key = pair_key(sender_id, to_id)
                conv = store.get_pair_conversation(s, key)
                conv_id = conv.id if conv else new_id()
                if conv is None:
                    store.create_conversation(s, conv_id=conv_id, kind="message", a=sender_id,
                                              b=to_id, now=now, pair_key=key)
                store.add_message(s, msg_id=msg_id, conv_id=conv_id, sender_id=sender_id,
                                  recipient_id=to_id, body=body, now=now)
                notifications.queue_new_message_email(
                    s, ctx, conv_id, members_store.get_member(s, sender_id),
                    members_store.get_member(s, to_id), body, now)
            break
        except IntegrityError:
            # Two first messages raced to create the pair's conversation; the loser retries
            # and finds the winner's.
            if attempt:
                raise
    message = MessageView(msg_id, conv_id, sender_id, body, now)
    ctx.publish(to_id, "message.created", _event(message))
    return message


def _check_can_message(s: Session, sender_id: str, to_id: str) -> None:
    other = members_store.get_member(s, to_id)
    if other is None or other.status in ("terminated", "deleted"):
        raise NotFound("No such member.", code="recipient_not_found")
    pair = members_store.relation(s, sender_id, to_id)
    if not pair.connected:
        raise Forbidden("You can message only your connections. Send an InMail instead.",
                        code="not_connected")
    if pair.blocked_either_way or pair.stopped:
        raise Forbidden("This member is not accepting messages from you.",
                        code="recipient_not_accepting")


def post_message(ctx: Context, member_id: str, conv_id: str, body: str) -> MessageView:
    """Add a message to a conversation the member is in. In an InMail conversation the
    recipient's first message is their reply; the sender waits for a response."""
    now = ctx.now()
    msg_id = new_id()
    replied = None
    with ctx.db.write() as s:
        entry = store.get_entry(s, member_id, conv_id)
        if entry is None:
            raise NotFound("No such conversation.")
        other_id = entry.other_id
        if entry.kind == "inmail":
            inmail = inmail_store.by_conversation(s, [conv_id])[conv_id]
            replied = inmail_service.before_message(ctx, s, inmail, member_id, now)
            if (members_store.is_blocked_either_way(s, member_id, other_id)
                    or members_store.has_stopped(s, other_id, member_id)):
                raise Forbidden("This member is not accepting messages from you.",
                                code="recipient_not_accepting")
        else:
            _check_can_message(s, member_id, other_id)
        store.add_message(s, msg_id=msg_id, conv_id=conv_id, sender_id=member_id,
                          recipient_id=other_id, body=body, now=now)
        notifications.queue_new_message_email(
            s, ctx, conv_id, members_store.get_member(s, member_id),
            members_store.get_member(s, other_id), body, now)
    message = MessageView(msg_id, conv_id, member_id, body, now)
    ctx.publish(other_id, "message.created", _event(message))
    if replied is not None:
        inmail_service.publish_response(ctx, *replied)
    return message


def _event(message: MessageView) -> dict[str, Any]:
    return {"conversation_id": message.conversation_id, "message_id": message.id,
            "sender_id": message.sender_id}


def list_conversations(ctx: Context, member_id: str, *, folder: str = "primary",
                       unread: bool = False, kind: str | None = None,
                       after: tuple[datetime, str] | None = None,
                       limit: int = 20) -> list[ConversationView]:
    with ctx.db.read_one() as conn:
        entries = store.list_entries(conn, member_id, archived=folder == "archived",
                                     unread=unread, kind=kind, after=after, limit=limit)
    return _views(member_id, entries)


_CARD = store.span("m_", CARD_FIELDS)
_INMAIL = store.span("i_", tuple(InMailView.__dataclass_fields__))


def _views(viewer_id: str, rows: list[Any]) -> list[ConversationView]:
    """Views of `store.list_entries` rows, built straight from slices of the row."""
    views = []
    for row in rows:
        other = MemberCard(*row[_CARD])
        inmail = None
        if row.i_id is not None:
            # The sender learns of an open only when the recipient (then `other`) allows it.
            inmail = inmail_service.seen_by(
                InMailView(*row[_INMAIL]), viewer_id,
                other.read_receipts if row.i_recipient_id == other.id else True)
        last = (MessageView(row.last_message_id, row.conversation_id, row.last_sender_id,
                            row.last_body, row.last_created_at)
                if row.last_sender_id is not None else None)
        views.append(ConversationView(
            row.conversation_id, row.kind, other, row.subject, last, row.unread_count,
            row.archived, row.updated_at, inmail))
    return views


def get_conversation(ctx: Context, member_id: str, conv_id: str) -> ConversationView:
    with ctx.db.read() as s:
        row = store.entry_row(s, member_id, conv_id)
        if row is None:
            raise NotFound("No such conversation.")
        return _views(member_id, [row])[0]


def list_messages(ctx: Context, member_id: str, conv_id: str,
                  after: tuple[datetime, str] | None = None,
                  limit: int = 20) -> list[MessageView]:
    with ctx.db.read() as s:
        if store.get_entry(s, member_id, conv_id) is None:
            raise NotFound("No such conversation.")
        return [_message(r) for r in store.list_messages(s, conv_id, after, limit)]


def mark_read(ctx: Context, member_id: str, conv_id: str) -> None:
    now = ctx.now()
    opened: InMail | None = None
    with ctx.db.write() as s:
        entry = store.get_entry(s, member_id, conv_id)
        if entry is None:
            raise NotFound("No such conversation.")
        was_unread = store.set_read(s, member_id, conv_id)
        if entry.kind == "inmail":
            opened = inmail_service.record_open(s, conv_id, member_id, now)
    if was_unread:
        ctx.publish(member_id, "conversation.read", {"conversation_id": conv_id})
    if opened is not None and opened.sender_id != member_id:
        inmail_service.publish_opened(ctx, opened)


def set_archived(ctx: Context, member_id: str, conv_id: str, archived: bool) -> None:
    with ctx.db.write() as s:
        if store.get_entry(s, member_id, conv_id) is None:
            raise NotFound("No such conversation.")
        store.set_archived(s, member_id, conv_id, archived)


def unread_badge(ctx: Context, member_id: str) -> int:
    with ctx.db.read() as s:
        return store.unread_conversations(s, member_id)
