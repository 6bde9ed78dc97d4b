from __future__ import annotations

from datetime import timedelta

import pytest

from inroad.domain.errors import Forbidden, NotFound
from inroad.services import conversations as conv
from tests import factories as f


@pytest.fixture
def pair(ctx):
    a, b = f.member(ctx, "Ann"), f.member(ctx, "Bob")
    f.connect(ctx, a, b)
    return a, b


def test_messages_between_connections_reuse_one_conversation(ctx, pair):
    a, b = pair
    m1 = conv.send_message(ctx, a.id, b.id, "Hi Bob")
    m2 = conv.send_message(ctx, b.id, a.id, "Hi Ann")
    m3 = conv.post_message(ctx, a.id, m1.conversation_id, "How are you?")
    assert m1.conversation_id == m2.conversation_id == m3.conversation_id
    bodies = [m.body for m in conv.list_messages(ctx, a.id, m1.conversation_id)]
    assert bodies == ["How are you?", "Hi Ann", "Hi Bob"]


def test_body_is_stored_verbatim(ctx, pair):
    a, b = pair
    body = "  <script>alert(1)</script>\n\tTabs & ünïcode 🎉  "
    msg = conv.send_message(ctx, a.id, b.id, body)
    assert conv.list_messages(ctx, b.id, msg.conversation_id)[0].body == body


def test_not_connected_cannot_message(ctx):
    a, b = f.member(ctx), f.member(ctx)
    with pytest.raises(Forbidden) as err:
        conv.send_message(ctx, a.id, b.id, "hi")
    assert err.value.code == "not_connected"


def test_unread_counts_read_and_badge(ctx, pair):
    a, b = pair
    msg = conv.send_message(ctx, a.id, b.id, "one")
    conv.send_message(ctx, a.id, b.id, "two")
    [view] = conv.list_conversations(ctx, b.id)
    assert view.unread_count == 2 and view.last_message.body == "two"
    assert conv.unread_badge(ctx, b.id) == 1 and conv.unread_badge(ctx, a.id) == 0
    assert [v.id for v in conv.list_conversations(ctx, b.id, unread=True)] == [view.id]
    conv.mark_read(ctx, b.id, msg.conversation_id)
    assert conv.unread_badge(ctx, b.id) == 0
    assert conv.list_conversations(ctx, b.id, unread=True) == []
    assert ctx.publish.names(b.id)[-3:] == ["message.created", "message.created",
                                           "conversation.read"]


def test_archive_and_new_activity_brings_it_back(ctx, pair):
    a, b = pair
    msg = conv.send_message(ctx, a.id, b.id, "one")
    conv.set_archived(ctx, b.id, msg.conversation_id, True)
    assert conv.list_conversations(ctx, b.id) == []
    assert [v.id for v in conv.list_conversations(ctx, b.id, folder="archived")] == [
        msg.conversation_id]
    conv.send_message(ctx, a.id, b.id, "two")
    assert [v.id for v in conv.list_conversations(ctx, b.id)] == [msg.conversation_id]


def test_inbox_most_recent_first_with_keyset_pages(ctx, clock):
    me = f.member(ctx, "Me")
    others = [f.member(ctx, f"Other {i}") for i in range(7)]
    for other in others:
        f.connect(ctx, me, other)
    for other in others:
        clock.advance(timedelta(minutes=1))
        conv.send_message(ctx, other.id, me.id, f"from {other.full_name}")
    seen, after = [], None
    while True:
        page = conv.list_conversations(ctx, me.id, after=after, limit=3)
        seen += [v.other.full_name for v in page]
        if len(page) < 3:
            break
        after = (page[-1].updated_at, page[-1].id)
    assert seen == [o.full_name for o in reversed(others)]


def test_another_members_conversation_is_not_found(ctx, pair):
    a, b = pair
    stranger = f.member(ctx)
    msg = conv.send_message(ctx, a.id, b.id, "private")
    for call in (lambda: conv.get_conversation(ctx, stranger.id, msg.conversation_id),
                 lambda: conv.list_messages(ctx, stranger.id, msg.conversation_id),
                 lambda: conv.post_message(ctx, stranger.id, msg.conversation_id, "x"),
                 lambda: conv.mark_read(ctx, stranger.id, msg.conversation_id),
                 lambda: conv.set_archived(ctx, stranger.id, msg.conversation_id, True)):
        with pytest.raises(NotFound):
            call()


def test_after_disconnecting_messages_stop(ctx, pair):
    from inroad.services import connections

    a, b = pair
    msg = conv.send_message(ctx, a.id, b.id, "hi")
    connections.remove_connection(ctx, a.id, b.id)
    with pytest.raises(Forbidden):
        conv.post_message(ctx, b.id, msg.conversation_id, "still there?")
