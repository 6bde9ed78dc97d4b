"""Profiles (view, edit your own), connect, message a connection, and search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from inroad.context import Context
from inroad.domain.delivery import is_premium, open_profile_in_force
from inroad.domain.errors import DomainError, ValidationFailed
from inroad.services import accounts, connections, conversations
from inroad.web import cursors
from inroad.web.pages.session import (
    Checked,
    Ctx,
    Form,
    PageRoute,
    Session,
    WebSession,
    redirect,
    render,
    validate,
)
from inroad.web.schemas import ConnectionRequestIn, MessageIn, ProfilePatch

router = APIRouter(route_class=PageRoute)

PROFILE_FIELDS = ("full_name", "headline", "title", "company", "location", "industry")
SEARCH_PAGE = 20


def _pending(ctx: Context, me: str, other: str) -> str | None:
    """`outgoing` or `incoming` when a request between the two is waiting, with its id."""
    req = connections.pending_request(ctx, me, other)
    if req is None:
        return None
    return f"{'outgoing' if req.from_member_id == me else 'incoming'}:{req.id}"


def profile_page(request: Request, ctx: Context, session: WebSession, member_id: str,
                 status: int = 200, **extra: Any) -> Response:
    member, rel = accounts.view_member(ctx, session.member.id, member_id)
    own = member.id == session.member.id
    pending = None if own or rel.degree == 1 else _pending(ctx, session.member.id, member.id)
    direction, _, request_id = (pending or "").partition(":")
    profile = {k: getattr(member, k) or "" for k in PROFILE_FIELDS}
    profile["skills"] = ", ".join(member.skills or [])
    context: dict[str, Any] = {
        "section": "profile" if own else "", "member": member, "rel": rel, "own": own,
        "premium": is_premium(member.plan),
        "open_profile": open_profile_in_force(member.open_profile, member.plan),
        "pending": direction or None, "request_id": request_id or None,
        "note": "", "message": "", "errors": {}, "values": profile, **extra}
    return render(request, "member.html", context, session=session, status=status)


@router.get("/members/{member_id}")
def profile(request: Request, ctx: Ctx, session: Session, member_id: str) -> Response:
    return profile_page(request, ctx, session, member_id)


@router.get("/me")
def my_profile(session: Session) -> Response:
    return redirect(f"/members/{session.member.id}")


@router.post("/members/{member_id}/connect")
def connect(request: Request, ctx: Ctx, session: Checked, form: Form,
            member_id: str) -> Response:
    note = form.get("note", "")
    body, errors = validate(ConnectionRequestIn, {"to_member_id": member_id, "note": note})
    if body is not None:
        try:
            connections.request_connection(ctx, session.member.id, member_id, body.note or "")
        except ValidationFailed as exc:
            errors = {"note": next(iter(exc.fields.values()), exc.message)}
        except DomainError as exc:
            errors = {"note": exc.message}
        else:
            return redirect(f"/members/{member_id}", "request_sent")
    return profile_page(request, ctx, session, member_id, status=422, note=note, errors=errors)


@router.post("/members/{member_id}/message")
def message(request: Request, ctx: Ctx, session: Checked, form: Form,
            member_id: str) -> Response:
    text = form.get("body", "")
    body, errors = validate(MessageIn, {"to_member_id": member_id, "body": text})
    if body is not None:
        try:
            sent = conversations.send_message(ctx, session.member.id, member_id, body.body)
        except DomainError as exc:
            errors = {"body": exc.message}
        else:
            return redirect(f"/conversations/{sent.conversation_id}", "sent")
    return profile_page(request, ctx, session, member_id, status=422, message=text,
                        errors=errors)


@router.post("/me/profile")
def edit_profile(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    values = {k: form.get(k, "") for k in (*PROFILE_FIELDS, "skills")}
    data: dict[str, Any] = {k: values[k].strip() for k in PROFILE_FIELDS}
    data["skills"] = [s.strip() for s in values["skills"].split(",") if s.strip()]
    body, errors = validate(ProfilePatch, data)
    if body is not None:
        accounts.update_profile(ctx, session.member.id, body.model_dump())
        return redirect(f"/members/{session.member.id}", "profile_saved")
    return profile_page(request, ctx, session, session.member.id, status=422, values=values,
                        errors=errors)


@router.get("/search")
def search(request: Request, ctx: Ctx, session: Session, q: str = "",
           cursor: str = "") -> Response:
    q = q.strip()[:200]
    found = (accounts.search(ctx, session.member.id, q, cursors.decode(cursor, str, str),
                             SEARCH_PAGE) if q else [])
    last = found[-1][0] if len(found) == SEARCH_PAGE else None
    more = cursors.encode(last.full_name, last.id) if last else None
    return render(request, "search.html", {"section": "search", "q": q, "results": found,
                                           "more": more}, session=session)
