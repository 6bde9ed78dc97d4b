"""Insights (stat tiles, chart, tables, CSV), follow-ups due, and the live review panel that the
compose form asks for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from inroad.domain import insights as rules
from inroad.domain.insights import Counts, GroupBy, Rate
from inroad.services import followups, insights, review
from inroad.web import cursors
from inroad.web.pages.session import Checked, Ctx, Form, PageRoute, Session, fragment, render
from inroad.web.schemas_insights import csv_filename, insights_csv

router = APIRouter(route_class=PageRoute)

PERIODS = {30: "30 days", 90: "90 days", 365: "12 months"}
GROUPS: dict[GroupBy, str] = {"day": "Day", "week": "Week", "month": "Month"}
FOLLOW_UPS_PAGE = 25


def _choice(days: str, group_by: str) -> tuple[int, GroupBy]:
    n = int(days) if days.isdigit() and int(days) in PERIODS else 90
    g: GroupBy = group_by if group_by in GROUPS else "day"
    return n, g


def _report(ctx: Any, member_id: str, days: int, group_by: GroupBy) -> insights.Insights:
    first, last = rules.default_range(insights.today(ctx), days)
    return insights.get_insights(ctx, member_id, first, last, group_by)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def rate_text(r: Rate) -> str:
    """"42% (31-54%, n=57)" (with an en dash): the rate, its 95% interval and the sample it
    stands on."""
    if r.value is None or r.ci is None:
        return "—"
    return f"{r.value * 100:.0f}% ({r.ci[0] * 100:.0f}\u2013{r.ci[1] * 100:.0f}%, n={r.n})"


def hours_text(h: float | None) -> str:
    if h is None:
        return "—"
    if h < 1:
        return f"{max(1, round(h * 60))} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} days"


def _chart(report: insights.Insights) -> dict[str, Any]:
    return {
        "labels": [p.key for p, _ in report.series],
        "delivered": [st.counts.delivered for _, st in report.series],
        "opened": [st.counts.opened for _, st in report.series],
        "responded": [st.counts.responded for _, st in report.series],
        "rejected": [st.counts.rejected for _, st in report.series],
    }


@router.get("/insights")
def insights_page(request: Request, ctx: Ctx, session: Session, days: str = "90",
                  group_by: str = "day") -> Response:
    n, g = _choice(days, group_by)
    report = _report(ctx, session.member.id, n, g)
    return render(request, "insights/index.html", {
        "section": "insights", "report": report, "days": n, "group_by": g,
        "periods": PERIODS, "groups": GROUPS, "chart": _chart(report),
        "open_rate": rules.open_rate, "response_rate": rules.response_rate,
        "avg_hours": rules.average_response_hours, "pct": pct, "rate_text": rate_text,
        "hours_text": hours_text, "Counts": Counts,
    }, session=session)


@router.get("/insights.csv")
def insights_csv_download(ctx: Ctx, session: Session, days: str = "90",
                          group_by: str = "day") -> Response:
    report = _report(ctx, session.member.id, *_choice(days, group_by))
    return Response(insights_csv(report), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{csv_filename(report)}"',
        "Cache-Control": "no-store"})


@router.get("/follow-ups")
def follow_ups_page(request: Request, ctx: Ctx, session: Session, cursor: str = "") -> Response:
    after = cursors.decode(cursor or None, datetime, str)
    items = followups.due(ctx, session.member.id, after, FOLLOW_UPS_PAGE)
    more = (cursors.encode(items[-1].inmail.sent_at, items[-1].inmail.id)
            if len(items) == FOLLOW_UPS_PAGE else None)
    return render(request, "insights/follow_ups.html", {
        "section": "inmails", "items": items, "more": more, "paged": bool(cursor),
        "wait_days": ctx.settings.follow_up_after_days,
        "follow_up_subject": follow_up_subject}, session=session)


def follow_up_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:200]


@router.post("/fragments/review")
def review_panel(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    """The compose form's live review. Drafts are judged as typed: over-long text is cut to the
    send limits rather than refused, and an empty draft gets a prompt (and the common ground to
    start from) instead of ten failures."""
    # NUL never reaches a query (PostgreSQL refuses it in text): a draft is judged without it.
    subject, body, to_id = (form.get(k, "").replace("\x00", "")[:n]
                            for k, n in (("subject", 200), ("body", 1900), ("to_member_id", 64)))
    result = review.review_draft(ctx, session.member.id, to_id, subject, body)
    return fragment(request, "review/_panel.html",
                    {"review": result, "empty": not (subject.strip() or body.strip())})
