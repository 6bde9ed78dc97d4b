"""Connection requests (pending → accepted | declined | withdrawn) and connections."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from inroad.context import Context
from inroad.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inroad.ids import new_id
from inroad.models import ConnectionRequest, Member
from inroad.store import connections as store
from inroad.store import members as members_store


def request_connection(ctx: Context, from_id: str, to_id: str, note: str = "") -> ConnectionRequest:
    if from_id == to_id:
        raise ValidationFailed({"to_member_id": "You cannot connect with yourself."})
    try:
        with ctx.db.write() as s:
            other = members_store.get_member(s, to_id)
            if other is None or other.status not in ("active", "restricted"):
                raise NotFound("No such member.", code="recipient_not_found")
            if members_store.is_blocked_either_way(s, from_id, to_id):
                raise Forbidden("This member is not accepting requests from you.",
                                code="recipient_not_accepting")
            if members_store.is_connected(s, from_id, to_id):
                raise Conflict("You are already connected.", code="already_connected")
            if store.pending_between(s, from_id, to_id) is not None:
                raise Conflict("A request between you is already pending.", code="already_pending")
            req = ConnectionRequest(id=new_id(), from_member_id=from_id, to_member_id=to_id,
                                    note=note or "", status="pending", created_at=ctx.now())
            s.add(req)
    except IntegrityError as exc:  # the partial unique index caught a concurrent duplicate
        raise Conflict("A request between you is already pending.", code="already_pending") from exc
    ctx.publish(to_id, "connection.requested", {"request_id": req.id, "from_member_id": from_id})
    return req


def respond(ctx: Context, member_id: str, request_id: str, action: str) -> ConnectionRequest:
    """`accept`/`decline` by the recipient, `withdraw` by the sender; only while pending."""
    with ctx.db.write() as s:
        req = store.get_request(s, request_id)
        owner = req and (req.from_member_id if action == "withdraw" else req.to_member_id)
        if req is None or owner != member_id:
            raise NotFound("No such connection request.")
        if req.status != "pending":
            raise Conflict(f"This request is already {req.status}.")
        req.status = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}[action]
        req.responded_at = ctx.now()
        if action == "accept":
            store.connect(s, req.from_member_id, req.to_member_id, ctx.now())
    if action == "accept":
        ctx.publish(req.from_member_id, "connection.accepted", {"request_id": req.id})
    return req


def pending_request(ctx: Context, member_id: str, other_id: str) -> ConnectionRequest | None:
    """The request waiting between the two members, in either direction (at most one)."""
    with ctx.db.read() as s:
        return store.pending_between(s, member_id, other_id)


def list_requests(ctx: Context, member_id: str, direction: str, status: str | None,
                  after_id: str | None, limit: int) -> list[tuple[ConnectionRequest, Member]]:
    """Requests with the member on the other side of each."""
    with ctx.db.read() as s:
        reqs = store.list_requests(s, member_id, direction, status, after_id, limit)
        others = members_store.get_members(
            s, [r.from_member_id if direction == "incoming" else r.to_member_id for r in reqs])
    return [(r, others[r.from_member_id if direction == "incoming" else r.to_member_id])
            for r in reqs]


def list_connections(ctx: Context, member_id: str, after: tuple[str, str] | None,
                     limit: int) -> list[Member]:
    with ctx.db.read() as s:
        return store.list_connections(s, member_id, after, limit)


def remove_connection(ctx: Context, member_id: str, other_id: str) -> None:
    with ctx.db.write() as s:
        if store.disconnect(s, member_id, other_id) == 0:
            raise NotFound("You are not connected with this member.")
