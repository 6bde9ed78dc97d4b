"""Your data is yours: export, deletion, and your sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from inroad.services import account_data, sessions
from inroad.web.deps import Ctx, CurrentMember, Token
from inroad.web.schemas import DeleteIn, Page

router = APIRouter(tags=["your data"])


class SessionOut(BaseModel):
    id: str
    kind: str
    created_at: datetime
    expires_at: datetime
    current: bool


@router.get("/me/export", response_model=dict[str, Any])
def export(ctx: Ctx, member: CurrentMember) -> JSONResponse:
    return JSONResponse(account_data.export(ctx, member.id), headers={
        "Content-Disposition": 'attachment; filename="inroad-export.json"'})


@router.delete("/me", status_code=204)
def delete_me(body: DeleteIn, ctx: Ctx, member: CurrentMember) -> Response:
    account_data.delete_account(ctx, member.id, body.password)
    return Response(status_code=204)


@router.get("/me/sessions", response_model=Page[SessionOut])
def list_sessions(ctx: Ctx, member: CurrentMember, token: Token) -> Page[SessionOut]:
    items = [SessionOut(id=t.id, kind=t.kind, created_at=t.created_at, expires_at=t.expires_at,
                        current=current)
             for t, current in sessions.list_sessions(ctx, member.id, token)]
    return Page(items=items)


@router.delete("/me/sessions/{session_id}", status_code=204)
def revoke_session(session_id: str, ctx: Ctx, member: CurrentMember) -> Response:
    sessions.revoke(ctx, member.id, session_id)
    return Response(status_code=204)
