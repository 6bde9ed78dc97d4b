"""Sign up, sign in, sign out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from inroad.domain.errors import Conflict, DomainError
from inroad.services import accounts
from inroad.web.pages.session import (
    Checked,
    Ctx,
    Form,
    MaybeSession,
    PageRoute,
    anonymous_csrf,
    check_anonymous_csrf,
    end_session,
    redirect,
    render,
    safe_next,
    set_anonymous_csrf,
    start_session,
    validate,
)
from inroad.web.schemas import LoginIn, SignupIn

router = APIRouter(route_class=PageRoute)

SIGNUP_FIELDS = ("full_name", "email", "headline", "company", "title", "location")


@router.get("/")
def home(session: MaybeSession) -> Response:
    return redirect("/inbox" if session else "/login")


def _anonymous_page(request: Request, name: str, context: dict[str, Any],
                    status: int = 200) -> Response:
    token = anonymous_csrf(request)
    response = render(request, name, {**context, "form_csrf": token}, status=status)
    set_anonymous_csrf(response, request, token)
    return response


@router.get("/login")
def login_page(request: Request, session: MaybeSession, next: str = "") -> Response:
    if session:
        return redirect(safe_next(next))
    return _anonymous_page(request, "auth/login.html",
                           {"next": safe_next(next, ""), "values": {}, "errors": {}})


@router.post("/login")
def login(request: Request, ctx: Ctx, form: Form) -> Response:
    check_anonymous_csrf(request, form)
    target = safe_next(form.get("next"))
    values = {"email": form.get("email", "")}
    body, errors = validate(LoginIn, form)
    if body is not None:
        try:
            result = accounts.login(ctx, email=body.email, password=body.password,
                                    token_kind="web",
                                    address=request.client.host if request.client else None)
        except DomainError as exc:
            errors = {"form": exc.message}
        else:
            response = redirect(target)
            start_session(response, ctx, result.token)
            return response
    return _anonymous_page(request, "auth/login.html",
                           {"next": safe_next(form.get("next"), ""), "values": values,
                            "errors": errors}, status=401 if "form" in errors else 422)


@router.get("/signup")
def signup_page(request: Request, session: MaybeSession) -> Response:
    if session:
        return redirect("/inbox")
    return _anonymous_page(request, "auth/signup.html", {"values": {}, "errors": {}})


@router.post("/signup")
def signup(request: Request, ctx: Ctx, form: Form) -> Response:
    check_anonymous_csrf(request, form)
    values = {k: form.get(k, "") for k in SIGNUP_FIELDS}
    data: dict[str, Any] = {k: v.strip() or None for k, v in values.items()}
    data["password"] = form.get("password", "")
    data.update(email=values["email"], full_name=values["full_name"])
    body, errors = validate(SignupIn, data)
    if body is not None:
        try:
            result = accounts.signup(ctx, **body.model_dump(), token_kind="web")
        except Conflict as exc:
            errors = {"email": exc.message}
        except DomainError as exc:
            errors = {"form": exc.message}
        else:
            response = redirect("/inbox", "welcome")
            start_session(response, ctx, result.token)
            return response
    return _anonymous_page(request, "auth/signup.html", {"values": values, "errors": errors},
                           status=409 if "email" in errors and body else 422)


@router.post("/logout")
def logout(ctx: Ctx, session: Checked) -> Response:
    accounts.logout(ctx, session.token)
    response = redirect("/login", "signed_out")
    end_session(response)
    return response
