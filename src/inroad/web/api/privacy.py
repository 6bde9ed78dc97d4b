"""Privacy and safety for every member: settings, blocks, stop requests, reports, standing."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response

from inroad.services import moderation, privacy, standing
from inroad.services.privacy import ListedMember
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentMember, Cursor, Limit
from inroad.web.schemas import Page, SettingsOut
from inroad.web.schemas_safety import (
    AppealIn,
    AppealOut,
    BlockIn,
    ListedMemberOut,
    ReportIn,
    ReportOut,
    SettingsPatch,
    StandingOut,
    appeal_out,
    listed_out,
    report_out,
    settings_out,
    standing_out,
)

router = APIRouter(tags=["privacy and safety"])


def _page(rows: list[ListedMember], limit: int) -> Page[ListedMemberOut]:
    nxt = (cursors.encode(rows[-1].since, rows[-1].member.id) if len(rows) == limit else None)
    return Page(items=[listed_out(r) for r in rows], next_cursor=nxt)


@router.get("/me/settings", response_model=SettingsOut)
def get_settings(ctx: Ctx, member: CurrentMember) -> SettingsOut:
    return settings_out(privacy.get_settings(ctx, member.id))


@router.patch("/me/settings", response_model=SettingsOut)
def patch_settings(body: SettingsPatch, ctx: Ctx, member: CurrentMember) -> SettingsOut:
    return settings_out(privacy.update_settings(ctx, member.id,
                                                body.model_dump(exclude_unset=True)))


@router.get("/blocks", response_model=Page[ListedMemberOut])
def list_blocks(ctx: Ctx, member: CurrentMember, limit: Limit = 20,
                cursor: Cursor = None) -> Page[ListedMemberOut]:
    after = cursors.decode(cursor, datetime, str)
    return _page(privacy.list_blocked(ctx, member.id, after, limit), limit)


@router.post("/blocks", status_code=201, response_model=ListedMemberOut)
def block(body: BlockIn, ctx: Ctx, member: CurrentMember) -> ListedMemberOut:
    """Idempotent: blocking a member already blocked answers 201 with the same block."""
    return listed_out(privacy.block(ctx, member.id, body.member_id))


@router.delete("/blocks/{member_id}", status_code=204)
def unblock(member_id: str, ctx: Ctx, member: CurrentMember) -> Response:
    privacy.unblock(ctx, member.id, member_id)
    return Response(status_code=204)


@router.get("/me/stops", response_model=Page[ListedMemberOut])
def list_stops(ctx: Ctx, member: CurrentMember, limit: Limit = 20,
               cursor: Cursor = None) -> Page[ListedMemberOut]:
    after = cursors.decode(cursor, datetime, str)
    return _page(privacy.list_stops(ctx, member.id, after, limit), limit)


@router.delete("/me/stops/{member_id}", status_code=204)
def lift_stop(member_id: str, ctx: Ctx, member: CurrentMember) -> Response:
    privacy.lift_stop(ctx, member.id, member_id)
    return Response(status_code=204)


@router.post("/reports", status_code=201, response_model=ReportOut)
def report(body: ReportIn, ctx: Ctx, member: CurrentMember) -> ReportOut:
    return report_out(moderation.report(
        ctx, member.id, reason=body.reason, message_id=body.message_id,
        inmail_id=body.inmail_id, details=body.details, block=body.block))


@router.get("/me/standing", response_model=StandingOut)
def get_standing(ctx: Ctx, member: CurrentMember) -> StandingOut:
    return standing_out(standing.get_standing(ctx, member.id))


@router.post("/me/standing/strikes/{strike_id}/appeal", status_code=201,
             response_model=AppealOut)
def appeal(strike_id: str, body: AppealIn, ctx: Ctx, member: CurrentMember) -> AppealOut:
    return appeal_out(standing.appeal_strike(ctx, member.id, strike_id, body.text))
