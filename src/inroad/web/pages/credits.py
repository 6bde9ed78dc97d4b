"""Credits (balance, lots, ledger, buying a pack) and plans."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request, Response

from inroad.context import Context
from inroad.domain.errors import DomainError, ValidationFailed
from inroad.services import credits
from inroad.web import cursors
from inroad.web.pages.session import (
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
from inroad.web.schemas import PlanIn, PurchaseIn

router = APIRouter(route_class=PageRoute)

LEDGER_PAGE = 50
SANDBOX_TOKEN = "tok_visa"


def credits_page(request: Request, ctx: Context, session: WebSession, cursor: str | None = None,
                 status: int = 200, **extra: Any) -> Response:
    me = session.member.id
    summary = credits.summary(ctx, me)
    before = cursors.decode(cursor, int)
    ledger = credits.ledger(ctx, me, before[0] if before else None, LEDGER_PAGE)
    more = cursors.encode(ledger[-1].seq) if len(ledger) == LEDGER_PAGE else None
    context: dict[str, Any] = {
        "section": "credits", "summary": summary, "ledger": ledger, "more": more,
        "paged": bool(cursor), "packs": ctx.settings.credit_packs,
        "plan": ctx.settings.plan(session.member.plan),
        "values": {"credits": "", "payment_token": SANDBOX_TOKEN}, "errors": {},
        "idempotency_key": secrets.token_urlsafe(18), **extra}
    return render(request, "credits.html", context, session=session, status=status)


@router.get("/credits")
def credits_view(request: Request, ctx: Ctx, session: Session, cursor: str = "") -> Response:
    return credits_page(request, ctx, session, cursor or None)


@router.post("/credits/purchase")
def purchase(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    values = {"credits": form.get("credits", ""), "payment_token": form.get("payment_token", "")}
    key = form.get("idempotency_key", "")[:200] or None
    body, errors = validate(PurchaseIn, values)
    if body is not None:
        try:
            credits.purchase(ctx, session.member.id, body.credits, body.payment_token, key)
        except ValidationFailed as exc:
            errors = dict(exc.fields)
        except DomainError as exc:
            errors = {"form": exc.message}
        else:
            return redirect("/credits", "purchased")
    # A declined card spends nothing, so the same key may be retried with another card.
    return credits_page(request, ctx, session, status=422, values=values, errors=errors,
                        idempotency_key=key or secrets.token_urlsafe(18))


def plan_page(request: Request, ctx: Context, session: WebSession, status: int = 200,
              **extra: Any) -> Response:
    context: dict[str, Any] = {"section": "plan", "plans": ctx.settings.plans,
                               "current": session.member.plan, "payment_token": SANDBOX_TOKEN,
                               "errors": {}, "target": None,
                               # One key per page: a double submit or a retry charges once.
                               "idempotency_key": secrets.token_urlsafe(18), **extra}
    return render(request, "plan.html", context, session=session, status=status)


@router.get("/plan")
def plan(request: Request, ctx: Ctx, session: Session) -> Response:
    return plan_page(request, ctx, session)


@router.post("/plan")
def change_plan(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    values = {"plan": form.get("plan", ""), "payment_token": form.get("payment_token") or None}
    body, errors = validate(PlanIn, values)
    if body is not None:
        try:
            credits.change_plan(ctx, session.member.id, body.plan, body.payment_token,
                                form.get("idempotency_key", "")[:200] or None)
        except ValidationFailed as exc:
            errors = dict(exc.fields)
        except DomainError as exc:
            errors = {"payment_token": exc.message}
        else:
            return redirect("/plan", "plan_changed")
    return plan_page(request, ctx, session, status=422, errors=errors, target=values["plan"],
                     payment_token=values["payment_token"] or "")
