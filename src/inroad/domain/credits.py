"""Credit rules (SPEC §1): monthly grants, rollover cap, lot expiry, FIFO spending and refunds.

Credits live in *lots* (one per grant, purchase, refund or adjustment), each with its own expiry;
the ledger records every movement. These functions only decide: which periods are due, how much a
grant gives, which lots a spend draws from, which lots have expired, whether a refund is owed. The
caller loads the lots, writes the ledger and holds the locks. `now` is always a parameter.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

SOURCES = ("grant", "purchase", "refund", "adjustment")

# A member who comes back after years gets at most a year's worth of catch-up periods; older lots
# would have expired long ago anyway (90 days), so granting them would only flood the ledger.
MAX_CATCH_UP_PERIODS = 13


@dataclass(frozen=True)
class Lot:
    id: str
    source: str
    remaining: int
    expires_at: datetime
    created_at: datetime


class InsufficientCredits(Exception):
    def __init__(self, needed: int, available: int) -> None:
        super().__init__(f"Needs {needed} credit(s), {available} available.")
        self.needed = needed
        self.available = available


def add_months(start: datetime, months: int) -> datetime:
    """`start` moved by calendar months; the day is clamped to the target month's last day
    (Jan 31 + 1 month = Feb 28, or 29 in a leap year). Time of day and tzinfo are kept."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def _last_period_index(anchor: datetime, moment: datetime) -> int:
    """Largest n with add_months(anchor, n) <= moment; -1 when moment is before the anchor."""
    n = (moment.year - anchor.year) * 12 + (moment.month - anchor.month)
    # The estimate is exact for same-zone datetimes; the loops only matter across time zones.
    while add_months(anchor, n) > moment:
        n -= 1
    while add_months(anchor, n + 1) <= moment:
        n += 1
    return max(n, -1)


def grant_periods_due(
    anchor: datetime, last_granted_period: datetime | None, now: datetime
) -> list[datetime]:
    """Monthly anniversaries of `anchor` (period 0 is the anchor itself) that are <= now and
    after `last_granted_period` (from period 0 when None), oldest first, at most the last
    MAX_CATCH_UP_PERIODS of them.

    Each anniversary is add_months(anchor, n), never chained from the previous one, so a
    Jan 31 anchor gives Feb 28, Mar 31, Apr 30 and not Feb 28, Mar 28, Apr 28. The returned
    datetimes are stable, so (member, period) works as the grant's idempotency key.
    """
    last_due = _last_period_index(anchor, now)
    first = 0
    if last_granted_period is not None:
        first = _last_period_index(anchor, last_granted_period) + 1
    first = max(first, last_due - MAX_CATCH_UP_PERIODS + 1)
    return [add_months(anchor, n) for n in range(first, last_due + 1)]


def next_grant_at(anchor: datetime, now: datetime) -> datetime:
    """The first anniversary strictly after `now` (the anchor itself if `now` is before it)."""
    return add_months(anchor, _last_period_index(anchor, now) + 1)


def grant_amount(monthly_credits: int, max_credits: int, granted_held: int) -> int:
    """Credits a grant gives: never lifts the granted credits held above the plan's cap; the
    rest of the grant is not given (SPEC §1). `granted_held` counts unexpired "grant" lots only
    (purchases and refunds do not count toward the cap), so expire lots before granting."""
    room = max(0, max_credits - granted_held)
    return max(0, min(monthly_credits, room))


def _spend_key(lot: Lot) -> tuple[datetime, datetime, str]:
    return (lot.expires_at, lot.created_at, lot.id)


def _spendable(lots: Sequence[Lot], now: datetime) -> list[Lot]:
    unexpired = (lot for lot in lots if lot.remaining > 0 and lot.expires_at > now)
    return sorted(unexpired, key=_spend_key)


def spendable_balance(lots: Sequence[Lot], now: datetime) -> int:
    return sum(lot.remaining for lot in _spendable(lots, now))


def choose_spend(lots: Sequence[Lot], amount: int, now: datetime) -> list[tuple[str, int]]:
    """The lots a spend of `amount` draws from, earliest expiry first (ties: created_at, id),
    as [(lot_id, take)] summing to `amount`. Raises InsufficientCredits if the unexpired lots
    hold less; nothing is chosen then."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    candidates = _spendable(lots, now)
    available = sum(lot.remaining for lot in candidates)
    if available < amount:
        raise InsufficientCredits(needed=amount, available=available)
    takes: list[tuple[str, int]] = []
    left = amount
    for lot in candidates:
        if left == 0:
            break
        take = min(lot.remaining, left)
        takes.append((lot.id, take))
        left -= take
    return takes


def expired_lots(lots: Sequence[Lot], now: datetime) -> list[Lot]:
    """Lots with credits left whose expiry has passed (expires_at <= now), earliest first."""
    expired = (lot for lot in lots if lot.remaining > 0 and lot.expires_at <= now)
    return sorted(expired, key=_spend_key)


def lot_expiry(
    source: str,
    created_at: datetime,
    *,
    grant_days: int = 90,
    purchase_days: int = 365,
    refund_days: int = 90,
    adjustment_days: int = 365,
) -> datetime:
    """When a new lot expires. SPEC §1 sets grants (90 days), purchases (365) and refunds (90);
    it is silent on moderator adjustments, which last as long as a purchase."""
    days = {
        "grant": grant_days,
        "purchase": purchase_days,
        "refund": refund_days,
        "adjustment": adjustment_days,
    }.get(source)
    if days is None:
        raise ValueError(f"unknown lot source: {source!r}")
    return created_at + timedelta(days=days)


def refund_due(
    sent_at: datetime,
    responded_at: datetime,
    cost: int,
    already_refunded: bool,
    window_days: int = 90,
) -> bool:
    """Whether a response earns the sender's credit back: the InMail cost something, was not
    refunded before, and the response came within `window_days` of sending (inclusive)."""
    if cost <= 0 or already_refunded:
        return False
    return responded_at - sent_at <= timedelta(days=window_days)
