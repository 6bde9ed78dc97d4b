"""Conversations, per-member inbox rows and messages. The send path uses Core statements: it is
the hottest write in the product."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from inroad.models import Conversation, InboxEntry, Message
from inroad.store import keyset

inbox: Table = InboxEntry.__table__  # type: ignore[assignment]
messages: Table = Message.__table__  # type: ignore[assignment]
conversations: Table = Conversation.__table__  # type: ignore[assignment]


def get_pair_conversation(session: Session, pair_key: str) -> Conversation | None:
    return session.scalar(select(Conversation).where(Conversation.pair_key == pair_key))


def get_entry(session: Session, member_id: str, conversation_id: str) -> InboxEntry | None:
    return session.get(InboxEntry, (member_id, conversation_id))


def create_conversation(session: Session, *, conv_id: str, kind: str, a: str, b: str,
                        now: datetime, pair_key: str | None = None,
                        subject: str | None = None) -> None:
    session.execute(insert(conversations).values(
        id=conv_id, kind=kind, pair_key=pair_key, subject=subject, created_at=now))
    session.execute(insert(inbox), [
        {"member_id": a, "conversation_id": conv_id, "other_id": b, "kind": kind,
         "archived": False, "unread_count": 0, "updated_at": now},
        {"member_id": b, "conversation_id": conv_id, "other_id": a, "kind": kind,
         "archived": False, "unread_count": 0, "updated_at": now},
    ])


def add_message(session: Session, *, msg_id: str, conv_id: str, sender_id: str,
                recipient_id: str, body: str, now: datetime) -> None:
    """Insert a message and bump both inbox rows: new activity brings the conversation back to
    both primary inboxes, and counts as unread for the recipient."""
    session.execute(insert(messages).values(
        id=msg_id, conversation_id=conv_id, sender_id=sender_id, body=body, created_at=now))
    session.execute(update(conversations).where(conversations.c.id == conv_id)
                    .values(last_message_id=msg_id))
    session.execute(update(inbox).where(inbox.c.conversation_id == conv_id,
                                        inbox.c.member_id == sender_id)
                    .values(updated_at=now, archived=False))
    session.execute(update(inbox).where(inbox.c.conversation_id == conv_id,
                                        inbox.c.member_id == recipient_id)
                    .values(updated_at=now, archived=False,
                            unread_count=inbox.c.unread_count + 1))


def list_entries(session: Session, member_id: str, *, archived: bool, unread: bool,
                 kind: str | None, after: tuple[datetime, str] | None,
                 limit: int) -> list[Any]:
    """Most recent activity first; keyset on (updated_at, conversation_id) over the
    `ix_inbox_entries_list` index, so page N costs what page 1 costs."""
    stmt = select(inbox).where(inbox.c.member_id == member_id, inbox.c.archived == archived)
    if unread:
        stmt = stmt.where(inbox.c.unread_count > 0)
    if kind:
        stmt = stmt.where(inbox.c.kind == kind)
    if after:
        stmt = stmt.where(keyset.before((inbox.c.updated_at, inbox.c.conversation_id), after))
    stmt = stmt.order_by(inbox.c.updated_at.desc(), inbox.c.conversation_id.desc()).limit(limit)
    return list(session.execute(stmt))


def get_conversations(session: Session, ids: list[str]) -> dict[str, Any]:
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(conversations)
                                             .where(conversations.c.id.in_(ids)))}


def get_messages_by_id(session: Session, ids: list[str]) -> dict[str, Any]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(messages).where(messages.c.id.in_(ids)))}


def list_messages(session: Session, conv_id: str, after: tuple[datetime, str] | None,
                  limit: int) -> list[Any]:
    """Newest first; keyset on (created_at, id)."""
    stmt = select(messages).where(messages.c.conversation_id == conv_id)
    if after:
        stmt = stmt.where(keyset.before((messages.c.created_at, messages.c.id), after))
    stmt = stmt.order_by(messages.c.created_at.desc(), messages.c.id.desc()).limit(limit)
    return list(session.execute(stmt))


def set_read(session: Session, member_id: str, conv_id: str) -> int:
    """Clear the unread count; returns how many were unread."""
    before = session.scalar(select(inbox.c.unread_count).where(
        inbox.c.member_id == member_id, inbox.c.conversation_id == conv_id)) or 0
    if before:
        session.execute(update(inbox).where(inbox.c.member_id == member_id,
                                            inbox.c.conversation_id == conv_id)
                        .values(unread_count=0))
    return int(before)


def set_archived(session: Session, member_id: str, conv_id: str, archived: bool) -> None:
    session.execute(update(inbox).where(inbox.c.member_id == member_id,
                                        inbox.c.conversation_id == conv_id)
                    .values(archived=archived))


def unread_conversations(session: Session, member_id: str) -> int:
    """Conversations in the primary inbox with something unread: the badge number."""
    return session.scalar(select(func.count()).select_from(inbox).where(
        inbox.c.member_id == member_id, inbox.c.archived.is_(False),
        inbox.c.unread_count > 0)) or 0
