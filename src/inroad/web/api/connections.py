from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from inroad.models import ConnectionRequest, Member
from inroad.services import connections
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentMember, Cursor, Limit
from inroad.web.schemas import (
    ConnectionRequestIn,
    ConnectionRequestOut,
    MemberOut,
    Page,
    member_out,
)

router = APIRouter(tags=["connections"])
RequestStatus = Literal["pending", "accepted", "declined", "withdrawn"]


def request_out(req: ConnectionRequest, other: Member | None = None) -> ConnectionRequestOut:
    return ConnectionRequestOut(id=req.id, from_member_id=req.from_member_id,
                                to_member_id=req.to_member_id, note=req.note, status=req.status,
                                created_at=req.created_at,
                                member=member_out(other) if other else None)


@router.post("/connection-requests", status_code=201, response_model=ConnectionRequestOut)
def create_request(body: ConnectionRequestIn, ctx: Ctx,
                   member: CurrentMember) -> ConnectionRequestOut:
    return request_out(connections.request_connection(ctx, member.id, body.to_member_id,
                                                      body.note or ""))


@router.get("/connection-requests", response_model=Page[ConnectionRequestOut])
def list_requests(ctx: Ctx, member: CurrentMember,
                  direction: Literal["incoming", "outgoing"] = "incoming",
                  status: RequestStatus | None = "pending",
                  limit: Limit = 20, cursor: Cursor = None) -> Page[ConnectionRequestOut]:
    after = cursors.decode(cursor, str)
    rows = connections.list_requests(ctx, member.id, direction, status,
                                     after[0] if after else None, limit)
    items = [request_out(r, other) for r, other in rows]
    nxt = cursors.encode(rows[-1][0].id) if len(rows) == limit else None
    return Page(items=items, next_cursor=nxt)


@router.post("/connection-requests/{request_id}/{action}", response_model=ConnectionRequestOut)
def respond(request_id: str, action: Literal["accept", "decline", "withdraw"], ctx: Ctx,
            member: CurrentMember) -> ConnectionRequestOut:
    return request_out(connections.respond(ctx, member.id, request_id, action))


@router.get("/connections", response_model=Page[MemberOut])
def list_connections(ctx: Ctx, member: CurrentMember, limit: Limit = 20,
                     cursor: Cursor = None) -> Page[MemberOut]:
    after = cursors.decode(cursor, str, str)
    found = connections.list_connections(ctx, member.id, after, limit)
    nxt = cursors.encode(found[-1].full_name, found[-1].id) if len(found) == limit else None
    return Page(items=[member_out(m, 1) for m in found], next_cursor=nxt)


@router.delete("/connections/{member_id}", status_code=204)
def remove_connection(member_id: str, ctx: Ctx, member: CurrentMember) -> Response:
    connections.remove_connection(ctx, member.id, member_id)
    return Response(status_code=204)
