"""Shapes of insights, follow-ups and draft review (API.md "Insights", `inmails/review`), the
query parsing they share with the pages, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field

from inroad.domain import insights as rules
from inroad.domain.errors import ValidationFailed
from inroad.domain.insights import Counts, Rate
from inroad.services.followups import FollowUp
from inroad.services.insights import Insights, Stats
from inroad.services.review import DraftReview
from inroad.web.schemas import Id, In, InMailOut, MemberOut, Str, member_out

Interval = tuple[float, float]


class CountsOut(BaseModel):
    sent: int
    delivered: int
    rejected: int
    opened: int
    responded: int
    accepted: int
    declined: int
    replied: int
    open_rate: float | None
    response_rate: float | None
    open_rate_ci: Interval | None = Field(description="95% Wilson interval of open_rate")
    response_rate_ci: Interval | None = Field(description="95% Wilson interval of response_rate")
    avg_response_hours: float | None
    credits_spent: int
    credits_refunded: int


class StatsOut(CountsOut):
    median_response_hours: float | None


class PeriodOut(StatsOut):
    period: str = Field(description="Day `2026-01-15`, week (its Monday) `2026-01-12`, or "
                                    "month `2026-01`")
    start: date
    end: date


class PlatformOut(BaseModel):
    open_rate: float | None
    response_rate: float | None
    open_rate_ci: Interval | None
    response_rate_ci: Interval | None
    delivered: int
    opened: int
    responded: int


class SubjectOut(CountsOut):
    subject: str


class PurposeOut(CountsOut):
    purpose: str
    platform: PlatformOut


class InsightsOut(BaseModel):
    from_: date = Field(alias="from")
    to: date
    group_by: str
    totals: StatsOut
    series: list[PeriodOut]
    by_subject: list[SubjectOut]
    by_purpose: list[PurposeOut]
    platform: PlatformOut
    subjects_total: int = Field(description="Distinct subjects; by_subject lists the top 50")


class ReviewIn(In):
    """A draft as typed: subject and body may still be empty."""

    to_member_id: Id
    subject: Str = Field(default="", max_length=200)
    body: Str = Field(default="", max_length=1900)


class CheckOut(BaseModel):
    id: str
    ok: bool
    message: str
    details: list[str]


class CommonGroundOut(BaseModel):
    shared_connections: list[MemberOut]
    company: str | None
    skills: list[str]
    groups: list[str] = Field(description="Always empty: Inroad has no groups")


class ReviewOut(BaseModel):
    score: int
    checks: list[CheckOut]
    common_ground: CommonGroundOut


class FollowUpOut(InMailOut):
    recipient: MemberOut
    due_since: datetime


# ---- shaping ----


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _ci(r: Rate) -> Interval | None:
    return None if r.ci is None else (round(r.ci[0], 4), round(r.ci[1], 4))


def counts_fields(c: Counts) -> dict[str, Any]:
    o, r = rules.open_rate(c), rules.response_rate(c)
    return {
        "sent": c.sent, "delivered": c.delivered, "rejected": c.rejected, "opened": c.opened,
        "responded": c.responded, "accepted": c.accepted, "declined": c.declined,
        "replied": c.replied, "open_rate": _r(o.value), "response_rate": _r(r.value),
        "open_rate_ci": _ci(o), "response_rate_ci": _ci(r),
        "avg_response_hours": _r(rules.average_response_hours(c), 2),
        "credits_spent": c.credits_spent, "credits_refunded": c.credits_refunded,
    }


def stats_fields(st: Stats) -> dict[str, Any]:
    return {**counts_fields(st.counts),
            "median_response_hours": _r(st.median_response_hours, 2)}


def platform_out(c: Counts) -> PlatformOut:
    o, r = rules.open_rate(c), rules.response_rate(c)
    return PlatformOut(open_rate=_r(o.value), response_rate=_r(r.value), open_rate_ci=_ci(o),
                       response_rate_ci=_ci(r), delivered=c.delivered, opened=c.opened,
                       responded=c.responded)


def insights_out(ins: Insights) -> InsightsOut:
    return InsightsOut.model_validate(dict(
        {"from": ins.first}, to=ins.last, group_by=ins.group_by,
        totals=StatsOut(**stats_fields(ins.totals)),
        series=[PeriodOut(period=p.key, start=p.start, end=p.end, **stats_fields(st))
                for p, st in ins.series],
        by_subject=[SubjectOut(subject=g.value, **counts_fields(g.stats.counts))
                    for g in ins.by_subject],
        by_purpose=[PurposeOut(purpose=g.value, platform=platform_out(g.platform or Counts()),
                               **counts_fields(g.stats.counts)) for g in ins.by_purpose],
        platform=platform_out(ins.platform), subjects_total=ins.subjects_total))


CSV_COLUMNS = ("period", "start", "end", "sent", "delivered", "rejected", "opened", "responded",
               "accepted", "declined", "replied", "open_rate", "response_rate",
               "median_response_hours", "avg_response_hours", "credits_spent",
               "credits_refunded")


def insights_csv(ins: Insights) -> str:
    """The series, one row per period. Only dates and numbers: no cell a spreadsheet could
    mistake for a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p, st in ins.series:
        row = {"period": p.key, "start": p.start.isoformat(), "end": p.end.isoformat(),
               **stats_fields(st)}
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def csv_filename(ins: Insights) -> str:
    return f"inroad-insights-{ins.first.isoformat()}-to-{ins.last.isoformat()}-{ins.group_by}.csv"


def review_out(r: DraftReview) -> ReviewOut:
    return ReviewOut(
        score=r.score,
        checks=[CheckOut(id=c.id, ok=c.ok, message=c.message, details=list(c.details))
                for c in r.checks],
        common_ground=CommonGroundOut(
            shared_connections=[member_out(m) for m in r.shared_connections],
            company=r.company, skills=list(r.skills), groups=list(r.groups)))


def follow_up_out(f: FollowUp) -> FollowUpOut:
    return FollowUpOut(**f.inmail.__dict__, recipient=member_out(f.recipient),
                       due_since=f.due_since)


# ---- query parsing ----


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9000, 12, 31)


def parse_day(value: str, name: str) -> date:
    """A date (`2026-01-15`) or an RFC 3339 time, taken as its UTC day."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
        else:
            at = datetime.fromisoformat(text.replace("z", "Z"))
            day = (at.astimezone(UTC) if at.tzinfo else at).date()
    except (ValueError, OverflowError):
        raise ValidationFailed(
            {name: "Use a date like 2026-01-15 or an RFC 3339 time like "
                   "2026-01-15T09:00:00Z."}) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed({name: "Use a date between 1970 and 9000."})
    return day


def parse_range(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """Defaults: the last 90 days, today included. `from` alone runs to today; `to` alone
    covers the 90 days ending on it."""
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name, value in (("from", first), ("to", last)):
        if value:
            try:
                days[name] = parse_day(value, name)
            except ValidationFailed as exc:
                errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    if "from" in days and "to" in days:
        start, end = days["from"], days["to"]
    elif "from" in days:
        start, end = days["from"], max(days["from"], today)
    elif "to" in days:
        end = days["to"]
        start = rules.default_range(end)[0]
    else:
        start, end = rules.default_range(today)
    rules.check_range(start, end)
    return start, end
