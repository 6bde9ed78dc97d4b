"""SPEC §1 credit rules, plus a property test that drives them through a tiny in-memory ledger."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inroad.domain.credits import (
    MAX_CATCH_UP_PERIODS,
    InsufficientCredits,
    Lot,
    add_months,
    choose_spend,
    expired_lots,
    grant_amount,
    grant_periods_due,
    lot_expiry,
    next_grant_at,
    refund_due,
    spendable_balance,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def lot(
    lot_id: str,
    remaining: int,
    expires_in_days: float,
    *,
    source: str = "grant",
    created_days_ago: float = 10,
) -> Lot:
    return Lot(
        id=lot_id,
        source=source,
        remaining=remaining,
        expires_at=NOW + timedelta(days=expires_in_days),
        created_at=NOW - timedelta(days=created_days_ago),
    )


# --- add_months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (at(2025, 1, 31), 1, at(2025, 2, 28)),
        (at(2024, 1, 31), 1, at(2024, 2, 29)),  # leap year
        (at(2024, 2, 29), 12, at(2025, 2, 28)),
        (at(2024, 2, 29), 48, at(2028, 2, 29)),
        (at(2025, 1, 31), 2, at(2025, 3, 31)),  # from the start, not via Feb 28
        (at(2025, 3, 31), 1, at(2025, 4, 30)),
        (at(2025, 12, 15), 1, at(2026, 1, 15)),
        (at(2025, 11, 30), 3, at(2026, 2, 28)),
        (at(2025, 3, 31), -1, at(2025, 2, 28)),
        (at(2025, 1, 15), -1, at(2024, 12, 15)),
        (at(2025, 5, 17), 0, at(2025, 5, 17)),
    ],
)
def test_add_months_clamps_the_day(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


def test_add_months_keeps_time_and_zone() -> None:
    start = datetime(2025, 1, 31, 23, 59, 58, 123, tzinfo=UTC)
    result = add_months(start, 1)
    assert (result.hour, result.minute, result.second, result.microsecond) == (23, 59, 58, 123)
    assert result.tzinfo is UTC


# --- grant periods -------------------------------------------------------------------------

ANCHOR = at(2025, 1, 31)


def test_period_zero_is_the_anchor_itself() -> None:
    assert grant_periods_due(ANCHOR, None, ANCHOR) == [ANCHOR]


def test_nothing_due_before_the_anchor() -> None:
    assert grant_periods_due(ANCHOR, None, ANCHOR - SECOND) == []


def test_nothing_due_before_the_first_anniversary() -> None:
    first = add_months(ANCHOR, 1)
    assert grant_periods_due(ANCHOR, ANCHOR, first - SECOND) == []


def test_due_exactly_at_the_anniversary() -> None:
    assert grant_periods_due(ANCHOR, ANCHOR, at(2025, 2, 28)) == [at(2025, 2, 28)]


def test_catch_up_of_several_periods_without_day_drift() -> None:
    due = grant_periods_due(ANCHOR, ANCHOR, at(2025, 5, 2))
    assert due == [at(2025, 2, 28), at(2025, 3, 31), at(2025, 4, 30)]


def test_catch_up_from_none_includes_period_zero() -> None:
    assert grant_periods_due(ANCHOR, None, at(2025, 3, 1)) == [ANCHOR, at(2025, 2, 28)]


def test_granting_what_is_due_leaves_nothing_due() -> None:
    now = at(2025, 9, 3)
    due = grant_periods_due(ANCHOR, None, now)
    assert grant_periods_due(ANCHOR, due[-1], now) == []


def test_catch_up_is_capped_to_the_last_13_periods() -> None:
    anchor = at(2019, 6, 30)
    now = at(2025, 6, 29)  # the June 30 anniversary is still ahead
    due = grant_periods_due(anchor, None, now)
    assert len(due) == MAX_CATCH_UP_PERIODS == 13
    assert due[-1] == at(2025, 5, 30)
    assert due[0] == at(2024, 5, 30)


def test_cap_applies_after_a_last_granted_period_too() -> None:
    due = grant_periods_due(ANCHOR, add_months(ANCHOR, 2), add_months(ANCHOR, 40))
    assert due == [add_months(ANCHOR, n) for n in range(28, 41)]


def test_last_granted_in_the_future_means_nothing_due() -> None:
    assert grant_periods_due(ANCHOR, add_months(ANCHOR, 5), add_months(ANCHOR, 3)) == []


def test_periods_work_across_time_zones() -> None:
    now = datetime(2025, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))  # = Feb 28 23:00 UTC
    assert grant_periods_due(ANCHOR, ANCHOR, now) == [at(2025, 2, 28)]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ANCHOR - timedelta(days=3), ANCHOR),
        (ANCHOR, at(2025, 2, 28)),
        (at(2025, 2, 28) - SECOND, at(2025, 2, 28)),
        (at(2025, 2, 28), at(2025, 3, 31)),
        (at(2026, 1, 1), at(2026, 1, 31)),
    ],
)
def test_next_grant_at_is_strictly_after_now(now: datetime, expected: datetime) -> None:
    assert next_grant_at(ANCHOR, now) == expected


# --- grant amount (rollover cap) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "cap", "held", "expected"),
    [
        (5, 15, 0, 5),
        (5, 15, 10, 5),  # lands exactly on the cap
        (5, 15, 12, 3),  # the rest of the grant is not given
        (5, 15, 15, 0),
        (5, 15, 20, 0),  # above the cap (e.g. after a plan change): nothing, never negative
        (0, 0, 0, 0),  # free plan
        (50, 150, 149, 1),
    ],
)
def test_grant_amount_respects_the_cap(monthly: int, cap: int, held: int, expected: int) -> None:
    assert grant_amount(monthly, cap, held) == expected


# --- spending ------------------------------------------------------------------------------


def test_spend_takes_the_earliest_expiry_first_whatever_the_input_order() -> None:
    lots = [lot("late", 5, 300), lot("early", 2, 20), lot("middle", 3, 60)]
    assert choose_spend(lots, 4, NOW) == [("early", 2), ("middle", 2)]


def test_spend_ties_break_on_created_at_then_id() -> None:
    lots = [
        lot("b", 1, 30, created_days_ago=5),
        lot("c", 1, 30, created_days_ago=9),
        lot("a", 1, 30, created_days_ago=5),
    ]
    assert choose_spend(lots, 3, NOW) == [("c", 1), ("a", 1), ("b", 1)]


def test_spend_skips_expired_and_empty_lots() -> None:
    lots = [
        lot("expired", 5, -1),
        lot("expires-now", 5, 0),  # expires_at == now is expired
        lot("empty", 0, 1),
        lot("good", 3, 2),
    ]
    assert choose_spend(lots, 2, NOW) == [("good", 2)]


def test_spend_of_one_from_a_single_lot() -> None:
    assert choose_spend([lot("only", 1, 1)], 1, NOW) == [("only", 1)]


def test_spend_can_drain_everything() -> None:
    lots = [lot("a", 2, 10), lot("b", 3, 20)]
    assert choose_spend(lots, 5, NOW) == [("a", 2), ("b", 3)]


def test_insufficient_counts_only_unexpired_credits() -> None:
    lots = [lot("expired", 10, -1), lot("a", 2, 10), lot("b", 1, 20)]
    with pytest.raises(InsufficientCredits) as caught:
        choose_spend(lots, 4, NOW)
    assert (caught.value.needed, caught.value.available) == (4, 3)


def test_insufficient_with_no_lots() -> None:
    with pytest.raises(InsufficientCredits) as caught:
        choose_spend([], 1, NOW)
    assert (caught.value.needed, caught.value.available) == (1, 0)


def test_spend_of_zero_chooses_nothing() -> None:
    assert choose_spend([], 0, NOW) == []
    assert choose_spend([lot("a", 2, 10)], 0, NOW) == []


def test_negative_spend_is_a_bug() -> None:
    with pytest.raises(ValueError):
        choose_spend([lot("a", 2, 10)], -1, NOW)


def test_expired_lots_and_balance_split_at_expires_at() -> None:
    lots = [lot("past", 2, -3), lot("now", 3, 0), lot("empty", 0, -1), lot("future", 4, 1)]
    assert [x.id for x in expired_lots(lots, NOW)] == ["past", "now"]
    assert spendable_balance(lots, NOW) == 4
    assert spendable_balance(lots, NOW - timedelta(days=5)) == 9
    assert spendable_balance([], NOW) == 0


# --- lot expiry and refunds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "days"), [("grant", 90), ("purchase", 365), ("refund", 90), ("adjustment", 365)]
)
def test_lot_expiry_defaults(source: str, days: int) -> None:
    assert lot_expiry(source, NOW) == NOW + timedelta(days=days)


def test_lot_expiry_is_configurable() -> None:
    assert lot_expiry("grant", NOW, grant_days=30) == NOW + timedelta(days=30)
    assert lot_expiry("purchase", NOW, purchase_days=10) == NOW + timedelta(days=10)
    assert lot_expiry("refund", NOW, refund_days=1) == NOW + timedelta(days=1)


def test_lot_expiry_rejects_unknown_source() -> None:
    with pytest.raises(ValueError):
        lot_expiry("gift", NOW)


SENT = at(2025, 1, 10)


@pytest.mark.parametrize(
    ("responded_at", "cost", "already_refunded", "expected"),
    [
        (SENT + timedelta(hours=1), 1, False, True),
        (SENT + timedelta(days=90), 1, False, True),  # exactly 90 days is within the window
        (SENT + timedelta(days=90) + SECOND, 1, False, False),
        (SENT + timedelta(hours=1), 0, False, False),  # an Open Profile InMail cost nothing
        (SENT + timedelta(hours=1), 1, True, False),
    ],
)
def test_refund_due(
    responded_at: datetime, cost: int, already_refunded: bool, expected: bool
) -> None:
    assert refund_due(SENT, responded_at, cost, already_refunded) is expected


def test_refund_window_is_configurable() -> None:
    assert refund_due(SENT, SENT + timedelta(days=7), 1, False, window_days=7)
    assert not refund_due(SENT, SENT + timedelta(days=7, seconds=1), 1, False, window_days=7)


# --- property: a tiny ledger driven only by the domain functions ---------------------------

MONTHLY, CAP = 5, 15  # Premium Career


@dataclass
class Sent:
    at: datetime
    cost: int
    refunded: bool = False


@dataclass
class Account:
    """An in-memory stand-in for the lots table and the append-only ledger."""

    now: datetime
    anchor: datetime
    last_period: datetime | None = None
    lots: list[Lot] = field(default_factory=list)
    ledger: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, amount, lot_id)
    sent: list[Sent] = field(default_factory=list)

    def add_lot(self, source: str, amount: int) -> None:
        lot_id = f"lot-{len(self.lots):04d}"
        expires_at = lot_expiry(source, self.now)
        self.lots.append(Lot(lot_id, source, amount, expires_at, self.now))
        self.ledger.append((source, amount, lot_id))

    def take(self, kind: str, lot_id: str, amount: int) -> None:
        index = next(i for i, x in enumerate(self.lots) if x.id == lot_id)
        current = self.lots[index]
        self.lots[index] = replace(current, remaining=current.remaining - amount)
        self.ledger.append((kind, -amount, lot_id))

    def granted_held(self) -> int:
        return sum(
            x.remaining for x in self.lots if x.source == "grant" and x.expires_at > self.now
        )

    def expire(self) -> None:
        for gone in expired_lots(self.lots, self.now):
            self.take("expiry", gone.id, gone.remaining)

    def grant(self) -> None:
        # The worker expires first, so the cap counts only grant credits still held.
        self.expire()
        for period in grant_periods_due(self.anchor, self.last_period, self.now):
            amount = grant_amount(MONTHLY, CAP, self.granted_held())
            if amount:
                self.add_lot("grant", amount)
            self.last_period = period
            assert self.granted_held() <= CAP

    def spend(self, amount: int) -> None:
        before = list(self.lots)
        balance = spendable_balance(before, self.now)
        try:
            takes = choose_spend(before, amount, self.now)
        except InsufficientCredits as refused:
            assert amount > balance
            assert (refused.needed, refused.available) == (amount, balance)
            return
        assert sum(n for _, n in takes) == amount
        assert_fifo(before, dict(takes), self.now)
        for lot_id, n in takes:
            self.take("spend", lot_id, n)
        self.sent.append(Sent(self.now, amount))

    def respond(self, pick: int) -> None:
        if not self.sent:
            return
        inmail = self.sent[pick % len(self.sent)]
        if refund_due(inmail.at, self.now, inmail.cost, inmail.refunded):
            inmail.refunded = True
            self.add_lot("refund", inmail.cost)


def key(x: Lot) -> tuple[datetime, datetime, str]:
    return (x.expires_at, x.created_at, x.id)


def assert_fifo(lots: list[Lot], takes: dict[str, int], now: datetime) -> None:
    """Every credit taken expires no later than any spendable credit left behind."""
    spendable = [x for x in lots if x.remaining > 0 and x.expires_at > now]
    by_id = {x.id: x for x in lots}
    assert all(lot_id in {x.id for x in spendable} for lot_id in takes)
    assert all(0 < n <= by_id[lot_id].remaining for lot_id, n in takes.items())
    if not takes:
        return
    latest_taken = max(key(by_id[lot_id]) for lot_id in takes)
    left_behind = [x for x in spendable if x.remaining - takes.get(x.id, 0) > 0]
    assert all(key(x) >= latest_taken for x in left_behind)


def check_invariants(account: Account, settled: bool) -> None:
    total_remaining = sum(x.remaining for x in account.lots)
    assert all(x.remaining >= 0 for x in account.lots)
    running = 0
    for _, amount, _ in account.ledger:
        running += amount
        assert running >= 0, "the ledger never goes negative"
    assert running == total_remaining
    for x in account.lots:  # every credit is traceable to its lot's ledger lines
        assert sum(a for _, a, lot_id in account.ledger if lot_id == x.id) == x.remaining
    expired_remaining = sum(x.remaining for x in expired_lots(account.lots, account.now))
    assert spendable_balance(account.lots, account.now) + expired_remaining == total_remaining
    if settled:
        assert spendable_balance(account.lots, account.now) == running


OPERATIONS = st.one_of(
    # Whole days, so time often lands exactly on an expiry or a refund deadline.
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=120)),
    st.tuples(st.just("grant"), st.just(0)),
    st.tuples(st.just("purchase"), st.sampled_from([5, 10, 25, 50])),
    st.tuples(st.just("spend"), st.integers(min_value=1, max_value=8)),
    st.tuples(st.just("respond"), st.integers(min_value=0, max_value=1000)),
    st.tuples(st.just("expire"), st.just(0)),
)


@settings(max_examples=300, deadline=None)
@given(operations=st.lists(OPERATIONS, max_size=80))
def test_ledger_invariants_hold_for_any_sequence(operations: list[tuple[str, int]]) -> None:
    anchor = at(2024, 1, 31)
    account = Account(now=anchor, anchor=anchor)
    for op, arg in operations:
        if op == "advance":
            account.now += timedelta(days=arg)
        elif op == "grant":
            account.grant()
        elif op == "purchase":
            account.add_lot("purchase", arg)
        elif op == "spend":
            account.spend(arg)
        elif op == "respond":
            account.respond(arg)
        elif op == "expire":
            account.expire()
        check_invariants(account, settled=op in ("grant", "expire"))
