from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response

from inroad.services import conversations
from inroad.services.conversations import ConversationView, MessageView
from inroad.web import cursors
from inroad.web.api.inmails import inmail_out
from inroad.web.deps import Ctx, CurrentMember, Cursor, Limit, call
from inroad.web.schemas import (
    ConversationMessageIn,
    ConversationOut,
    MessageIn,
    MessageOut,
    Page,
    member_out,
)

router = APIRouter(tags=["conversations"])


def message_out(m: MessageView) -> MessageOut:
    return MessageOut(id=m.id, conversation_id=m.conversation_id, sender_id=m.sender_id,
                      body=m.body, created_at=m.created_at)


def conversation_out(c: ConversationView) -> ConversationOut:
    return ConversationOut(
        id=c.id, kind=c.kind, other=member_out(c.other), subject=c.subject,
        last_message=message_out(c.last_message) if c.last_message else None,
        unread_count=c.unread_count, archived=c.archived, updated_at=c.updated_at,
        inmail=inmail_out(c.inmail) if c.inmail else None)


@router.get("/conversations", response_model=Page[ConversationOut])
async def list_conversations(ctx: Ctx, member: CurrentMember,
                             folder: Literal["primary", "archived"] = "primary",
                             unread: bool = False,
                             kind: Literal["inmail", "message"] | None = None,
                             limit: Limit = 20, cursor: Cursor = None) -> Page[ConversationOut]:
    after = cursors.decode(cursor, datetime, str)
    views = await call(ctx, conversations.list_conversations, ctx, member.id, folder=folder,
                       unread=unread, kind=kind, after=after, limit=limit)
    nxt = cursors.encode(views[-1].updated_at, views[-1].id) if len(views) == limit else None
    return Page(items=[conversation_out(v) for v in views], next_cursor=nxt)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation_id: str, ctx: Ctx, member: CurrentMember) -> ConversationOut:
    return conversation_out(conversations.get_conversation(ctx, member.id, conversation_id))


@router.get("/conversations/{conversation_id}/messages", response_model=Page[MessageOut])
async def list_messages(conversation_id: str, ctx: Ctx, member: CurrentMember,
                        limit: Limit = 20, cursor: Cursor = None) -> Page[MessageOut]:
    after = cursors.decode(cursor, datetime, str)
    msgs = await call(ctx, conversations.list_messages, ctx, member.id, conversation_id, after,
                      limit)
    nxt = cursors.encode(msgs[-1].created_at, msgs[-1].id) if len(msgs) == limit else None
    return Page(items=[message_out(m) for m in msgs], next_cursor=nxt)


@router.post("/messages", status_code=201, response_model=MessageOut)
async def send_message(body: MessageIn, ctx: Ctx, member: CurrentMember) -> MessageOut:
    return message_out(await call(ctx, conversations.send_message, ctx, member.id,
                                  body.to_member_id, body.body))


@router.post("/conversations/{conversation_id}/messages", status_code=201,
             response_model=MessageOut)
async def post_message(conversation_id: str, body: ConversationMessageIn, ctx: Ctx,
                       member: CurrentMember) -> MessageOut:
    return message_out(await call(ctx, conversations.post_message, ctx, member.id,
                                  conversation_id, body.body))


@router.post("/conversations/{conversation_id}/read", status_code=204)
def mark_read(conversation_id: str, ctx: Ctx, member: CurrentMember) -> Response:
    conversations.mark_read(ctx, member.id, conversation_id)
    return Response(status_code=204)


@router.post("/conversations/{conversation_id}/{action}", status_code=204)
def archive(conversation_id: str, action: Literal["archive", "unarchive"], ctx: Ctx,
            member: CurrentMember) -> Response:
    conversations.set_archived(ctx, member.id, conversation_id, action == "archive")
    return Response(status_code=204)
