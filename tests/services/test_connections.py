from __future__ import annotations

import pytest

from inroad.domain.errors import Conflict, NotFound, ValidationFailed
from inroad.services import accounts, connections
from tests import factories as f


def test_request_accept_connects_both_ways(ctx):
    a, b = f.member(ctx), f.member(ctx)
    req = connections.request_connection(ctx, a.id, b.id, "We met at PyCon")
    incoming = connections.list_requests(ctx, b.id, "incoming", "pending", None, 10)
    assert [(r.id, r.note, other.id) for r, other in incoming] == [(req.id, "We met at PyCon",
                                                                     a.id)]
    assert connections.respond(ctx, b.id, req.id, "accept").status == "accepted"
    assert [m.id for m in connections.list_connections(ctx, a.id, None, 10)] == [b.id]
    assert [m.id for m in connections.list_connections(ctx, b.id, None, 10)] == [a.id]
    assert ctx.publish.names(a.id) == ["connection.accepted"]


def test_duplicate_pending_in_either_direction_conflicts(ctx):
    a, b = f.member(ctx), f.member(ctx)
    connections.request_connection(ctx, a.id, b.id)
    for x, y in ((a, b), (b, a)):
        with pytest.raises(Conflict) as err:
            connections.request_connection(ctx, x.id, y.id)
        assert err.value.code == "already_pending"


def test_connected_members_cannot_request_again(ctx):
    a, b = f.member(ctx), f.member(ctx)
    f.connect(ctx, a, b)
    with pytest.raises(Conflict) as err:
        connections.request_connection(ctx, a.id, b.id)
    assert err.value.code == "already_connected"


def test_only_the_right_side_can_respond(ctx):
    a, b, c = f.member(ctx), f.member(ctx), f.member(ctx)
    req = connections.request_connection(ctx, a.id, b.id)
    with pytest.raises(NotFound):
        connections.respond(ctx, a.id, req.id, "accept")  # sender cannot accept
    with pytest.raises(NotFound):
        connections.respond(ctx, c.id, req.id, "decline")  # stranger
    with pytest.raises(NotFound):
        connections.respond(ctx, b.id, req.id, "withdraw")  # recipient cannot withdraw
    assert connections.respond(ctx, a.id, req.id, "withdraw").status == "withdrawn"
    with pytest.raises(Conflict):
        connections.respond(ctx, b.id, req.id, "accept")


def test_decline_then_request_again(ctx):
    a, b = f.member(ctx), f.member(ctx)
    req = connections.request_connection(ctx, a.id, b.id)
    connections.respond(ctx, b.id, req.id, "decline")
    assert connections.request_connection(ctx, a.id, b.id).status == "pending"


def test_self_and_unknown(ctx):
    a = f.member(ctx)
    with pytest.raises(ValidationFailed):
        connections.request_connection(ctx, a.id, a.id)
    with pytest.raises(NotFound):
        connections.request_connection(ctx, a.id, "missing")


def test_remove_connection(ctx):
    a, b = f.member(ctx), f.member(ctx)
    f.connect(ctx, a, b)
    connections.remove_connection(ctx, b.id, a.id)
    assert connections.list_connections(ctx, a.id, None, 10) == []
    with pytest.raises(NotFound):
        connections.remove_connection(ctx, a.id, b.id)
    _, rel = accounts.view_member(ctx, a.id, b.id)
    assert rel.degree == 3
