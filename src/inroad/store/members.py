from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from inroad.models import AuthToken, Block, Connection, ContactStop, Member
from inroad.store import keyset


def get_member(session: Session, member_id: str) -> Member | None:
    return session.get(Member, member_id)


def get_members(session: Session, ids: Sequence[str]) -> dict[str, Member]:
    if not ids:
        return {}
    rows = session.scalars(select(Member).where(Member.id.in_(set(ids))))
    return {m.id: m for m in rows}


def get_member_by_email(session: Session, email: str) -> Member | None:
    return session.scalar(select(Member).where(Member.email == email))


def lock_member(session: Session, member_id: str) -> Member | None:
    """Load a member holding its row lock until commit (PostgreSQL). SQLite write transactions
    already hold the database's write lock (`BEGIN IMMEDIATE`)."""
    stmt = select(Member).where(Member.id == member_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


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


def has_stopped(session: Session, recipient_id: str, sender_id: str) -> bool:
    """True when `recipient_id` asked `sender_id` to stop contacting them."""
    return session.get(ContactStop, (recipient_id, sender_id)) is not None
