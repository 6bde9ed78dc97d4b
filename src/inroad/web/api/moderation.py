"""The moderators' queues: reports and appeals. Admins only (403 for everyone else)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter

from inroad.services import moderation
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentAdmin, Cursor, Limit
from inroad.web.schemas import Page
from inroad.web.schemas_safety import (
    AdminAppealOut,
    AdminReportOut,
    ResolveAppealIn,
    ResolveReportIn,
    admin_appeal_out,
    admin_report_out,
)

router = APIRouter(prefix="/admin", tags=["moderation"])


@router.get("/reports", response_model=Page[AdminReportOut])
def list_reports(ctx: Ctx, admin: CurrentAdmin,
                 status: Literal["open", "dismissed", "actioned"] = "open",
                 limit: Limit = 20, cursor: Cursor = None) -> Page[AdminReportOut]:
    """Open reports oldest first (a queue); dismissed and actioned ones newest first."""
    after = cursors.decode(cursor, datetime, str)
    cases = moderation.list_reports(ctx, admin.id, status, after, limit)
    last = cases[-1].report if len(cases) == limit else None
    return Page(items=[admin_report_out(c) for c in cases],
                next_cursor=cursors.encode(last.created_at, last.id) if last else None)


@router.post("/reports/{report_id}/resolve", response_model=AdminReportOut)
def resolve_report(report_id: str, body: ResolveReportIn, ctx: Ctx,
                   admin: CurrentAdmin) -> AdminReportOut:
    return admin_report_out(moderation.resolve_report(ctx, admin.id, report_id, body.action))


@router.get("/appeals", response_model=Page[AdminAppealOut])
def list_appeals(ctx: Ctx, admin: CurrentAdmin,
                 status: Literal["open", "upheld", "granted"] = "open",
                 limit: Limit = 20, cursor: Cursor = None) -> Page[AdminAppealOut]:
    """Open appeals oldest first (a queue); decided ones newest first."""
    after = cursors.decode(cursor, datetime, str)
    cases = moderation.list_appeals(ctx, admin.id, status, after, limit)
    last = cases[-1].appeal if len(cases) == limit else None
    return Page(items=[admin_appeal_out(c) for c in cases],
                next_cursor=cursors.encode(last.created_at, last.id) if last else None)


@router.post("/appeals/{appeal_id}/resolve", response_model=AdminAppealOut)
def resolve_appeal(appeal_id: str, body: ResolveAppealIn, ctx: Ctx,
                   admin: CurrentAdmin) -> AdminAppealOut:
    return admin_appeal_out(moderation.resolve_appeal(ctx, admin.id, appeal_id, body.action))
