from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter

from inroad.services import inmail
from inroad.services.inmail import InMailView
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentMember, Cursor, IdempotencyKey, Limit, call
from inroad.web.schemas import (
    DeclineIn,
    InMailIn,
    InMailOut,
    Page,
    PreflightIn,
    PreflightOut,
    SendOut,
)

router = APIRouter(tags=["inmail"])


def inmail_out(v: InMailView) -> InMailOut:
    return InMailOut(**v.__dict__)


@router.post("/inmails/preflight", response_model=PreflightOut)
async def preflight(body: PreflightIn, ctx: Ctx, member: CurrentMember) -> PreflightOut:
    result = await call(ctx, inmail.preflight, ctx, member.id, body.to_member_id)
    return PreflightOut(**result.__dict__)


@router.post("/inmails", status_code=201, response_model=SendOut)
async def send(body: InMailIn, ctx: Ctx, member: CurrentMember,
               idempotency_key: IdempotencyKey = None) -> SendOut:
    view, balance = await call(ctx, inmail.send, ctx, member.id, body.to_member_id,
                               body.subject, body.body, body.purpose, idempotency_key)
    return SendOut(inmail=inmail_out(view), balance=balance)


@router.get("/inmails", response_model=Page[InMailOut])
def list_inmails(ctx: Ctx, member: CurrentMember, box: Literal["sent", "received"] = "sent",
                 limit: Limit = 20, cursor: Cursor = None) -> Page[InMailOut]:
    after = cursors.decode(cursor, datetime, str)
    rows = inmail.list_inmails(ctx, member.id, box, after, limit)
    nxt = cursors.encode(rows[-1].sent_at, rows[-1].id) if len(rows) == limit else None
    return Page(items=[inmail_out(r) for r in rows], next_cursor=nxt)


@router.get("/inmails/{inmail_id}", response_model=InMailOut)
def get_inmail(inmail_id: str, ctx: Ctx, member: CurrentMember) -> InMailOut:
    return inmail_out(inmail.get(ctx, member.id, inmail_id))


@router.post("/inmails/{inmail_id}/accept", response_model=InMailOut)
def accept(inmail_id: str, ctx: Ctx, member: CurrentMember) -> InMailOut:
    return inmail_out(inmail.respond(ctx, member.id, inmail_id, "accept"))


@router.post("/inmails/{inmail_id}/decline", response_model=InMailOut)
def decline(inmail_id: str, ctx: Ctx, member: CurrentMember,
            body: DeclineIn | None = None) -> InMailOut:
    stop = body.stop_contact if body else False
    return inmail_out(inmail.respond(ctx, member.id, inmail_id, "decline", stop))
