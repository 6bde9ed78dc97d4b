from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inroad.domain.errors import Conflict, Forbidden, ValidationFailed
from inroad.models import CreditGrant, CreditLot, LedgerEntry
from inroad.payments import PaymentDeclined, SandboxGateway
from inroad.services import accounts, credits
from tests import factories as f


def assert_consistent(ctx, member_id):
    """balance == ledger sum == sum of lot remainders, and balance_after chains."""
    with ctx.db.read() as s:
        entries = list(s.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member_id)
                                 .order_by(LedgerEntry.seq)))
        lots = s.scalar(select(func.coalesce(func.sum(CreditLot.remaining), 0))
                        .where(CreditLot.member_id == member_id))
    balance = accounts.get_me(ctx, member_id).credit_balance
    running = 0
    for e in entries:
        running += e.amount
        assert e.balance_after == running >= 0
    assert balance == running == lots
    return balance


def test_subscribing_grants_the_first_month(ctx):
    m = f.member(ctx, plan="business")
    summary = credits.summary(ctx, m.id)
    assert (summary.balance, summary.spendable) == (15, 15)
    assert [(lot.source, lot.remaining) for lot in summary.lots] == [("grant", 15)]
    assert summary.lots[0].expires_at == ctx.now() + timedelta(days=90)
    assert summary.next_grant_at is not None
    assert_consistent(ctx, m.id)


def test_monthly_grants_roll_over_up_to_the_cap_and_expire(ctx, clock):
    m = f.member(ctx, plan="career")  # 5 a month, at most 15 held
    for _ in range(4):
        clock.advance(timedelta(days=31))
    summary = credits.summary(ctx, m.id)
    # Month 0..3 grants; the month-3 grant finds 5 expired (day 90) — see the ledger.
    kinds = [e.kind for e in reversed(credits.ledger(ctx, m.id, None, 100))]
    assert kinds.count("grant") == 4 and "expiry" in kinds
    assert summary.balance <= 15
    assert_consistent(ctx, m.id)


def test_grant_never_lifts_granted_credits_above_cap(ctx, clock):
    m = f.member(ctx, plan="career")
    clock.advance(timedelta(days=31))
    clock.advance(timedelta(days=31))
    assert credits.summary(ctx, m.id).balance == 15
    clock.advance(timedelta(days=28))  # day 90: the first lot expires, the 4th grant refills
    summary = credits.summary(ctx, m.id)
    assert summary.balance <= 15
    assert_consistent(ctx, m.id)


def test_grants_happen_for_members_who_never_log_in(ctx, clock):
    m = f.member(ctx, plan="sales")
    clock.advance(timedelta(days=32))
    assert credits.run_due_duties(ctx) == 1
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CreditGrant)
                        .where(CreditGrant.member_id == m.id)) == 2
    assert accounts.get_me(ctx, m.id).credit_balance == 100
    assert credits.run_due_duties(ctx) == 0


def test_purchase_premium_only_and_idempotent(ctx):
    free = f.member(ctx)
    with pytest.raises(Forbidden) as err:
        credits.purchase(ctx, free.id, 5, "tok_visa", None)
    assert err.value.code == "premium_required"
    m = f.member(ctx, plan="career")
    status, first = credits.purchase(ctx, m.id, 10, "tok_visa", "key-1")
    assert status == 201 and first["balance"] == 15 and first["price_cents"] == 2000
    assert credits.purchase(ctx, m.id, 10, "tok_visa", "key-1") == (201, first)
    with pytest.raises(Conflict) as err:
        credits.purchase(ctx, m.id, 25, "tok_visa", "key-1")
    assert err.value.code == "idempotency_conflict"
    assert credits.summary(ctx, m.id).balance == 15
    purchase_lot = next(lot for lot in credits.summary(ctx, m.id).lots if lot.source == "purchase")
    assert purchase_lot.expires_at == ctx.now() + timedelta(days=365)
    assert_consistent(ctx, m.id)


def test_purchase_rejects_unknown_pack_and_declined_payment(ctx):
    m = f.member(ctx, plan="career")
    with pytest.raises(ValidationFailed) as err:
        credits.purchase(ctx, m.id, 7, "tok_visa", None)
    assert "credits" in err.value.fields
    with pytest.raises(PaymentDeclined):
        credits.purchase(ctx, m.id, 5, "tok_declined", "k")
    assert credits.summary(ctx, m.id).balance == 5
    # A declined attempt is not remembered: the same key may be retried with a good card.
    assert credits.purchase(ctx, m.id, 5, "tok_visa", "k")[1]["balance"] == 10


def test_downgrade_keeps_lots_but_not_spendable(ctx, clock):
    m = f.member(ctx, plan="career")
    clock.advance(timedelta(days=3))
    credits.change_plan(ctx, m.id, "free", None)
    summary = credits.summary(ctx, m.id)
    assert (summary.balance, summary.spendable, summary.next_grant_at) == (5, 0, None)
    clock.advance(timedelta(days=3))
    credits.change_plan(ctx, m.id, "career", "tok_visa")
    assert credits.summary(ctx, m.id).spendable == 10


def test_declined_plan_payment_changes_nothing(ctx):
    m = f.member(ctx)
    with pytest.raises(PaymentDeclined):
        credits.change_plan(ctx, m.id, "career", "tok_declined")
    me = accounts.get_me(ctx, m.id)
    assert (me.plan, me.credit_balance) == ("free", 0)


def test_plan_change_with_an_idempotency_key_charges_the_month_once(ctx, clock):
    """The gateway sees a key scoped to the member and the client's key: a retry after a crash
    between the charge and the commit gets the first charge back, not a second one."""
    m = f.member(ctx)
    key = f"plan:{m.id}:k1"
    credits.change_plan(ctx, m.id, "career", "tok_visa", idempotency_key="k1")
    charged = SandboxGateway.charges[key]
    # The same request again: answered from the stored key, nothing charged, nothing granted.
    me = credits.change_plan(ctx, m.id, "career", "tok_visa", idempotency_key="k1")
    assert (me.plan, me.credit_balance) == ("career", 5)
    assert SandboxGateway.charges[key] == charged
    assert SandboxGateway().charge(amount_cents=1, token="tok_visa", idempotency_key=key,
                                   description="retry") == charged[0]
    with pytest.raises(Conflict) as err:
        credits.change_plan(ctx, m.id, "business", "tok_visa", idempotency_key="k1")
    assert err.value.code == "idempotency_conflict"
    assert accounts.get_me(ctx, m.id).plan == "career"


def test_admin_adjustment(ctx):
    admin = accounts.create_admin(ctx, email="root@example.com", password="0123456789")
    m = f.member(ctx, plan="career")
    assert credits.adjust(ctx, admin.id, m.id, 3, "goodwill") == 8
    assert credits.adjust(ctx, admin.id, m.id, -2, "correction") == 6
    with pytest.raises(Conflict):
        credits.adjust(ctx, admin.id, m.id, -100, "too much")
    with pytest.raises(Forbidden):
        credits.adjust(ctx, m.id, m.id, 100, "self-service")
    assert_consistent(ctx, m.id)
