from __future__ import annotations

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from inroad.models import Connection, ConnectionRequest, Member
from inroad.store import keyset


def pending_between(session: Session, a: str, b: str) -> ConnectionRequest | None:
    return session.scalar(select(ConnectionRequest).where(
        ConnectionRequest.status == "pending",
        or_(and_(ConnectionRequest.from_member_id == a, ConnectionRequest.to_member_id == b),
            and_(ConnectionRequest.from_member_id == b, ConnectionRequest.to_member_id == a)),
    ))


def get_request(session: Session, request_id: str) -> ConnectionRequest | None:
    return session.get(ConnectionRequest, request_id)


def list_requests(session: Session, member_id: str, direction: str, status: str | None,
                  after_id: str | None, limit: int) -> list[ConnectionRequest]:
    col = (ConnectionRequest.to_member_id if direction == "incoming"
           else ConnectionRequest.from_member_id)
    stmt = select(ConnectionRequest).where(col == member_id)
    if status:
        stmt = stmt.where(ConnectionRequest.status == status)
    if after_id:
        stmt = stmt.where(ConnectionRequest.id < after_id)
    return list(session.scalars(stmt.order_by(ConnectionRequest.id.desc()).limit(limit)))


def connect(session: Session, a: str, b: str, now: object) -> None:
    for x, y in ((a, b), (b, a)):
        if session.get(Connection, (x, y)) is None:
            session.add(Connection(member_id=x, other_id=y, created_at=now))


def disconnect(session: Session, a: str, b: str) -> int:
    result = session.execute(delete(Connection).where(or_(
        and_(Connection.member_id == a, Connection.other_id == b),
        and_(Connection.member_id == b, Connection.other_id == a),
    )))
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_connections(session: Session, member_id: str, after: tuple[str, str] | None,
                     limit: int) -> list[Member]:
    """Connections ordered by name (keyset on name, id)."""
    stmt = (select(Member).join(Connection, Connection.other_id == Member.id)
            .where(Connection.member_id == member_id))
    if after:
        stmt = stmt.where(keyset.after((Member.full_name, Member.id), after))
    return list(session.scalars(stmt.order_by(Member.full_name, Member.id).limit(limit)))
