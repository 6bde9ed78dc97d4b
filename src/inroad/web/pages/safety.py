"""Privacy settings, blocked members and stop requests, reporting, standing and appeals, and
the moderators' queues (admins only: everyone else gets the 403 page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from inroad.context import Context
from inroad.domain.errors import DomainError, ValidationFailed
from inroad.services import moderation, privacy, standing
from inroad.web import cursors
from inroad.web.errors import status_for
from inroad.web.pages.session import (
    NOTICES,
    Checked,
    Ctx,
    Form,
    PageRoute,
    Session,
    WebSession,
    redirect,
    render,
    validate,
)
from inroad.web.schemas_safety import AppealIn, ReportIn, SettingsPatch

router = APIRouter(route_class=PageRoute)

LIST_PAGE = 50
QUEUE_PAGE = 25
SWITCHES = ("allow_inmail", "open_profile", "email_notifications", "read_receipts")
REASON_LABELS = {
    "spam": "Spam",
    "harassment": "Harassment or abuse",
    "misrepresentation": "Fake identity or misleading",
    "commercial": "Unwanted sales or promotion",
    "other": "Something else",
}
OUTCOMES = {
    "warning": "Warning",
    "restricted_24h": "InMail blocked for 24 hours",
    "restricted_72h": "InMail blocked for 72 hours",
    "restricted_1w": "InMail blocked for 1 week",
    "suspended": "Account suspended",
}
SOURCES = {"report": "Confirmed report", "compliance": "Repeated refusals",
           "low_response": "Low response rate"}
NOTICE = {
    "settings_saved": "Privacy settings saved.",
    "blocked": "Blocked. They are not told, and can no longer reach you.",
    "unblocked": "Unblocked. They can reach you again as your settings allow.",
    "stop_lifted": "Stop request lifted. They can contact you again.",
    "appealed": "Appeal sent. A moderator will review it.",
    "report_dismissed": "Report dismissed.",
    "report_actioned": "Report confirmed: the member got a strike.",
    "appeal_upheld": "Appeal declined: the strike stands.",
    "appeal_granted": "Appeal granted: the strike no longer counts.",
}


def _render(request: Request, name: str, context: dict[str, Any], session: WebSession,
            status: int = 200) -> Response:
    code = request.query_params.get("notice", "")
    labels = {"REASONS": REASON_LABELS, "OUTCOMES": OUTCOMES, "SOURCES": SOURCES}
    return render(request, name, {**labels, "notice": NOTICE.get(code) or NOTICES.get(code),
                                  **context}, session=session, status=status)


# ---- privacy settings ----


def privacy_page(request: Request, ctx: Context, session: WebSession, status: int = 200,
                 **extra: Any) -> Response:
    current = privacy.get_settings(ctx, session.member.id)
    context = {"section": "settings", "tab": "privacy", "settings": current, "errors": {},
               **extra}
    return _render(request, "safety/privacy.html", context, session, status)


@router.get("/settings")
def settings_home() -> Response:
    return redirect("/settings/privacy")


@router.get("/settings/privacy")
def privacy_view(request: Request, ctx: Ctx, session: Session) -> Response:
    return privacy_page(request, ctx, session)


@router.post("/settings/privacy")
def privacy_save(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    # An unticked checkbox is not posted: absent means off.
    data: dict[str, Any] = {name: name in form for name in SWITCHES}
    data["inmail_from"] = form.get("inmail_from", "")
    body, errors = validate(SettingsPatch, data)
    if body is not None:
        try:
            privacy.update_settings(ctx, session.member.id, body.model_dump())
        except DomainError as exc:
            field = "open_profile" if exc.code == "premium_required" else "form"
            return privacy_page(request, ctx, session, status=status_for(exc.code),
                                errors={field: exc.message})
        return redirect("/settings/privacy", "settings_saved")
    return privacy_page(request, ctx, session, status=422, errors=errors)


# ---- blocked members and stop requests ----


@router.get("/settings/blocked")
def blocked_view(request: Request, ctx: Ctx, session: Session, blocked: str = "",
                 stops: str = "") -> Response:
    me = session.member.id
    blocked_rows = privacy.list_blocked(ctx, me, cursors.decode(blocked, datetime, str),
                                        LIST_PAGE)
    stop_rows = privacy.list_stops(ctx, me, cursors.decode(stops, datetime, str),
                                   LIST_PAGE)

    def more(rows: list[privacy.ListedMember]) -> str | None:
        last = rows[-1] if len(rows) == LIST_PAGE else None
        return cursors.encode(last.since, last.member.id) if last else None

    return _render(request, "safety/blocked.html",
                   {"section": "settings", "tab": "blocked", "blocked": blocked_rows,
                    "stops": stop_rows, "more_blocked": more(blocked_rows),
                    "more_stops": more(stop_rows), "paged": bool(blocked or stops)}, session)


@router.post("/members/{member_id}/block")
def block(ctx: Ctx, session: Checked, member_id: str) -> Response:
    privacy.block(ctx, session.member.id, member_id)
    return redirect("/settings/blocked", "blocked")


@router.post("/settings/blocked/{member_id}/unblock")
def unblock(ctx: Ctx, session: Checked, member_id: str) -> Response:
    privacy.unblock(ctx, session.member.id, member_id)
    return redirect("/settings/blocked", "unblocked")


@router.post("/settings/stops/{member_id}/lift")
def lift_stop(ctx: Ctx, session: Checked, member_id: str) -> Response:
    privacy.lift_stop(ctx, session.member.id, member_id)
    return redirect("/settings/blocked", "stop_lifted")


# ---- reporting ----


def report_page(request: Request, session: WebSession, values: dict[str, Any],
                errors: dict[str, str], status: int = 200) -> Response:
    return _render(request, "safety/report.html",
                   {"section": "inbox", "values": values, "errors": errors}, session, status)


@router.get("/report")
def report_form(request: Request, session: Session, message_id: str = "",
                inmail_id: str = "") -> Response:
    values = {"message_id": message_id[:64], "inmail_id": inmail_id[:64], "reason": "",
              "details": "", "block": False}
    return report_page(request, session, values, {})


@router.post("/report")
def report(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    values: dict[str, Any] = {
        "message_id": form.get("message_id") or None, "inmail_id": form.get("inmail_id") or None,
        "reason": form.get("reason", ""), "details": form.get("details", ""),
        "block": "block" in form}
    body, errors = validate(ReportIn, values)
    if body is not None:
        try:
            moderation.report(ctx, session.member.id, reason=body.reason,
                              message_id=body.message_id, inmail_id=body.inmail_id,
                              details=body.details, block=body.block)
        except ValidationFailed as exc:
            errors = {"form": next(iter(exc.fields.values()), exc.message)}
        else:
            return redirect("/report/sent?blocked=1" if body.block else "/report/sent")
    return report_page(request, session, values, errors, status=422)


@router.get("/report/sent")
def report_sent(request: Request, session: Session, blocked: str = "") -> Response:
    return _render(request, "safety/report_sent.html",
                   {"section": "inbox", "blocked": bool(blocked)}, session)


# ---- standing and appeals ----


def standing_page(request: Request, ctx: Context, session: WebSession, status: int = 200,
                  **extra: Any) -> Response:
    context = {"section": "settings", "tab": "standing",
               "standing": standing.get_standing(ctx, session.member.id),
               "appeal_for": None, "appeal_text": "", "errors": {},
               "low_response_cap": ctx.settings.low_response_cap_per_day, **extra}
    return _render(request, "safety/standing.html", context, session, status)


@router.get("/standing")
def standing_view(request: Request, ctx: Ctx, session: Session) -> Response:
    return standing_page(request, ctx, session)


@router.post("/standing/strikes/{strike_id}/appeal")
def appeal(request: Request, ctx: Ctx, session: Checked, form: Form,
           strike_id: str) -> Response:
    text = form.get("text", "")
    body, errors = validate(AppealIn, {"text": text})
    if body is not None:
        standing.appeal_strike(ctx, session.member.id, strike_id, body.text)
        return redirect("/standing", "appealed")
    return standing_page(request, ctx, session, status=422, appeal_for=strike_id,
                         appeal_text=text, errors=errors)


# ---- moderation (admins) ----


@router.get("/admin")
def admin_home() -> Response:
    return redirect("/admin/reports")


@router.get("/admin/reports")
def admin_reports(request: Request, ctx: Ctx, session: Session, status: str = "open",
                  cursor: str = "") -> Response:
    status = status if status in moderation.REPORT_STATUSES else "open"
    cases = moderation.list_reports(ctx, session.member.id, status,
                                    cursors.decode(cursor, datetime, str), QUEUE_PAGE)
    last = cases[-1].report if len(cases) == QUEUE_PAGE else None
    return _render(request, "safety/admin_reports.html",
                   {"section": "admin", "tab": "reports", "status": status, "cases": cases,
                    "more": cursors.encode(last.created_at, last.id) if last else None,
                    "paged": bool(cursor)}, session)


@router.post("/admin/reports/{report_id}/resolve")
def admin_resolve_report(ctx: Ctx, session: Checked, form: Form, report_id: str) -> Response:
    action = form.get("action", "")
    moderation.resolve_report(ctx, session.member.id, report_id, action)
    return redirect("/admin/reports",
                    "report_dismissed" if action == "dismiss" else "report_actioned")


@router.get("/admin/appeals")
def admin_appeals(request: Request, ctx: Ctx, session: Session, status: str = "open",
                  cursor: str = "") -> Response:
    status = status if status in moderation.APPEAL_STATUSES else "open"
    cases = moderation.list_appeals(ctx, session.member.id, status,
                                    cursors.decode(cursor, datetime, str), QUEUE_PAGE)
    last = cases[-1].appeal if len(cases) == QUEUE_PAGE else None
    return _render(request, "safety/admin_appeals.html",
                   {"section": "admin", "tab": "appeals", "status": status, "cases": cases,
                    "more": cursors.encode(last.created_at, last.id) if last else None,
                    "paged": bool(cursor)}, session)


@router.post("/admin/appeals/{appeal_id}/resolve")
def admin_resolve_appeal(ctx: Ctx, session: Checked, form: Form, appeal_id: str) -> Response:
    action = form.get("action", "")
    moderation.resolve_appeal(ctx, session.member.id, appeal_id, action)
    return redirect("/admin/appeals",
                    "appeal_granted" if action == "grant" else "appeal_upheld")
