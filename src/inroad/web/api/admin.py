from __future__ import annotations

from fastapi import APIRouter

from inroad.services import accounts, credits
from inroad.web.deps import Ctx, CurrentAdmin
from inroad.web.schemas import AdminCreditsIn, AdminStatusIn, BalanceOut, MemberOut, member_out

router = APIRouter(prefix="/admin", tags=["moderation"])


@router.post("/members/{member_id}/status", response_model=MemberOut)
def set_status(member_id: str, body: AdminStatusIn, ctx: Ctx, admin: CurrentAdmin) -> MemberOut:
    return member_out(accounts.set_status(ctx, admin.id, member_id, body.status))


@router.post("/members/{member_id}/credits", response_model=BalanceOut)
def adjust_credits(member_id: str, body: AdminCreditsIn, ctx: Ctx,
                   admin: CurrentAdmin) -> BalanceOut:
    return BalanceOut(balance=credits.adjust(ctx, admin.id, member_id, body.amount, body.reason))
