"""Rate limits (SPEC §4) as fixed-window counters in `rate_counters`, shared by every app process.

A hit is one atomic upsert (`INSERT ... ON CONFLICT (key, window_start) DO UPDATE SET count =
count + 1 RETURNING count`, SQLite ≥ 3.35 and PostgreSQL alike), so two processes can never both
take "the last" slot. Windows are fixed (a UTC day, or `login_window_minutes` aligned to the
epoch): simple and cheap, at the price of allowing up to twice a limit across one boundary.

Limits:

* InMails per sender per UTC day: `inmails_per_day`, or `low_response_cap_per_day` while the
  sender is capped for a low response rate. Only delivered InMails count: `inmail_refusal` is
  asked before delivering and `record_inmail` counts the delivery in the same transaction.
* Failed logins per account (normalized e-mail) and per client address over
  `login_window_minutes`. An attempt reserves a slot before the password is checked and gives
  it back when the password was right, so parallel guesses cannot overrun the limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain.compliance import ComplianceResult, seconds_until
from inroad.models import Member, RateCounter
from inroad.store.driver import Prepared

RATE_LIMITED = "rate_limited"
KEEP = timedelta(days=1)  # counter rows older than this are deleted opportunistically
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    key: str
    start: datetime
    end: datetime


def fixed_window(key: str, now: datetime, length: timedelta) -> Window:
    start = _EPOCH + ((now - _EPOCH) // length) * length
    return Window(key, start, start + length)


def day_window(key: str, now: datetime) -> Window:
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return Window(key, start, start + timedelta(days=1))


def hit(s: Session, window: Window) -> int:
    """Count one event in the window and return the new count (atomic upsert). The first hit of
    a window also deletes this key's windows older than a day (primary-key prefix range)."""
    count = int(_upsert(s.get_bind().dialect.name).scalar(
        s, {"key": window.key, "window_start": window.start, "count": 1}))
    if count == 1:
        _PRUNE_KEY.execute(s, {"b_key": window.key, "b_before": window.start - KEEP})
    return count


_PRUNE_KEY = Prepared(delete(RateCounter).where(
    RateCounter.key == bindparam("b_key"), RateCounter.window_start < bindparam("b_before")))


@cache
def _upsert(dialect: str) -> Prepared:
    table: Table = RateCounter.__table__  # type: ignore[assignment]
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return Prepared(stmt.on_conflict_do_update(
        index_elements=[table.c.key, table.c.window_start],
        set_={"count": table.c.count + 1}).returning(table.c.count))


def unhit(s: Session, window: Window) -> None:
    s.execute(update(RateCounter).where(
        RateCounter.key == window.key, RateCounter.window_start == window.start,
        RateCounter.count > 0).values(count=RateCounter.count - 1))


def current(s: Session, window: Window) -> int:
    return int(_CURRENT.scalar(s, {"b_key": window.key, "b_start": window.start}) or 0)


_CURRENT = Prepared(select(RateCounter.count).where(
    RateCounter.key == bindparam("b_key"), RateCounter.window_start == bindparam("b_start")))


def prune(ctx: Context, _batch: int = 0) -> int:
    """Delete every counter window that started over a day ago: a time-based duty (`duties`),
    for keys no one hits again (`hit` prunes the keys it touches)."""
    cutoff = ctx.now() - KEEP
    with ctx.db.write() as s:
        result = s.execute(delete(RateCounter).where(RateCounter.window_start < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


# --- InMails per sender per day ---------------------------------------------------------------

def inmail_limit(ctx: Context, member: Member, now: datetime) -> int:
    capped = member.inmail_capped_until is not None and member.inmail_capped_until > now
    return ctx.settings.low_response_cap_per_day if capped else ctx.settings.inmails_per_day


def _inmail_window(member_id: str, now: datetime) -> Window:
    return day_window(f"inmail:{member_id}", now)


def _inmail_refusal(limit: int, window: Window, now: datetime) -> ComplianceResult:
    return ComplianceResult(
        RATE_LIMITED,
        f"You have reached today's limit of {limit} InMails. You can send more after "
        f"{window.end:%Y-%m-%d %H:%M} UTC.",
        {"retry_after": seconds_until(window.end, now), "limit": limit})


def inmail_refusal(ctx: Context, s: Session, member: Member,
                   now: datetime) -> ComplianceResult | None:
    """Whether one more InMail today would pass the sender's daily limit. Read-only."""
    window = _inmail_window(member.id, now)
    limit = inmail_limit(ctx, member, now)
    if current(s, window) >= limit:
        return _inmail_refusal(limit, window, now)
    return None


class LimitExceeded(Exception):
    """Raised inside the transaction when a count passed its limit anyway (a caller that did not
    hold the sender's lock): the transaction rolls back, so the limit still holds."""

    def __init__(self, refusal: ComplianceResult) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def record_inmail(ctx: Context, s: Session, member: Member, now: datetime) -> int:
    """Count a delivered InMail. The sender's row is locked, so `inmail_refusal` said there was
    room; the returned count is checked again all the same."""
    window = _inmail_window(member.id, now)
    count = hit(s, window)
    limit = inmail_limit(ctx, member, now)
    if count > limit:
        raise LimitExceeded(_inmail_refusal(limit, window, now))
    return count


# --- Login attempts ---------------------------------------------------------------------------

def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def login_windows(ctx: Context, email: str, address: str | None,
                  now: datetime) -> list[tuple[Window, int]]:
    length = timedelta(minutes=ctx.settings.login_window_minutes)
    out = [(fixed_window(f"login:account:{_digest(email)}", now, length),
            ctx.settings.login_attempts_per_account)]
    if address:
        out.append((fixed_window(f"login:address:{_digest(address)}", now, length),
                    ctx.settings.login_attempts_per_address))
    return out


def reserve_login(ctx: Context, s: Session, email: str, address: str | None,
                  now: datetime) -> ComplianceResult | None:
    """Count this attempt as failed until `release_login` says otherwise. A refusal when the
    account or the address already used up its failed attempts in this window."""
    windows = login_windows(ctx, email, address, now)
    over = [w for w, limit in windows if hit(s, w) > limit]
    if not over:
        return None
    until = max(w.end for w in over)
    minutes = max(1, round((until - now).total_seconds() / 60))
    return ComplianceResult(
        RATE_LIMITED,
        f"Too many failed sign-in attempts. Try again in {minutes} minute"
        f"{'' if minutes == 1 else 's'}.",
        {"retry_after": seconds_until(until, now)})


def release_login(ctx: Context, s: Session, email: str, address: str | None,
                  now: datetime) -> None:
    """The password was right: the reserved attempt was not a failure."""
    for window, _ in login_windows(ctx, email, address, now):
        unhit(s, window)
