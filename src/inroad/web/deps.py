"""Request dependencies: the context and the signed-in member; `call` runs a use case."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, ParamSpec, TypeVar

import anyio.to_thread
from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from inroad.context import Context
from inroad.domain.errors import Forbidden, Unauthorized
from inroad.models import Member
from inroad.services import accounts

P = ParamSpec("P")
T = TypeVar("T")

bearer = HTTPBearer(auto_error=False, description="Token from signup or login")


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the
# thread pool, and each hop there costs more than the function itself.
async def get_ctx(request: Request) -> Context:
    return request.app.state.ctx


Ctx = Annotated[Context, Depends(get_ctx)]


def _token(creds: HTTPAuthorizationCredentials | None) -> str:
    if creds is None or not creds.credentials:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    return creds.credentials


async def bearer_token(
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    return _token(creds)


async def call(ctx: Context, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking use case from an `async def` route: on the event loop when the database
    is embedded (`Database.inline`), else in the thread pool. FastAPI sends a plain `def` route
    to the pool and back twice (handler, then response serialization), ~120 µs of CPU each."""
    if ctx.db.inline:
        return fn(*args, **kwargs)
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))


async def current_member(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Member:
    """One dependency level over the bearer scheme, not three: solving each costs FastAPI more
    than what it does, on every authenticated request."""
    ctx = await get_ctx(request)
    return await call(ctx, accounts.authenticate, ctx, _token(creds))


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
