"""Request dependencies: the context and the signed-in member."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from inroad.context import Context
from inroad.domain.errors import Forbidden, Unauthorized
from inroad.models import Member
from inroad.services import accounts

bearer = HTTPBearer(auto_error=False, description="Token from signup or login")


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the
# thread pool, and each hop there costs more than the function itself.
async def get_ctx(request: Request) -> Context:
    return request.app.state.ctx


Ctx = Annotated[Context, Depends(get_ctx)]


async def bearer_token(
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    if creds is None or not creds.credentials:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    return creds.credentials


def current_member(ctx: Ctx, token: Annotated[str, Depends(bearer_token)]) -> Member:
    return accounts.authenticate(ctx, token)


async def current_admin(member: Annotated[Member, Depends(current_member)]) -> Member:
    if not member.is_admin:
        raise Forbidden("Admins only.")
    return member


CurrentMember = Annotated[Member, Depends(current_member)]
CurrentAdmin = Annotated[Member, Depends(current_admin)]
Token = Annotated[str, Depends(bearer_token)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=500)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
