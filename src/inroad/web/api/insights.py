from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from inroad.services import followups, insights, review
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentMember, Cursor, Limit, call
from inroad.web.schemas import Page
from inroad.web.schemas_insights import (
    FollowUpOut,
    InsightsOut,
    ReviewIn,
    ReviewOut,
    csv_filename,
    follow_up_out,
    insights_csv,
    insights_out,
    parse_range,
    review_out,
)

router = APIRouter(tags=["insights"])

From = Annotated[str | None, Query(alias="from", max_length=40,
                                   description="A date or RFC 3339 time (UTC day); "
                                               "default 89 days before `to`")]
To = Annotated[str | None, Query(max_length=40, description="Included; default today (UTC)")]
GroupBy = Annotated[Literal["day", "week", "month"], Query()]


def _insights(ctx: Ctx, member_id: str, first: str | None, last: str | None,
              group_by: Literal["day", "week", "month"]) -> insights.Insights:
    start, end = parse_range(first, last, insights.today(ctx))
    return insights.get_insights(ctx, member_id, start, end, group_by)


@router.get("/me/insights", response_model=InsightsOut, response_model_by_alias=True)
async def get_insights(ctx: Ctx, member: CurrentMember, from_: From = None, to: To = None,
                       group_by: GroupBy = "day") -> InsightsOut:
    return insights_out(await call(ctx, _insights, ctx, member.id, from_, to, group_by))


@router.get("/me/insights.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def get_insights_csv(ctx: Ctx, member: CurrentMember, from_: From = None, to: To = None,
                     group_by: GroupBy = "day") -> Response:
    ins = _insights(ctx, member.id, from_, to, group_by)
    return Response(insights_csv(ins), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{csv_filename(ins)}"'})


@router.get("/me/follow-ups", response_model=Page[FollowUpOut])
def get_follow_ups(ctx: Ctx, member: CurrentMember, limit: Limit = 20,
                   cursor: Cursor = None) -> Page[FollowUpOut]:
    after = cursors.decode(cursor, datetime, str)
    rows = followups.due(ctx, member.id, after, limit)
    nxt = (cursors.encode(rows[-1].inmail.sent_at, rows[-1].inmail.id)
           if len(rows) == limit else None)
    return Page(items=[follow_up_out(r) for r in rows], next_cursor=nxt)


@router.post("/inmails/review", response_model=ReviewOut)
async def review_inmail(body: ReviewIn, ctx: Ctx, member: CurrentMember) -> ReviewOut:
    return review_out(await call(ctx, review.review_draft, ctx, member.id, body.to_member_id,
                                 body.subject, body.body))
