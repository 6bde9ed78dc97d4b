"""The credit ledger: plans, monthly grants, expiry, purchases, spending, refunds, adjustments.

Every function that changes credits runs with the member's row locked (`lock_member`), so the
balance it reads is the balance it writes; the ledger's per-member `seq` is unique, so even a
missing lock could not append two "next" entries. Grants are made once per (member, period) by
the `credit_grants` primary key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain import credits as rules
from inroad.domain.delivery import is_premium
from inroad.domain.errors import Conflict, Forbidden, NotFound, Refused, ValidationFailed
from inroad.ids import new_id
from inroad.models import CreditGrant, CreditLot, LedgerEntry, Member, Purchase
from inroad.payments import gateway
from inroad.security import request_hash
from inroad.services import idempotency
from inroad.store import credits as store
from inroad.store import members as members_store


@dataclass(frozen=True)
class CreditSummary:
    balance: int
    spendable: int
    lots: list[CreditLot]
    next_grant_at: datetime | None


def _lot_days(ctx: Context) -> dict[str, int]:
    s = ctx.settings
    return {"grant_days": s.grant_lot_days, "purchase_days": s.purchase_lot_days,
            "refund_days": s.refund_lot_days}


def append(s: Session, member: Member, kind: str, amount: int, at: datetime,
           lot_id: str | None = None, ref: str | None = None) -> LedgerEntry:
    """Append one ledger entry and move the denormalized balance with it."""
    entry = LedgerEntry(id=new_id(), member_id=member.id, seq=member.ledger_seq + 1,
                        kind=kind, amount=amount, balance_after=member.credit_balance + amount,
                        lot_id=lot_id, ref=ref, created_at=at)
    store.append_entry(s, member, entry)
    return entry


def add_lot(ctx: Context, s: Session, member: Member, source: str, amount: int, at: datetime,
            kind: str, ref: str | None, expires_at: datetime | None = None) -> CreditLot:
    lot = CreditLot(id=new_id(), member_id=member.id, source=source, amount=amount,
                    remaining=amount, created_at=at,
                    expires_at=expires_at or rules.lot_expiry(source, at, **_lot_days(ctx)))
    store.insert_lot(s, lot)
    append(s, member, kind, amount, at, lot.id, ref)
    return lot


def bring_up_to_date(ctx: Context, s: Session, member: Member, now: datetime) -> bool:
    """Make the grants and expiries due by `now`, in the order they fell due, so a cap check
    at each grant sees what was really held then. The member row must be locked.
    Returns whether anything changed."""
    due_grant = member.next_grant_at is not None and member.next_grant_at <= now
    due_expiry = member.next_expiry_at is not None and member.next_expiry_at <= now
    if not (due_grant or due_expiry):
        return False
    lots = store.live_lots(s, member.id)
    plan = ctx.settings.plan(member.plan)
    if due_grant and plan is not None and member.plan_anchor_at is not None:
        last = store.last_grant_period(s, member.id, member.plan_anchor_at)
        for period in rules.grant_periods_due(member.plan_anchor_at, last, now):
            _expire(s, member, lots, period)
            held = sum(lot.remaining for lot in lots if lot.source == "grant")
            amount = rules.grant_amount(plan.monthly_credits, plan.max_credits, held)
            s.add(CreditGrant(member_id=member.id, period_start=period, credits=amount,
                              created_at=now))
            if amount:
                lots.append(add_lot(ctx, s, member, "grant", amount, period, "grant",
                                    f"period:{period.date().isoformat()}"))
        member.next_grant_at = rules.next_grant_at(member.plan_anchor_at, now)
    _expire(s, member, lots, now)
    live = [lot for lot in lots if lot.remaining > 0]
    member.next_expiry_at = min((lot.expires_at for lot in live), default=None)
    return True


def _expire(s: Session, member: Member, lots: list[CreditLot], at: datetime) -> None:
    for lot in sorted(rules.expired_lots([_plain(x) for x in lots], at),
                      key=lambda x: x.expires_at):
        row = next(x for x in lots if x.id == lot.id)
        append(s, member, "expiry", -row.remaining, row.expires_at, row.id, f"lot:{row.id}")
        store.set_remaining(s, row, 0)


def _plain(lot: CreditLot) -> rules.Lot:
    return rules.Lot(lot.id, lot.source, lot.remaining, lot.expires_at, lot.created_at)


def spendable(member: Member, lots: list[CreditLot], now: datetime) -> int:
    if not is_premium(member.plan):
        return 0  # downgraded members keep their lots but cannot spend them (SPEC §1)
    return rules.spendable_balance([_plain(x) for x in lots], now)


def spend(s: Session, member: Member, lots: list[CreditLot], amount: int, now: datetime,
          ref: str) -> None:
    """Take `amount` credits from `lots` (the member's live lots, loaded under the member's
    lock), those that expire first first. Raises InsufficientCredits."""
    for lot_id, take in rules.choose_spend([_plain(x) for x in lots], amount, now):
        lot = next(x for x in lots if x.id == lot_id)
        store.set_remaining(s, lot, lot.remaining - take)
        append(s, member, "spend", -take, now, lot.id, ref)


def refund(ctx: Context, s: Session, member_id: str, now: datetime, ref: str) -> Member | None:
    member = members_store.lock_member(s, member_id)
    if member is None or member.status == "deleted":
        return None
    bring_up_to_date(ctx, s, member, now)
    lot = add_lot(ctx, s, member, "refund", 1, now, "refund", ref)
    if member.next_expiry_at is None or lot.expires_at < member.next_expiry_at:
        member.next_expiry_at = lot.expires_at
    return member


def summary(ctx: Context, member_id: str) -> CreditSummary:
    """Credits as of now; brings grants and expiries up to date first, so never stale."""
    now = ctx.now()
    with ctx.db.read() as s:
        member = members_store.get_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        if not is_stale(member, now):
            lots = store.live_lots(s, member_id)
            return CreditSummary(member.credit_balance, spendable(member, lots, now), lots,
                                 member.next_grant_at)
    changed = False
    with ctx.db.write() as s:
        member = _locked(s, member_id)
        changed = bring_up_to_date(ctx, s, member, now)
        lots = store.live_lots(s, member_id)
        result = CreditSummary(member.credit_balance, spendable(member, lots, now), lots,
                               member.next_grant_at)
    if changed:
        ctx.publish(member_id, "credits.changed", {"balance": result.balance})
    return result


def is_stale(member: Member, now: datetime) -> bool:
    """Grants or expiries are due: the member's credits must be brought up to date (a write)
    before they are read."""
    return any(t is not None and t <= now for t in (member.next_grant_at, member.next_expiry_at))


def _locked(s: Session, member_id: str) -> Member:
    member = members_store.lock_member(s, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def ledger(ctx: Context, member_id: str, before_seq: int | None,
           limit: int) -> list[LedgerEntry]:
    summary(ctx, member_id)
    with ctx.db.read() as s:
        return store.ledger_page(s, member_id, before_seq, limit)


def change_plan(ctx: Context, member_id: str, plan_id: str, payment_token: str | None,
                idempotency_key: str | None = None) -> Member:
    """Subscribe, switch or downgrade. Subscribing to a paid plan charges the first month and
    grants its credits at once; a switch starts a new subscription period. With an
    idempotency key, a retry (say after a crash between the charge and the commit) reaches the
    gateway with the same key, so the month is charged once; a key already used answers with
    the member as they are, and with another request it is a conflict."""
    plan = ctx.settings.plan(plan_id)
    if plan is None:
        raise ValidationFailed({"plan": "Unknown plan."})
    body_hash = request_hash({"plan": plan_id, "payment_token": payment_token})
    now = ctx.now()
    with ctx.db.write() as s:
        member = _locked(s, member_id)
        if idempotency_key and idempotency.replay(s, member_id, "plan", idempotency_key,
                                                  body_hash) is not None:
            return member
        bring_up_to_date(ctx, s, member, now)
        if member.plan == plan.id:
            return member
        if plan.price_cents:
            if not payment_token:
                raise ValidationFailed({"payment_token": "A payment token is required."})
            gateway(ctx.settings.payment_gateway).charge(
                amount_cents=plan.price_cents, token=payment_token,
                idempotency_key=f"plan:{member_id}:{idempotency_key or now.isoformat()}",
                description=f"Inroad {plan.name}, first month")
        if idempotency_key:
            idempotency.remember(s, member_id, "plan", idempotency_key, body_hash, 200,
                                 {"plan": plan.id}, now)
        member.plan = plan.id
        if plan.monthly_credits:
            member.plan_anchor_at = now
            member.next_grant_at = now
            bring_up_to_date(ctx, s, member, now)
        else:
            member.plan_anchor_at = None
            member.next_grant_at = None
            member.open_profile = False  # Open Profile is a Premium feature
    ctx.publish(member_id, "credits.changed", {"balance": member.credit_balance})
    return member


def purchase(ctx: Context, member_id: str, credits: int, payment_token: str,
             idempotency_key: str | None) -> tuple[int, dict[str, Any]]:
    """Buy a credit pack. With an idempotency key, a retry returns the first result and never
    charges again; the key with another body is a conflict. Returns (status, response)."""
    pack = ctx.settings.pack(credits)
    if pack is None:
        allowed = ", ".join(str(p.credits) for p in ctx.settings.credit_packs)
        raise ValidationFailed({"credits": f"Must be one of the packs: {allowed}."})
    body_hash = request_hash({"credits": credits, "payment_token": payment_token})
    now = ctx.now()
    with ctx.db.write() as s:
        member = _locked(s, member_id)
        if idempotency_key:
            stored = idempotency.replay(s, member_id, "purchase", idempotency_key, body_hash)
            if stored is not None:
                return stored
        if not is_premium(member.plan):
            raise Forbidden("Buying credits needs a Premium plan.", code="premium_required")
        bring_up_to_date(ctx, s, member, now)
        purchase_id = new_id()
        charge_id = gateway(ctx.settings.payment_gateway).charge(
            amount_cents=pack.price_cents, token=payment_token,
            # Scoped to the member: a real gateway sees one key space for every member.
            idempotency_key=f"purchase:{member_id}:{idempotency_key or purchase_id}",
            description=f"{pack.credits} InMail credits")
        s.add(Purchase(id=purchase_id, member_id=member_id, credits=pack.credits,
                       price_cents=pack.price_cents, gateway=ctx.settings.payment_gateway,
                       charge_id=charge_id, created_at=now))
        lot = add_lot(ctx, s, member, "purchase", pack.credits, now, "purchase",
                      f"purchase:{purchase_id}")
        if member.next_expiry_at is None or lot.expires_at < member.next_expiry_at:
            member.next_expiry_at = lot.expires_at
        response = {"id": purchase_id, "credits": pack.credits, "price_cents": pack.price_cents,
                    "balance": member.credit_balance}
        if idempotency_key:
            idempotency.remember(s, member_id, "purchase", idempotency_key, body_hash, 201,
                                 response, now)
    ctx.publish(member_id, "credits.changed", {"balance": response["balance"]})
    return 201, response


def adjust(ctx: Context, admin_id: str, member_id: str, amount: int, reason: str) -> int:
    """An admin's correction: positive adds a lot (365 days), negative spends FIFO."""
    now = ctx.now()
    with ctx.db.write() as s:
        admin = members_store.get_member(s, admin_id)
        if admin is None or not admin.is_admin:
            raise Forbidden("Admins only.")
        member = _locked(s, member_id)
        bring_up_to_date(ctx, s, member, now)
        ref = f"admin:{admin_id}:{reason[:50]}"
        if amount > 0:
            lot = add_lot(ctx, s, member, "adjustment", amount, now, "adjustment", ref,
                          expires_at=now + timedelta(days=ctx.settings.purchase_lot_days))
            if member.next_expiry_at is None or lot.expires_at < member.next_expiry_at:
                member.next_expiry_at = lot.expires_at
        elif amount < 0:
            lots = store.live_lots(s, member.id)
            try:
                plan = rules.choose_spend([_plain(x) for x in lots], -amount, now)
            except rules.InsufficientCredits as exc:
                raise Conflict("The member does not hold that many credits.") from exc
            for lot_id, take in plan:
                row = next(x for x in lots if x.id == lot_id)
                store.set_remaining(s, row, row.remaining - take)
                append(s, member, "adjustment", -take, now, row.id, ref)
        balance = member.credit_balance
    ctx.publish(member_id, "credits.changed", {"balance": balance})
    return balance


def run_due_duties(ctx: Context, batch: int = 200) -> int:
    """Grants and expiries for members who never log in. Safe on several workers at once:
    each member is brought up to date under its lock, and grants are unique per period."""
    now = ctx.now()
    with ctx.db.read() as s:
        due = store.members_with_due_duties(s, now, batch)
    for member_id in due:
        with ctx.db.write() as s:
            member = members_store.lock_member(s, member_id)
            changed = member is not None and bring_up_to_date(ctx, s, member, now)
            balance = member.credit_balance if member else 0
        if changed:
            ctx.publish(member_id, "credits.changed", {"balance": balance})
    return len(due)


__all__ = ["CreditSummary", "Refused"]
