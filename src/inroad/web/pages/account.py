"""Your data and your sessions: download an export, delete the account, see where you are
signed in and sign out there. The same services as `web/api/account.py`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from inroad.domain.errors import Refused, Unauthorized
from inroad.services import account_data, sessions
from inroad.web.pages.session import (
    Checked,
    Ctx,
    Form,
    PageRoute,
    Session,
    WebSession,
    end_session,
    redirect,
    render,
    validate,
)
from inroad.web.schemas import DeleteIn

router = APIRouter(route_class=PageRoute)

WRONG_PASSWORD = "That password is not right."


def _render(request: Request, name: str, context: dict[str, Any], session: WebSession,
            status: int = 200) -> Response:
    return render(request, name, {"section": "settings", **context}, session=session,
                  status=status)


def _signed_out(notice: str) -> Response:
    response = redirect("/login", notice)
    end_session(response)
    return response


# ---- your data: export and deletion ----


def account_page(request: Request, session: WebSession, errors: dict[str, str] | None = None,
                 status: int = 200) -> Response:
    return _render(request, "account/data.html", {"tab": "account", "errors": errors or {}},
                   session, status)


@router.get("/settings/account")
def account_view(request: Request, session: Session) -> Response:
    return account_page(request, session)


@router.get("/settings/account/export")
def export_download(ctx: Ctx, session: Session) -> Response:
    filename = f"inroad-export-{ctx.now():%Y-%m-%d}.json"
    return JSONResponse(account_data.export(ctx, session.member.id), headers={
        "Content-Disposition": f"attachment; filename={filename}",
        "Cache-Control": "no-store"})


@router.post("/settings/account/delete")
def delete_account(request: Request, ctx: Ctx, session: Checked, form: Form) -> Response:
    body, errors = validate(DeleteIn, {"password": form.get("password", "")})
    if body is not None:
        try:
            account_data.delete_account(ctx, session.member.id, body.password)
        except Unauthorized:  # not "sign in again": the page says what went wrong
            errors = {"password": WRONG_PASSWORD}
        except Refused as exc:  # too many wrong passwords: the sign-in limit
            errors = {"password": exc.message}
        else:
            return _signed_out("account_deleted")
    return account_page(request, session, errors, status=422)


# ---- signed-in sessions ----


@router.get("/settings/sessions")
def sessions_view(request: Request, ctx: Ctx, session: Session) -> Response:
    # This device first, then the others newest first.
    rows = sorted(sessions.list_sessions(ctx, session.member.id, session.token),
                  key=lambda row: not row[1])
    return _render(request, "account/sessions.html",
                   {"tab": "sessions", "sessions": rows,
                    "others": sum(not current for _, current in rows)}, session)


@router.post("/settings/sessions/others/revoke")
def revoke_other_sessions(ctx: Ctx, session: Checked) -> Response:
    sessions.revoke_others(ctx, session.member.id, session.token)
    return redirect("/settings/sessions", "others_revoked")


@router.post("/settings/sessions/{session_id}/revoke")
def revoke_session(ctx: Ctx, session: Checked, session_id: str) -> Response:
    if sessions.revoke(ctx, session.member.id, session_id, session.token):
        return _signed_out("signed_out")
    return redirect("/settings/sessions", "session_revoked")
