from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from inroad.models import AuthToken, Block, Connection, ContactStop, InboxVersion, Member
from inroad.store import keyset
from inroad.store.driver import Prepared, Reader, instance


def get_member(session: Session, member_id: str) -> Member | None:
    held = session.identity_map.get(session.identity_key(Member, member_id))
    if held is not None:
        return held
    found = _MEMBER.load(session, Member, {"b_id": member_id})
    return found[0] if found else None


def get_members(session: Session, ids: Sequence[str]) -> dict[str, Member]:
    if not ids:
        return {}
    rows = session.scalars(select(Member).where(Member.id.in_(set(ids))))
    return {m.id: m for m in rows}


def get_member_by_email(session: Session, email: str) -> Member | None:
    return session.scalar(select(Member).where(Member.email == email))


def lock_member(session: Session, member_id: str) -> Member | None:
    """Load a member holding its row lock until commit (PostgreSQL). SQLite write transactions
    already hold the database's write lock (`BEGIN IMMEDIATE`). Fresh values even when the
    session held the member already."""
    pg = session.get_bind().dialect.name == "postgresql"
    if session.identity_map.get(session.identity_key(Member, member_id)) is not None:
        return session.scalar(_LOCK_PG if pg else _LOCK, {"b_id": member_id})
    found = (_LOCK_PG_ROW if pg else _MEMBER).load(session, Member, {"b_id": member_id})
    return found[0] if found else None


_members: Table = Member.__table__  # type: ignore[assignment]
_MEMBER_BY_ID = select(*_members.c).where(_members.c.id == bindparam("b_id"))
_MEMBER = Prepared(_MEMBER_BY_ID)
_LOCK = (select(Member).where(Member.id == bindparam("b_id"))
         .execution_options(populate_existing=True))
# FOR NO KEY UPDATE: rows that reference the member (inbox entries, messages) take a key-share
# lock on it, which FOR UPDATE would block: two members writing to each other deadlocked.
# Member ids never change, so the weaker lock still orders every `lock_member` caller.
_LOCK_PG = _LOCK.with_for_update(key_share=True)
_LOCK_PG_ROW = Prepared(_MEMBER_BY_ID.with_for_update(key_share=True))


def search_members(session: Session, q: str, after: tuple[str, str] | None,
                   limit: int) -> list[Member]:
    """Keyset on (full_name, id). Every word of `q` must appear in name, headline or company."""
    stmt = select(Member).where(Member.status.in_(("active", "restricted")))
    for word in q.lower().split()[:6]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Member.search_text.like(f"%{escaped}%", escape="\\"))
    if after:
        stmt = stmt.where(keyset.after((Member.full_name, Member.id), after))
    return list(session.scalars(stmt.order_by(Member.full_name, Member.id).limit(limit)))


def get_token(session: Session, token_hash: str) -> AuthToken | None:
    return session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash))


def token_member(conn: Reader, token_hash: str, now: datetime) -> Member | None:
    """The member holding an unexpired token, on every request: one statement on the driver,
    and a plain (transient) `Member` to read, cheaper than an ORM load."""
    rows = _TOKEN_MEMBER.all(conn, {"b_hash": token_hash, "b_now": now})
    return instance(Member, rows[0]._asdict()) if rows else None


class TokenInbox(NamedTuple):
    member_id: str
    status: str
    inbox_version: int


def token_inbox(conn: Reader, token_hash: str, now: datetime) -> TokenInbox | None:
    """The token check that a cached inbox page needs (web/inbox_pages): whose token, whether
    they may act, and their inbox version. Three columns, so no `Member` to build and none of
    its dates to convert: most of a cached page's cost with `token_member`."""
    rows = _TOKEN_INBOX.all(conn, {"b_hash": token_hash, "b_now": now})
    return TokenInbox(*rows[0]) if rows else None


_BY_TOKEN = (AuthToken.token_hash == bindparam("b_hash"),
             AuthToken.expires_at > bindparam("b_now"))
_TOKEN_MEMBER = Prepared(select(*_members.c).join(
    AuthToken, AuthToken.member_id == Member.id).where(*_BY_TOKEN))
_TOKEN_INBOX = Prepared(select(_members.c.id, _members.c.status, func.coalesce(
    select(InboxVersion.version).where(InboxVersion.member_id == _members.c.id)
    .scalar_subquery(), 0)).join(AuthToken, AuthToken.member_id == Member.id).where(*_BY_TOKEN))


def delete_token(session: Session, token_hash: str) -> None:
    token = get_token(session, token_hash)
    if token is not None:
        session.delete(token)


def delete_member_tokens(session: Session, member_id: str) -> None:
    session.execute(delete(AuthToken).where(AuthToken.member_id == member_id))


def is_connected(session: Session, a: str, b: str) -> bool:
    return session.get(Connection, (a, b)) is not None


def shared_connection_count(session: Session, a: str, b: str) -> int:
    mine = select(Connection.other_id).where(Connection.member_id == a)
    return session.scalar(
        select(func.count()).select_from(Connection)
        .where(Connection.member_id == b, Connection.other_id.in_(mine))
    ) or 0


def shared_connection_ids(session: Session, a: str, b: str, limit: int = 10) -> list[str]:
    mine = select(Connection.other_id).where(Connection.member_id == a)
    return list(session.scalars(
        select(Connection.other_id)
        .where(Connection.member_id == b, Connection.other_id.in_(mine)).limit(limit)
    ))


def is_blocked_either_way(session: Session, a: str, b: str) -> bool:
    return session.scalar(
        select(func.count()).select_from(Block).where(or_(
            and_(Block.member_id == a, Block.blocked_id == b),
            and_(Block.member_id == b, Block.blocked_id == a),
        ))
    ) != 0


class Relation(NamedTuple):
    connected: bool
    shared: int  # 0 when connected: not counted
    blocked_either_way: bool
    stopped: bool  # b asked a to stop contacting them


def relation(session: Session, a: str, b: str) -> Relation:
    """Everything the delivery rules ask about a pair, in one prepared statement of four index
    lookups (four statements cost four round trips through SQLAlchemy on every send)."""
    row = _RELATION.execute(session, {"b_a": a, "b_b": b}).fetchone()
    return Relation(bool(row[0]), int(row[1]), bool(row[2]), bool(row[3]))


def _relation_statement() -> Select[Any]:
    a, b = bindparam("b_a", type_=String()), bindparam("b_b", type_=String())
    connected = exists().where(Connection.member_id == a, Connection.other_id == b)
    mine = select(Connection.other_id).where(Connection.member_id == a)
    shared = (select(func.count()).select_from(Connection)
              .where(Connection.member_id == b, Connection.other_id.in_(mine))
              .scalar_subquery())
    blocked = exists().where(or_(and_(Block.member_id == a, Block.blocked_id == b),
                                 and_(Block.member_id == b, Block.blocked_id == a)))
    stopped = exists().where(ContactStop.member_id == b, ContactStop.stopped_id == a)
    return select(connected, case((connected, 0), else_=shared), blocked, stopped)


_RELATION = Prepared(_relation_statement())


def has_stopped(session: Session, recipient_id: str, sender_id: str) -> bool:
    """True when `recipient_id` asked `sender_id` to stop contacting them."""
    return session.get(ContactStop, (recipient_id, sender_id)) is not None
