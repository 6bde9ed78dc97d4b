"""Conversations, per-member inbox rows and messages. The send path uses Core statements: it is
the hottest write in the product."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session

from inroad.domain.accounts import CARD_FIELDS
from inroad.models import Conversation, InboxEntry, InMail, Member, Message
from inroad.store import keyset
from inroad.store.driver import Prepared, Reader

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
    _NEW_CONVERSATION.execute(session, {"id": conv_id, "kind": kind, "pair_key": pair_key,
                                        "subject": subject, "created_at": now})
    _NEW_ENTRY.executemany(session, [
        {"member_id": a, "conversation_id": conv_id, "other_id": b, "kind": kind,
         "archived": False, "unread_count": 0, "updated_at": now},
        {"member_id": b, "conversation_id": conv_id, "other_id": a, "kind": kind,
         "archived": False, "unread_count": 0, "updated_at": now},
    ])


def add_message(session: Session, *, msg_id: str, conv_id: str, sender_id: str,
                recipient_id: str, body: str, now: datetime) -> None:
    """Insert a message and bump both inbox rows: new activity brings the conversation back to
    both primary inboxes, and counts as unread for the recipient."""
    _NEW_MESSAGE.execute(session, {"id": msg_id, "conversation_id": conv_id,
                                   "sender_id": sender_id, "body": body, "created_at": now})
    _SET_LAST_MESSAGE.execute(session, {"b_conv": conv_id, "b_msg": msg_id})
    _BUMP_ENTRIES.execute(session, {"b_conv": conv_id, "b_now": now, "b_sender": sender_id,
                                    "b_recipient": recipient_id})


# The send path's statements, built once and run on the driver (store/driver).
_NEW_CONVERSATION = Prepared(insert(conversations))
_NEW_ENTRY = Prepared(insert(inbox))
_NEW_MESSAGE = Prepared(insert(messages))
_SET_LAST_MESSAGE = Prepared(update(conversations).where(
    conversations.c.id == bindparam("b_conv")).values(last_message_id=bindparam("b_msg")))
# Both members' rows in one statement: two primary-key (member_id, conversation_id) probes.
_BUMP_ENTRIES = Prepared(update(inbox).where(
    inbox.c.member_id.in_([bindparam("b_sender"), bindparam("b_recipient")]),
    inbox.c.conversation_id == bindparam("b_conv"))
                         .values(updated_at=bindparam("b_now"), archived=False,
                                 unread_count=inbox.c.unread_count + case(
                                     (inbox.c.member_id == bindparam("b_recipient"), 1),
                                     else_=0)))


def list_entries(conn: Reader, member_id: str, *, archived: bool, unread: bool,
                 kind: str | None, after: tuple[datetime, str] | None,
                 limit: int) -> list[Any]:
    """Inbox rows (`entry_rows`), most recent activity first; keyset on (updated_at,
    conversation_id) over the `ix_inbox_entries_list` index, so page N costs what page 1
    costs."""
    params = {"b_member": member_id, "b_archived": archived, "b_kind": kind, "b_limit": limit,
              "b_at": after[0] if after else None, "b_after": after[1] if after else None}
    return _list_entries(unread, kind is not None, after is not None).all(conn, params)


@cache
def _list_entries(unread: bool, kind: bool, after: bool) -> Prepared:
    """The inbox statement for one combination of filters, built once (building one costs
    about what running it does)."""
    stmt = _ENTRY_ROWS.where(inbox.c.member_id == bindparam("b_member"),
                             inbox.c.archived == bindparam("b_archived"))
    if unread:
        stmt = stmt.where(inbox.c.unread_count > 0)
    if kind:
        stmt = stmt.where(inbox.c.kind == bindparam("b_kind"))
    if after:
        stmt = stmt.where(keyset.before_params((inbox.c.updated_at, inbox.c.conversation_id),
                                               ("b_at", "b_after")))
    return Prepared(stmt.order_by(inbox.c.updated_at.desc(), inbox.c.conversation_id.desc())
                    .limit(bindparam("b_limit")))


def entry_row(session: Session, member_id: str, conversation_id: str) -> Any | None:
    """One inbox row as `list_entries` returns them."""
    return session.connection().execute(_ENTRY_ROWS.where(
        inbox.c.member_id == member_id, inbox.c.conversation_id == conversation_id)).first()


def _entry_rows() -> Select[Any]:
    """An inbox row with everything a list shows, in one statement (primary-key joins): the
    conversation, its last message, the other member (columns `m_*`) and the InMail that opened
    it (`i_*`), instead of five queries and three kinds of ORM objects per page."""
    inmails: Table = InMail.__table__  # type: ignore[assignment]
    members: Table = Member.__table__  # type: ignore[assignment]
    return (select(inbox, conversations.c.subject, conversations.c.last_message_id,
                   messages.c.sender_id.label("last_sender_id"),
                   messages.c.body.label("last_body"),
                   messages.c.created_at.label("last_created_at"),
                   *[members.c[name].label(f"m_{name}") for name in CARD_FIELDS],
                   *[c.label(f"i_{c.key}") for c in inmails.c])
            .join(conversations, conversations.c.id == inbox.c.conversation_id)
            .join(members, members.c.id == inbox.c.other_id)
            .outerjoin(messages, messages.c.id == conversations.c.last_message_id)
            .outerjoin(inmails, inmails.c.conversation_id == inbox.c.conversation_id))


_ENTRY_ROWS = _entry_rows()


def span(prefix: str, names: tuple[str, ...]) -> slice:
    """Where the `prefix`ed columns `names` sit, in this order, in a `list_entries` row: views
    are built from a slice of the row (`Cls(*row[span])`) instead of a dict per row."""
    keys = list(_ENTRY_ROWS.selected_columns.keys())
    start = keys.index(prefix + names[0])
    if keys[start:start + len(names)] != [prefix + n for n in names]:
        raise ValueError(f"columns {prefix}{names} are not contiguous in the inbox row")
    return slice(start, start + len(names))


def get_messages_by_id(session: Session, ids: list[str]) -> dict[str, Any]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(messages).where(messages.c.id.in_(ids)))}


def list_messages(session: Session, conv_id: str, after: tuple[datetime, str] | None,
                  limit: int) -> list[Any]:
    """Newest first; keyset on (created_at, id)."""
    params = {"b_conv": conv_id, "b_limit": limit, "b_at": after[0] if after else None,
              "b_after": after[1] if after else None}
    return list(session.connection().execute(_list_messages(after is not None), params))


@cache
def _list_messages(after: bool) -> Select[Any]:
    stmt = select(messages).where(messages.c.conversation_id == bindparam("b_conv"))
    if after:
        stmt = stmt.where(keyset.before_params((messages.c.created_at, messages.c.id),
                                               ("b_at", "b_after")))
    return (stmt.order_by(messages.c.created_at.desc(), messages.c.id.desc())
            .limit(bindparam("b_limit")))


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
