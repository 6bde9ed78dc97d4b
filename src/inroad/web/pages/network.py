"""My Network: requests waiting for me, requests I sent, and my connections."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response

from inroad.services import connections
from inroad.web import cursors
from inroad.web.pages.session import Checked, Ctx, PageRoute, Session, redirect, render

router = APIRouter(route_class=PageRoute)

REQUESTS_PAGE = 50
CONNECTIONS_PAGE = 50
NOTICE = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}


@router.get("/network")
def network(request: Request, ctx: Ctx, session: Session, cursor: str = "") -> Response:
    me = session.member.id
    incoming = connections.list_requests(ctx, me, "incoming", "pending", None, REQUESTS_PAGE)
    outgoing = connections.list_requests(ctx, me, "outgoing", "pending", None, REQUESTS_PAGE)
    people = connections.list_connections(ctx, me, cursors.decode(cursor, str, str),
                                          CONNECTIONS_PAGE)
    more = (cursors.encode(people[-1].full_name, people[-1].id)
            if len(people) == CONNECTIONS_PAGE else None)
    return render(request, "network.html",
                  {"section": "network", "incoming": incoming, "outgoing": outgoing,
                   "connections": people, "more": more, "paged": bool(cursor)},
                  session=session)


@router.post("/network/requests/{request_id}/{action}")
def respond(ctx: Ctx, session: Checked, request_id: str,
            action: Literal["accept", "decline", "withdraw"]) -> Response:
    connections.respond(ctx, session.member.id, request_id, action)
    return redirect("/network", NOTICE[action])


@router.post("/network/connections/{member_id}/remove")
def remove(ctx: Ctx, session: Checked, member_id: str) -> Response:
    connections.remove_connection(ctx, session.member.id, member_id)
    return redirect("/network", "removed")
