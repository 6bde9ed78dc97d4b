"""A member's sign-in sessions (API tokens and web sessions): list and revoke."""

from __future__ import annotations

from sqlalchemy import delete, select

from inroad.context import Context
from inroad.domain.errors import NotFound
from inroad.models import AuthToken
from inroad.security import token_hash


def list_sessions(ctx: Context, member_id: str, current_token: str | None) -> list[
        tuple[AuthToken, bool]]:
    """Live sessions, newest first, each with whether it is the one asking."""
    current = token_hash(current_token) if current_token else None
    with ctx.db.read() as s:
        rows = s.scalars(select(AuthToken).where(AuthToken.member_id == member_id,
                                                 AuthToken.expires_at > ctx.now())
                         .order_by(AuthToken.created_at.desc()))
        return [(row, row.token_hash == current) for row in rows]


def revoke(ctx: Context, member_id: str, session_id: str) -> None:
    with ctx.db.write() as s:
        result = s.execute(delete(AuthToken).where(AuthToken.id == session_id,
                                                   AuthToken.member_id == member_id))
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound("No such session.")
