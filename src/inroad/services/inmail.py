"""Sending InMail (policy, credits, idempotency), preflight, and the recipient's responses."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain import compliance as compliance_rules
from inroad.domain import credits as credit_rules
from inroad.domain import delivery
from inroad.domain import standing as standing_rules
from inroad.domain.accounts import degree
from inroad.domain.compliance import ComplianceResult
from inroad.domain.errors import Conflict, Forbidden, NotFound, Refused
from inroad.ids import new_id
from inroad.models import ContactStop, CreditLot, InMail, InMailRejection, Member
from inroad.security import request_hash
from inroad.services import (
    compliance,
    credits,
    idempotency,
    insights,
    notifications,
    ratelimit,
    standing,
)
from inroad.store import conversations as conv_store
from inroad.store import credits as credit_store
from inroad.store import inmails as store
from inroad.store import members as members_store

STATUS_MESSAGES = {
    "account_restricted": "Your account cannot send InMail right now.",
    "recipient_not_found": "This member cannot be found.",
    "recipient_not_accepting": "This member is not accepting InMail from you.",
    "already_connected": "You are connected: send a free message instead.",
    "premium_required": "Sending InMail needs a Premium plan.",
    "insufficient_credits": "You have no InMail credits left. Buy a pack or wait for your "
                            "monthly credits.",
}


@dataclass
class InMailView:
    """An InMail as one participant may see it: with read receipts off, the sender never
    learns that it was opened."""

    id: str
    conversation_id: str
    sender_id: str
    recipient_id: str
    subject: str
    body: str
    purpose: str
    cost: int
    status: str
    sent_at: datetime
    opened_at: datetime | None
    responded_at: datetime | None
    refunded: bool


def as_seen_by(im: InMail, viewer_id: str, recipient_read_receipts: bool = True) -> InMailView:
    return seen_by(InMailView(im.id, im.conversation_id, im.sender_id, im.recipient_id,
                              im.subject, im.body, im.purpose, im.cost, im.status, im.sent_at,
                              im.opened_at, im.responded_at, im.refunded),
                   viewer_id, recipient_read_receipts)


def seen_by(view: InMailView, viewer_id: str, recipient_read_receipts: bool) -> InMailView:
    if viewer_id != view.sender_id or recipient_read_receipts:
        return view
    status = "delivered" if view.status == "opened" else view.status
    return replace(view, status=status, opened_at=None)


@dataclass(frozen=True)
class Preflight:
    deliverable: bool
    cost: int
    code: str | None
    balance: int


def _views(s: Session, sender: Member, lots: list[CreditLot], recipient: Member | None,
           to_id: str,
           now: datetime) -> tuple[delivery.SenderView, delivery.RecipientView, delivery.Relation]:
    # A timed restriction that has run out no longer counts, even before `send` lifts it.
    status = "active" if standing_rules.restriction_over(
        sender.status, sender.restricted_until, now) else sender.status
    sender_view = delivery.SenderView(status=status, plan=sender.plan,
                                      spendable=credits.spendable(sender, lots, now))
    if recipient is None or to_id == sender.id:
        recipient_view = delivery.RecipientView(False, "missing", "free", False, "anyone", False)
        relation = delivery.Relation(False, False, 3)
    else:
        recipient_view = delivery.RecipientView(
            exists=True, status=recipient.status, plan=recipient.plan,
            allow_inmail=recipient.allow_inmail, inmail_from=recipient.inmail_from,
            open_profile=delivery.open_profile_in_force(recipient.open_profile, recipient.plan))
        pair = members_store.relation(s, sender.id, to_id)
        relation = delivery.Relation(blocked_either_way=pair.blocked_either_way,
                                     stop_requested=pair.stopped,
                                     degree=degree(pair.connected, pair.shared))
    return sender_view, recipient_view, relation


def _past_recipient_rules(decision: delivery.Decision) -> bool:
    """Rules 1-8 let the InMail through: only the daily limit, compliance (9) and credits (10)
    can still refuse it. The daily limit is checked first: a sender who cannot send today gets
    no verdict on the text."""
    return decision.deliverable or decision.code == "insufficient_credits"


def _compliance_applies(decision: delivery.Decision) -> bool:
    """Open Profile (rule 6) delivers before rule 9 in the SPEC's order: free InMail to an Open
    Profile member is not judged by compliance (it is still rate limited and fingerprinted)."""
    return not (decision.deliverable and decision.cost == 0)


def preflight(ctx: Context, sender_id: str, to_id: str) -> Preflight:
    """The same decision as sending, with no side effects. Without a body, of the compliance
    rules only the follow-up rule applies."""
    now = ctx.now()
    with ctx.db.read() as s:
        sender = _sender(s, sender_id)
        if not credits.is_stale(sender, now):
            return _preflight(ctx, s, sender, to_id, now)
    credits.summary(ctx, sender_id)  # makes the grants and expiries that are due (a write)
    with ctx.db.read() as s:
        return _preflight(ctx, s, _sender(s, sender_id), to_id, now)


def _sender(s: Session, sender_id: str) -> Member:
    sender = members_store.get_member(s, sender_id)
    if sender is None:
        raise NotFound("No such member.")
    return sender


def _preflight(ctx: Context, s: Session, sender: Member, to_id: str,
               now: datetime) -> Preflight:
    views = _views(s, sender, credit_store.live_lots(s, sender.id),
                   members_store.get_member(s, to_id), to_id, now)
    decision = delivery.decide_delivery(*views)
    if _past_recipient_rules(decision):
        if ratelimit.inmail_refusal(ctx, s, sender, now) is not None:
            return Preflight(False, 0, ratelimit.RATE_LIMITED, sender.credit_balance)
        if _compliance_applies(decision):
            found = compliance.follow_up(ctx, s, sender.id, to_id, now)
            decision = delivery.decide_delivery(*views, found.code if found else None)
    return Preflight(decision.deliverable, decision.cost, decision.code, sender.credit_balance)


def send(ctx: Context, sender_id: str, to_id: str, subject: str, body: str,
         purpose: str = "other", idempotency_key: str | None = None) -> tuple[InMailView, int]:
    """Deliver an InMail or refuse it. A refusal spends nothing; one the recipient's settings
    or compliance caused is recorded as `rejected` for insights, then raised with the rule's
    message and extras (`phrases`, `hint`, `retry_after`). Every third compliance refusal in a
    week earns a strike. A delivery is counted against the daily limit, fingerprinted for the
    bulk rule, and may bring the low-response warning or cap."""
    now = ctx.now()
    body_hash = request_hash([to_id, subject, body, purpose])
    refusal: ComplianceResult | None = None
    low_response: str | None = None
    im: InMail | None = None
    balance = 0
    try:
        with ctx.db.write() as s:
            sender = members_store.lock_member(s, sender_id)
            if sender is None:
                raise NotFound("No such member.")
            if idempotency_key:
                stored = idempotency.replay(s, sender_id, "inmail", idempotency_key, body_hash)
                if stored is not None:
                    im = store.get_inmail(s, stored[1]["inmail_id"])
                    assert im is not None
                    return as_seen_by(im, sender_id), sender.credit_balance
            standing.lift_if_due(sender, now)
            credits.bring_up_to_date(ctx, s, sender, now)
            recipient = members_store.get_member(s, to_id)
            lots = credit_store.live_lots(s, sender.id)
            views = _views(s, sender, lots, recipient, to_id, now)
            decision = delivery.decide_delivery(*views)
            found: ComplianceResult | None = None
            if _past_recipient_rules(decision):
                refusal = ratelimit.inmail_refusal(ctx, s, sender, now)
                if refusal is None and _compliance_applies(decision):
                    assert recipient is not None
                    found = compliance.check(ctx, s, sender, to_id, recipient.full_name,
                                             subject, body, now, recipient.company or "")
                    decision = delivery.decide_delivery(*views, found.code if found else None)
            if refusal is not None:
                pass  # the daily limit: the sender's own state, not an InMail (not `rejected`)
            elif not decision.deliverable:
                code = decision.code or "recipient_not_accepting"
                refusal = found if found is not None and found.code == code else \
                    ComplianceResult(code, STATUS_MESSAGES.get(code, "This InMail cannot be sent."))
                if delivery.counts_as_rejected(code):
                    s.add(InMailRejection(id=new_id(), sender_id=sender_id, recipient_id=to_id,
                                          code=code, subject=subject, purpose=purpose,
                                          created_at=now))
                if code in compliance_rules.CODES:
                    s.flush()  # counted next; and add_strike reloads the sender row
                    compliance.after_refusal(ctx, s, sender_id, now)
                if delivery.counts_as_rejected(code):  # last: see services/insights
                    insights.count_rejected(s, sender_id, subject, purpose, now, to_id)
            else:
                assert recipient is not None
                im = _deliver(ctx, s, sender, lots, recipient, subject, body, purpose,
                              decision.cost, now)
                ratelimit.record_inmail(ctx, s, sender, now)
                compliance.remember_delivery(ctx, s, im.id, sender_id, to_id,
                                             recipient.full_name, body, now,
                                             recipient.company or "")
                s.flush()  # the low-response count includes this InMail
                low_response = compliance.review_response_rate(ctx, s, sender, now)
                balance = sender.credit_balance
                if idempotency_key:
                    idempotency.remember(s, sender_id, "inmail", idempotency_key, body_hash, 201,
                                         {"inmail_id": im.id}, now)
                insights.count_sent(s, im)  # last: see services/insights
    except ratelimit.LimitExceeded as exc:  # rolled back: nothing was delivered
        refusal = exc.refusal
    if refusal is not None or im is None:
        refusal = refusal or ComplianceResult("recipient_not_accepting",
                                              STATUS_MESSAGES["recipient_not_accepting"])
        raise Refused(refusal.message, code=refusal.code, **refusal.extra)
    ctx.publish(to_id, "inmail.received", {"inmail_id": im.id,
                                           "conversation_id": im.conversation_id})
    if im.cost:
        ctx.publish(sender_id, "credits.changed", {"balance": balance})
    if low_response:  # the sender's standing page explains the warning or the cap
        ctx.publish(sender_id, "standing.changed", {"low_response": low_response})
    return as_seen_by(im, sender_id), balance


def _deliver(ctx: Context, s: Session, sender: Member, lots: list[CreditLot],
             recipient: Member, subject: str, body: str, purpose: str, cost: int,
             now: datetime) -> InMail:
    to_id = recipient.id
    conv_id, inmail_id = new_id(), new_id()
    conv_store.create_conversation(s, conv_id=conv_id, kind="inmail", a=sender.id, b=to_id,
                                   now=now, subject=subject)
    # The body opens the thread, so the conversation reads like any other.
    conv_store.add_message(s, msg_id=new_id(), conv_id=conv_id, sender_id=sender.id,
                           recipient_id=to_id, body=body, now=now)
    im = InMail(id=inmail_id, conversation_id=conv_id, sender_id=sender.id, recipient_id=to_id,
                subject=subject, body=body, purpose=purpose, cost=cost, status="delivered",
                sent_at=now, opened_at=None, responded_at=None, refunded=False)
    store.insert_inmail(s, im)
    if cost:
        credits.spend(s, sender, lots, cost, now, f"inmail:{inmail_id}")
    notifications.queue_new_inmail_email(s, ctx, im, sender, recipient, now)
    return im


def list_inmails(ctx: Context, member_id: str, box: str, after: tuple[datetime, str] | None,
                 limit: int) -> list[InMailView]:
    with ctx.db.read() as s:
        rows = store.list_inmails(s, member_id, box, after, limit)
        receipts = {m.id: m.read_receipts for m in members_store.get_members(
            s, [r.recipient_id for r in rows]).values()}
    return [as_seen_by(r, member_id, receipts.get(r.recipient_id, True)) for r in rows]


def get(ctx: Context, member_id: str, inmail_id: str) -> InMailView:
    with ctx.db.read() as s:
        im = store.get_inmail(s, inmail_id)
        if im is None or member_id not in (im.sender_id, im.recipient_id):
            raise NotFound("No such InMail.")
        recipient = members_store.get_member(s, im.recipient_id)
    return as_seen_by(im, member_id, recipient.read_receipts if recipient else True)


def respond(ctx: Context, member_id: str, inmail_id: str, action: str,
            stop_contact: bool = False) -> InMailView:
    """Accept ("Interested") or decline ("Not interested"). Repeating the same response is
    harmless; changing a response already given is a conflict."""
    now = ctx.now()
    target = {"accept": "accepted", "decline": "declined"}[action]
    with ctx.db.write() as s:
        im = store.lock_inmail(s, inmail_id)
        if im is None or im.recipient_id != member_id:
            raise NotFound("No such InMail.")
        if im.responded_at is not None and im.status != target:
            raise Conflict(f"You already responded to this InMail ({im.status}).")
        refunded = _record_response(ctx, s, im, target, now)
        if stop_contact and s.get(ContactStop, (member_id, im.sender_id)) is None:
            s.add(ContactStop(member_id=member_id, stopped_id=im.sender_id, created_at=now))
        conv_store.set_read(s, member_id, im.conversation_id)
    publish_response(ctx, im, refunded)
    return as_seen_by(im, member_id)


def _record_response(ctx: Context, s: Session, im: InMail, status: str, now: datetime) -> bool:
    """Set the first response and refund once if it came within the window. Returns whether a
    refund was made. The InMail row must be locked."""
    if im.responded_at is not None:
        return False
    first_open = im.opened_at is None
    im.status = status
    im.responded_at = now
    if first_open:
        im.opened_at = now
    refunded = False
    if credit_rules.refund_due(im.sent_at, now, im.cost, im.refunded,
                               ctx.settings.refund_window_days):
        im.refunded = True
        credits.refund(ctx, s, im.sender_id, now, f"inmail:{im.id}")
        refunded = True
    # Counted after the refund: the count rows are locked last (services/insights).
    if first_open:
        insights.count_opened(s, im, now)
    insights.count_response(s, im, status, now)
    if refunded:
        insights.count_refund(s, im, now)
    return refunded


def publish_response(ctx: Context, im: InMail, refunded: bool) -> None:
    ctx.publish(im.sender_id, "inmail.responded", {"inmail_id": im.id, "status": im.status,
                                                   "conversation_id": im.conversation_id})
    if refunded:
        ctx.publish(im.sender_id, "credits.changed", {"refund": 1})


def before_message(ctx: Context, s: Session, im: InMail, member_id: str,
                   now: datetime) -> tuple[InMail, bool] | None:
    """Called inside `post_message` for InMail conversations: the sender waits for a response;
    the recipient's first message is their reply. Returns (InMail, refunded) when this message
    was the reply, for the caller to publish after commit."""
    if im.responded_at is not None:
        return None
    if member_id == im.sender_id:
        raise Forbidden("You can write again once the member responds.", code="forbidden")
    locked = store.lock_inmail(s, im.id)
    assert locked is not None
    if locked.responded_at is not None:  # a response landed while we waited for the lock
        return None
    return locked, _record_response(ctx, s, locked, "replied", now)


def record_open(s: Session, conv_id: str, member_id: str, now: datetime) -> InMail | None:
    """The recipient's first read sets `opened_at`. Returns the InMail when this read opened it
    and the sender may know (read receipts on)."""
    im = store.by_conversation(s, [conv_id]).get(conv_id)
    if im is None or im.recipient_id != member_id or im.opened_at is not None:
        return None
    im.opened_at = now
    if im.status == "delivered":
        im.status = "opened"
    insights.count_opened(s, im, now)  # only with read receipts on
    recipient = members_store.get_member(s, member_id)
    return im if recipient is not None and recipient.read_receipts else None


def publish_opened(ctx: Context, im: InMail) -> None:
    ctx.publish(im.sender_id, "inmail.opened", {"inmail_id": im.id})
