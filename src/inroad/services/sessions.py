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


def revoke(ctx: Context, member_id: str, session_id: str,
           current_token: str | None = None) -> bool:
    """Sign one of the member's sessions out. True when it was `current_token`'s own session
    (the caller is then signed out too)."""
    with ctx.db.write() as s:
        row = s.scalar(select(AuthToken).where(AuthToken.id == session_id,
                                               AuthToken.member_id == member_id))
        if row is None:
            raise NotFound("No such session.")
        s.delete(row)
        return current_token is not None and row.token_hash == token_hash(current_token)


def revoke_others(ctx: Context, member_id: str, current_token: str) -> int:
    """Sign out everywhere but `current_token`'s session (web sessions and API tokens alike).
    Returns how many sessions ended."""
    with ctx.db.write() as s:
        result = s.execute(delete(AuthToken).where(AuthToken.member_id == member_id,
                                                   AuthToken.token_hash != token_hash(
                                                       current_token)))
        return int(result.rowcount)  # type: ignore[attr-defined]
