"""The inbox, one conversation, replies, archiving, and the live fragments htmx asks for."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response

from inroad.context import Context
from inroad.domain.errors import DomainError
from inroad.services import conversations
from inroad.services.conversations import ConversationView, MessageView
from inroad.web import cursors
from inroad.web.pages.session import (
    Checked,
    Ctx,
    Form,
    PageRoute,
    Session,
    WebSession,
    fragment,
    is_htmx,
    redirect,
    render,
    validate,
)
from inroad.web.schemas import ConversationMessageIn

router = APIRouter(route_class=PageRoute)

PAGE = 20
THREAD_PAGE = 50


@router.get("/inbox")
def inbox(request: Request, ctx: Ctx, session: Session, folder: str = "primary",
          unread: str = "", kind: str = "", cursor: str = "") -> Response:
    folder = folder if folder in ("primary", "archived") else "primary"
    filters = {"folder": folder, "unread": "1" if unread else "",
               "kind": kind if kind in ("inmail", "message") else ""}
    views = conversations.list_conversations(
        ctx, session.member.id, folder=folder, unread=bool(filters["unread"]),
        kind=filters["kind"] or None, after=cursors.decode(cursor, datetime, str),
        limit=PAGE)
    older = cursors.encode(views[-1].updated_at, views[-1].id) if len(views) == PAGE else None
    return render(request, "inbox.html", {"section": "inbox", "conversations": views,
                                          "filters": filters, "older": older,
                                          "paged": bool(cursor)}, session=session)


def composer_state(conv: ConversationView, member_id: str) -> str:
    """What goes under the thread: `compose` a message, `respond` to an InMail (recipient,
    before responding), or `await` the recipient's response (InMail sender)."""
    im = conv.inmail
    if conv.kind != "inmail" or im is None or im.responded_at is not None:
        return "compose"
    return "respond" if im.recipient_id == member_id else "await"


def _thread(ctx: Context, member_id: str, conv_id: str,
            cursor: str | None) -> tuple[list[MessageView], str | None]:
    """The newest page (or the page before `cursor`), oldest first, and the cursor for the
    messages before it."""
    after = cursors.decode(cursor, datetime, str)
    newest_first = conversations.list_messages(ctx, member_id, conv_id, after,
                                               THREAD_PAGE)
    earlier = (cursors.encode(newest_first[-1].created_at, newest_first[-1].id)
               if len(newest_first) == THREAD_PAGE else None)
    return list(reversed(newest_first)), earlier


def conversation_page(request: Request, ctx: Context, session: WebSession, conv_id: str,
                      cursor: str | None = None, status: int = 200,
                      **extra: Any) -> Response:
    me = session.member.id
    conversations.mark_read(ctx, me, conv_id)
    conv = conversations.get_conversation(ctx, me, conv_id)
    messages, earlier = _thread(ctx, me, conv_id, cursor)
    context = {"section": "inbox", "conv": conv, "messages": messages, "earlier": earlier,
               "paged": bool(cursor), "state": composer_state(conv, me), "reply": "",
               "errors": {}, **extra}
    return render(request, "conversation.html", context, session=session, status=status)


@router.get("/conversations/{conv_id}")
def conversation(request: Request, ctx: Ctx, session: Session, conv_id: str,
                 cursor: str = "") -> Response:
    return conversation_page(request, ctx, session, conv_id, cursor or None)


@router.get("/conversations/{conv_id}/thread")
def thread(request: Request, ctx: Ctx, session: Session, conv_id: str) -> Response:
    """The newest messages, for `hx-trigger="refresh"` when a live event arrives. The member
    is looking at the conversation, so what arrived counts as read."""
    conversations.mark_read(ctx, session.member.id, conv_id)
    conv = conversations.get_conversation(ctx, session.member.id, conv_id)
    messages, _ = _thread(ctx, session.member.id, conv_id, None)
    return fragment(request, "partials/thread.html",
                    {"messages": messages, "me": session.member,
                     "other_name": conv.other.full_name})


@router.post("/conversations/{conv_id}/messages")
def reply(request: Request, ctx: Ctx, session: Checked, form: Form, conv_id: str) -> Response:
    text = form.get("body", "")
    body, errors = validate(ConversationMessageIn, {"body": text})
    if body is not None:
        try:
            message = conversations.post_message(ctx, session.member.id, conv_id, body.body)
        except DomainError as exc:
            errors = {"body": exc.message}
        else:
            if is_htmx(request):
                return fragment(request, "partials/message.html",
                                {"m": message, "me": session.member})
            return redirect(f"/conversations/{conv_id}#m-{message.id}")
    if is_htmx(request):
        conv = conversations.get_conversation(ctx, session.member.id, conv_id)
        # 200 so htmx swaps it: the composer comes back with the error and the text kept.
        return fragment(request, "partials/composer.html",
                        {"conv": conv, "state": composer_state(conv, session.member.id),
                         "reply": text, "errors": errors, "csrf": session.csrf,
                         "me": session.member},
                        headers={"HX-Retarget": "#composer", "HX-Reswap": "outerHTML"})
    return conversation_page(request, ctx, session, conv_id, status=422, reply=text,
                             errors=errors)


@router.post("/conversations/{conv_id}/{action}")
def archive(ctx: Ctx, session: Checked, conv_id: str,
            action: Literal["archive", "unarchive"]) -> Response:
    conversations.set_archived(ctx, session.member.id, conv_id, action == "archive")
    if action == "archive":
        return redirect("/inbox", "archived")
    return redirect(f"/conversations/{conv_id}", "unarchived")


@router.get("/fragments/unread-badge")
def unread_badge(request: Request, ctx: Ctx, session: Session) -> Response:
    return fragment(request, "partials/badge.html",
                    {"badge": conversations.unread_badge(ctx, session.member.id)})
