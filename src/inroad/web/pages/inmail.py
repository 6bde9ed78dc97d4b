"""Composing and sending InMail, responding to one, and the sent/received lists."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response

from inroad.context import Context
from inroad.domain.errors import DomainError
from inroad.services import accounts, inmail
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
from inroad.web.schemas import InMailIn

router = APIRouter(route_class=PageRoute)

LIST_PAGE = 25
COMPOSE_FIELDS = ("subject", "purpose", "body")


def compose_page(request: Request, ctx: Context, session: WebSession, member_id: str,
                 status: int = 200, **extra: Any) -> Response:
    member, rel = accounts.view_member(ctx, session.member.id, member_id)
    check = inmail.preflight(ctx, session.member.id, member_id)
    context: dict[str, Any] = {
        "section": "inmails", "member": member, "rel": rel, "check": check,
        "values": {"subject": "", "purpose": "", "body": ""}, "errors": {},
        # Generated once per compose: a double submit replays the first send, never a second.
        "idempotency_key": secrets.token_urlsafe(18), **extra}
    return render(request, "inmail_compose.html", context, session=session, status=status)


@router.get("/members/{member_id}/inmail")
def compose(request: Request, ctx: Ctx, session: Session, member_id: str,
            subject: str = "") -> Response:
    """`?subject=` prefills the form: the follow-ups page links here with "Re: <subject>"."""
    values = {"subject": subject[:200], "purpose": "", "body": ""}
    return compose_page(request, ctx, session, member_id, values=values)


@router.post("/members/{member_id}/inmail")
def send(request: Request, ctx: Ctx, session: Checked, form: Form, member_id: str) -> Response:
    values = {k: form.get(k, "") for k in COMPOSE_FIELDS}
    key = form.get("idempotency_key", "")[:200] or None
    body, errors = validate(InMailIn, {"to_member_id": member_id, **values,
                                       "purpose": values["purpose"] or "other"})
    refusal = None
    if body is not None:
        try:
            view, _ = inmail.send(ctx, session.member.id, member_id, body.subject, body.body,
                                  body.purpose, idempotency_key=key)
        except DomainError as exc:
            refusal = {"code": exc.code, "message": exc.message,
                       "phrases": exc.extra.get("phrases") or []}
        else:
            return redirect(f"/conversations/{view.conversation_id}", "inmail_sent")
    return compose_page(request, ctx, session, member_id, status=422, values=values,
                        errors=errors, refusal=refusal,
                        idempotency_key=key or secrets.token_urlsafe(18))


@router.post("/inmails/{inmail_id}/{action}")
def respond(ctx: Ctx, session: Checked, form: Form, inmail_id: str,
            action: Literal["accept", "decline"]) -> Response:
    view = inmail.respond(ctx, session.member.id, inmail_id, action,
                          stop_contact=form.get("stop_contact") == "1")
    notice = "interested" if action == "accept" else "not_interested"
    return redirect(f"/conversations/{view.conversation_id}", notice)


@router.get("/inmails")
def inmails(request: Request, ctx: Ctx, session: Session, box: str = "sent",
            cursor: str = "") -> Response:
    box_: Literal["sent", "received"] = "received" if box == "received" else "sent"
    rows = inmail.list_inmails(ctx, session.member.id, box_,
                               cursors.decode(cursor, datetime, str), LIST_PAGE)
    more = cursors.encode(rows[-1].sent_at, rows[-1].id) if len(rows) == LIST_PAGE else None
    others = accounts.get_members(
        ctx, {r.recipient_id if box_ == "sent" else r.sender_id for r in rows})
    return render(request, "inmails.html",
                  {"section": "inmails", "box": box_, "rows": rows, "others": others,
                   "more": more, "paged": bool(cursor)}, session=session)
