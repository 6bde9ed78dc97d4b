"""Sender insights (SPEC §6): exact pre-aggregated counts, kept in the transaction of the event
they count, and the report read back from them.

Counting. Each `count_*` adds to the day the InMail was *sent* (a cohort: what I sent in March
and what became of it), for the sender and for the platform ("*"), under the dimensions `all`,
`subject` (normalized) and `purpose`. The platform keeps `all` and `purpose` only: subject lines
are nearly unique across a platform, so platform subject rows would grow like the InMail table,
sit inside every platform range read, and give each subject a sample too small to compare with.
Call them inside the caller's write transaction, after its other writes and locks (refunds
included): they take the count rows' locks last and in key order, which keeps PostgreSQL free of
deadlocks. The platform `all` row is one hot row that every send and response on the platform
updates; fine at today's volume, and docs/scaling.md says what to do past it.

Opens. An InMail counts as opened only when its recipient has read receipts on at the moment it
is opened (or answered, which implies an open): a member with receipts off never shows up as
"opened" in anyone's insights, and turning receipts on later does not rewrite history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain import insights as rules
from inroad.domain.insights import Counts, GroupBy, Period
from inroad.models import InMail, Member
from inroad.store import insights as store

PLATFORM = "*"
SUBJECTS_SHOWN = 50
RESPONSES = {"accepted", "declined", "replied"}


def _subject_key(s: Session, subject: str, recipient_id: str | None) -> str:
    # The recipient is already in the session on every path that counts (send, open, respond).
    recipient = s.get(Member, recipient_id) if recipient_id else None
    names = rules.name_variants(recipient.full_name) if recipient is not None else ()
    return rules.normalize_subject(subject, names)


def _add(s: Session, sender_id: str, sent_at: datetime, subject: str, purpose: str,
         recipient_id: str | None, deltas: dict[str, float]) -> None:
    day = rules.day_of(sent_at)
    key = _subject_key(s, subject, recipient_id)
    store.add_counts(s, [
        (sender_id, day, "all", "", deltas),
        (sender_id, day, "subject", key, deltas),
        (sender_id, day, "purpose", purpose, deltas),
        (PLATFORM, day, "all", "", deltas),
        (PLATFORM, day, "purpose", purpose, deltas),
    ])


def _add_for(s: Session, im: InMail, deltas: dict[str, float]) -> None:
    _add(s, im.sender_id, im.sent_at, im.subject, im.purpose, im.recipient_id, deltas)


def count_sent(s: Session, inmail: InMail) -> None:
    """A delivered InMail: sent, delivered, and the credits it cost."""
    _add_for(s, inmail, {"sent": 1, "delivered": 1, "credits_spent": inmail.cost})


def count_rejected(s: Session, sender_id: str, subject: str, purpose: str, at: datetime,
                   recipient_id: str | None = None) -> None:
    """An InMail refused by the recipient's settings or blocks or by compliance
    (`delivery.counts_as_rejected`): sent and rejected, on the day of the attempt."""
    _add(s, sender_id, at, subject, purpose, recipient_id, {"sent": 1, "rejected": 1})


def count_opened(s: Session, inmail: InMail, at: datetime) -> bool:
    """The first open (or a response before any open). Counted only if the recipient has read
    receipts on now; returns whether it was counted."""
    recipient = s.get(Member, inmail.recipient_id)
    if recipient is None or not recipient.read_receipts:
        return False
    _add_for(s, inmail, {"opened": 1})
    return True


def count_response(s: Session, inmail: InMail, status: str, at: datetime) -> None:
    """The first response (accepted, declined or replied) and the hours it took."""
    if status not in RESPONSES:
        raise ValueError(f"not a response: {status}")
    _add_for(s, inmail, {status: 1,
                         "response_hours_total": rules.hours_between(inmail.sent_at, at)})


def count_refund(s: Session, inmail: InMail, at: datetime) -> None:
    """The credit an InMail returned to its sender on a response."""
    if inmail.cost:
        _add_for(s, inmail, {"credits_refunded": inmail.cost})


# ---- the report ----


@dataclass(frozen=True)
class Stats:
    counts: Counts
    median_response_hours: float | None = None


@dataclass(frozen=True)
class Group:
    value: str
    stats: Stats
    platform: Counts | None = None  # the platform's counts for the same value, when kept


@dataclass(frozen=True)
class Insights:
    first: date
    last: date
    group_by: GroupBy
    totals: Stats
    series: list[tuple[Period, Stats]]
    by_subject: list[Group]
    by_purpose: list[Group]
    platform: Counts
    subjects_total: int  # distinct subjects in the range; `by_subject` shows the top 50


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(), tzinfo=UTC)


def get_insights(ctx: Context, member_id: str, first: date, last: date,
                 group_by: GroupBy = "day") -> Insights:
    """A sender's insights for the InMails sent from `first` to `last` (UTC days, inclusive).
    Reads the sender's count rows of the range (one per day and dimension value), the
    platform's (~8 a day) and the sender's answered InMails of the range (the exact median)."""
    rules.check_range(first, last)
    start, end = _midnight(first), _midnight(last)
    with ctx.db.read() as s:
        daily = store.daily_counts(s, member_id, start, end)
        mine = store.counts_by_value(s, member_id, start, end, ("subject", "purpose"))
        platform = store.counts_by_value(s, PLATFORM, start, end, ("all", "purpose"))
        hours = store.response_hours(s, member_id, start, end + timedelta(days=1))

    spans = rules.periods(first, last, group_by)
    per_period: dict[str, Counts] = defaultdict(Counts)
    for day, counts in daily.items():
        per_period[rules.period_key(day, group_by)] += counts
    hours_by_day: dict[date, list[float]] = defaultdict(list)
    for day, h in hours:
        hours_by_day[day].append(h)
    hours_by_period: dict[str, list[float]] = defaultdict(list)
    for day, values in hours_by_day.items():
        hours_by_period[rules.period_key(day, group_by)].extend(values)
    series = [(p, Stats(per_period[p.key], rules.median(hours_by_period[p.key])))
              for p in spans]
    totals = Stats(sum(daily.values(), Counts()), rules.median([h for _, h in hours]))

    subjects = sorted(mine["subject"].items(), key=lambda kv: (-kv[1].sent, kv[0]))
    by_subject = [Group(v, Stats(c)) for v, c in subjects[:SUBJECTS_SHOWN]]
    by_purpose = [Group(v, Stats(c), platform["purpose"].get(v, Counts()))
                  for v, c in sorted(mine["purpose"].items(), key=lambda kv: (-kv[1].sent,
                                                                              kv[0]))]
    return Insights(first, last, group_by, totals, series, by_subject, by_purpose,
                    platform["all"].get("", Counts()), len(subjects))


def today(ctx: Context) -> date:
    return ctx.now().astimezone(UTC).date()
