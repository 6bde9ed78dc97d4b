"""Insight rules (SPEC §6): subject normalization, periods, rates with Wilson intervals, medians.

Counts are kept per sender and per UTC day of *sending* (an open, response or refund is added to
the day its InMail was sent), so every rate compares a cohort with itself: "of what I sent in
March, how much got a response" — never March's responses over March's sends. Everything here is
pure: callers pass days, counts and response times; nothing reads a clock or a database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from inroad.domain.errors import ValidationFailed

GroupBy = Literal["day", "week", "month"]
GROUP_BYS: tuple[GroupBy, ...] = ("day", "week", "month")
DEFAULT_DAYS = 90
MAX_YEARS = 3
SUBJECT_MAX = 200
# z for a two-sided 95% interval.
Z95 = 1.959963984540054

# Whatever stands for the recipient's name in a normalized subject.
NAME_TOKEN = "{name}"
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw)\s*:\s*)+", re.IGNORECASE)
# Runs of digits with their separators ("2026", "1,000", "3.5") become one "#": "5 roles" and
# "12 roles" are the same subject line.
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_TRIM = " \t.,;:!?-'\"()[]\u2013\u2014\u2018\u2019\u201c\u201d"


@dataclass(frozen=True)
class Counts:
    """Summable InMail counts for a sender (or the platform) over some days."""

    sent: int = 0
    delivered: int = 0
    rejected: int = 0
    opened: int = 0
    accepted: int = 0
    declined: int = 0
    replied: int = 0
    credits_spent: int = 0
    credits_refunded: int = 0
    response_hours_total: float = 0.0

    @property
    def responded(self) -> int:
        return self.accepted + self.declined + self.replied

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class Rate:
    """successes / n with a 95% Wilson score interval; `value` and `ci` are None when n is 0."""

    successes: int
    n: int
    value: float | None
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class Period:
    key: str  # "2026-01-15" (day), "2026-01-12" (the week's Monday), "2026-01" (month)
    start: date  # first day of the period inside the requested range
    end: date  # last day of the period inside the requested range


def _replace_name(text: str, name: str) -> str:
    """`name` replaced by `NAME_TOKEN` where it is not part of a longer word, leftmost first:
    what `re.sub` with "(?<!\\w)" + `re.escape(name)` + "(?!\\w)" gives, without compiling a
    pattern for every recipient."""
    out: list[str] = []
    pos = 0
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        if ((start == 0 or not _is_word(text[start - 1]))
                and (end == len(text) or not _is_word(text[end]))):
            out += (text[pos:start], NAME_TOKEN)
            pos = end
            start = text.find(name, end)
        else:
            start = text.find(name, start + 1)
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches in a str pattern


def normalize_subject(subject: str, names: Iterable[str] = ()) -> str:
    """The subject line as a group key: "Re:" prefixes dropped, the recipient's names (full,
    first, last) replaced by `{name}`, numbers by `#`, case and whitespace folded, surrounding
    punctuation trimmed, at most 200 characters. "Quick question, Ann!" and "quick  question,
    Bob" (to Ann and to Bob) are one subject."""
    text = _REPLY_PREFIX.sub("", subject) if ":" in subject else subject  # "Re:" needs a ":"
    text = " ".join(text.split()).casefold()
    names = {n.casefold().strip() for n in names
             if len(n.strip()) > 1 and any(ch.isalpha() for ch in n)}
    for name in sorted(names, key=len, reverse=True):
        text = _replace_name(text, name)
    text = _NUMBER.sub("#", text)
    return text.strip(_TRIM)[:SUBJECT_MAX]


def name_variants(full_name: str) -> tuple[str, ...]:
    """The full name, the first and the last word of it: what a subject line may call someone."""
    parts = full_name.split()
    return tuple(dict.fromkeys([full_name.strip(), *parts[:1], *parts[-1:]]))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a binomial proportion: unlike the normal approximation it
    stays inside [0, 1] and is honest about small samples (1 of 2 is "2% to 98%", not "50%")."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 and n the bounds are exactly 0 and 1; say so rather than 0.9999999999999999.
    lo = 0.0 if successes == 0 else max(0.0, center - half)
    hi = 1.0 if successes == n else min(1.0, center + half)
    return lo, hi


def rate(successes: int, n: int) -> Rate:
    if n <= 0:
        return Rate(successes, n, None, None)
    return Rate(successes, n, successes / n, wilson(successes, n))


def open_rate(c: Counts) -> Rate:
    return rate(c.opened, c.delivered)


def response_rate(c: Counts) -> Rate:
    return rate(c.responded, c.delivered)


def average_response_hours(c: Counts) -> float | None:
    return c.response_hours_total / c.responded if c.responded else None


def median(values: Sequence[float]) -> float | None:
    """The exact median (the mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def day_of(at: datetime) -> datetime:
    """00:00 UTC of the day `at` falls on: the key insight counts are kept under."""
    at = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return datetime(at.year, at.month, at.day, tzinfo=UTC)


def hours_between(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def period_start(day: date, group_by: GroupBy) -> date:
    if group_by == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if group_by == "month":
        return day.replace(day=1)
    return day


def period_key(day: date, group_by: GroupBy) -> str:
    start = period_start(day, group_by)
    return start.strftime("%Y-%m") if group_by == "month" else start.isoformat()


def _next_period(start: date, group_by: GroupBy) -> date:
    if group_by == "day":
        return start + timedelta(days=1)
    if group_by == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods(first: date, last: date, group_by: GroupBy) -> list[Period]:
    """Every period touching [first, last], in order, each clipped to the range, so a chart has
    a point for every period even when nothing happened in it."""
    out: list[Period] = []
    start = period_start(first, group_by)
    while start <= last:
        nxt = _next_period(start, group_by)
        out.append(Period(period_key(start, group_by), max(start, first),
                          min(nxt - timedelta(days=1), last)))
        start = nxt
    return out


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_range(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The last `days` days, today included."""
    return today - timedelta(days=days - 1), today


def check_range(first: date, last: date) -> None:
    """Both days are included. At most three years, so a query stays a few thousand rows."""
    if last < first:
        raise ValidationFailed({"to": "Must not be before `from`."})
    if last > _plus_years(first, MAX_YEARS):
        raise ValidationFailed({"to": f"The range can be at most {MAX_YEARS} years long."})
