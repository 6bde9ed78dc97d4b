from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from inroad.services import credits
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentMember, Cursor, IdempotencyKey, Limit
from inroad.web.schemas import (
    CreditsOut,
    LedgerOut,
    LotOut,
    MeOut,
    PackOut,
    Page,
    PlanIn,
    PlanOut,
    PurchaseIn,
    PurchaseOut,
    me_out,
)

router = APIRouter(tags=["plans and credits"])


@router.get("/plans", response_model=Page[PlanOut])
def list_plans(ctx: Ctx) -> Page[PlanOut]:
    return Page(items=[PlanOut(**p.model_dump()) for p in ctx.settings.plans])


@router.get("/credit-packs", response_model=Page[PackOut])
def list_packs(ctx: Ctx) -> Page[PackOut]:
    return Page(items=[PackOut(**p.model_dump()) for p in ctx.settings.credit_packs])


@router.put("/me/plan", response_model=MeOut)
def change_plan(body: PlanIn, ctx: Ctx, member: CurrentMember,
                idempotency_key: IdempotencyKey = None) -> MeOut:
    return me_out(credits.change_plan(ctx, member.id, body.plan, body.payment_token,
                                      idempotency_key))


@router.get("/me/credits", response_model=CreditsOut)
def get_credits(ctx: Ctx, member: CurrentMember) -> CreditsOut:
    result = credits.summary(ctx, member.id)
    return CreditsOut(balance=result.balance, spendable=result.spendable,
                      lots=[LotOut(source=lot.source, remaining=lot.remaining,
                                   expires_at=lot.expires_at) for lot in result.lots],
                      next_grant_at=result.next_grant_at)


@router.get("/me/credits/ledger", response_model=Page[LedgerOut])
def get_ledger(ctx: Ctx, member: CurrentMember, limit: Limit = 20,
               cursor: Cursor = None) -> Page[LedgerOut]:
    after = cursors.decode(cursor, int)
    rows = credits.ledger(ctx, member.id, after[0] if after else None, limit)
    items = [LedgerOut(id=r.id, kind=r.kind, amount=r.amount, balance_after=r.balance_after,
                       created_at=r.created_at, ref=r.ref) for r in rows]
    return Page(items=items, next_cursor=cursors.encode(rows[-1].seq) if len(rows) == limit
                else None)


@router.post("/me/credits/purchases", status_code=201, response_model=PurchaseOut)
def purchase(body: PurchaseIn, ctx: Ctx, member: CurrentMember,
             idempotency_key: IdempotencyKey = None) -> JSONResponse:
    status, response = credits.purchase(ctx, member.id, body.credits, body.payment_token,
                                        idempotency_key)
    return JSONResponse(PurchaseOut(**response).model_dump(), status_code=status)
