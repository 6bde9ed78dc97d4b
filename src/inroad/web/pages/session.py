"""The web session (cookie), CSRF protection, rendering, and how pages show errors.

A signed-in browser holds `inroad_session`, an opaque token from `accounts.login(...,
token_kind="web")`. Every POST carries `csrf_token`, an HMAC of that token (form field, or the
`X-CSRF-Token` header htmx sends from `<meta name="csrf-token">`). Before sign-in there is no
session to bind to, so login and signup use a double-submit cookie (`inroad_csrf`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from inroad.context import Context
from inroad.domain.errors import DomainError, Unauthorized
from inroad.models import Member
from inroad.security import csrf_token
from inroad.services import accounts, conversations
from inroad.web.deps import Ctx
from inroad.web.errors import status_for

M = TypeVar("M", bound=BaseModel)

SESSION_COOKIE = "inroad_session"
CSRF_COOKIE = "inroad_csrf"

# Flash messages travel as a code in the query string (`?notice=sent`) so nobody can put
# their own words on our page through a link.
NOTICES = {
    "welcome": "Welcome to Inroad! Find people you know with Search.",
    "signed_out": "You are signed out.",
    "account_deleted": "Your account is deleted: your profile is erased and you are signed out "
                       "everywhere. Thank you for using Inroad.",
    "session_revoked": "That session is signed out.",
    "others_revoked": "You are signed out everywhere else. Only this device is still signed in.",
    "sent": "Message sent.",
    "inmail_sent": "InMail sent. You get the credit back if they respond within 90 days.",
    "request_sent": "Connection request sent.",
    "accepted": "Request accepted: you are now connected.",
    "declined": "Request declined.",
    "withdrawn": "Request withdrawn.",
    "removed": "Connection removed.",
    "profile_saved": "Profile saved.",
    "archived": "Conversation archived.",
    "unarchived": "Conversation moved back to your inbox.",
    "interested": "You told them you are interested. Write a reply below.",
    "not_interested": "You declined this InMail.",
    "purchased": "Credits added to your balance.",
    "plan_changed": "Your plan has changed.",
}


class LoginRequired(Exception):
    pass


class CsrfRejected(Exception):
    pass


@dataclass(frozen=True)
class WebSession:
    token: str
    member: Member
    csrf: str


def context_of(request: Request) -> Context:
    return request.app.state.ctx




def load_session(ctx: Context, token: str | None) -> WebSession | None:
    if not token:
        return None
    try:
        member = accounts.authenticate(ctx, token)
    except Unauthorized:
        return None
    return WebSession(token, member, csrf_token(ctx.settings.secret_key, token))


def optional_session(request: Request, ctx: Ctx) -> WebSession | None:
    return load_session(ctx, request.cookies.get(SESSION_COOKIE))


async def web_session(
        session: Annotated[WebSession | None, Depends(optional_session)]) -> WebSession:
    if session is None:
        raise LoginRequired
    return session


async def read_form(request: Request) -> dict[str, str]:
    """The posted form as plain strings (last value wins; files are ignored)."""
    if request.method != "POST":
        return {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Form = Annotated[dict[str, str], Depends(read_form)]


async def checked_session(request: Request, form: Form,
                          session: Annotated[WebSession, Depends(web_session)]) -> WebSession:
    """The signed-in member, for a state-changing request whose CSRF token matches."""
    sent = form.get("csrf_token") or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise CsrfRejected
    return session


Session = Annotated[WebSession, Depends(web_session)]
MaybeSession = Annotated[WebSession | None, Depends(optional_session)]
Checked = Annotated[WebSession, Depends(checked_session)]


def anonymous_csrf(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_anonymous_csrf(request: Request, form: Mapping[str, str]) -> None:
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    sent = form.get("csrf_token") or ""
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise CsrfRejected


def set_anonymous_csrf(response: Response, request: Request, value: str) -> None:
    if request.cookies.get(CSRF_COOKIE) != value:
        response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="lax",
                            secure=context_of(request).settings.secure_cookies, path="/")


def start_session(response: Response, ctx: Context, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=ctx.settings.token_ttl_days * 86400,
                        httponly=True, samesite="lax", secure=ctx.settings.secure_cookies,
                        path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def safe_next(target: str | None, default: str = "/inbox") -> str:
    """Only same-site paths: `//evil.example` and `/\\evil.example` are other sites."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def redirect(url: str, notice: str | None = None) -> RedirectResponse:
    if notice:
        url += ("&" if "?" in url else "?") + f"notice={notice}"
    return RedirectResponse(url, status_code=303)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def field_errors(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err.get("loc") else "form"
        message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
        fields.setdefault(name, _friendly(message))
    return fields


def _friendly(message: str) -> str:
    if message.startswith("String should have at least 1 character"):
        return "This field is required."
    if message.startswith("String should have at most"):
        return message.replace("String should have at most", "Use at most") + "."
    if message.startswith("String should have at least"):
        return message.replace("String should have at least", "Use at least") + "."
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def validate(model: type[M], data: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        return None, field_errors(exc)


def render(request: Request, name: str, context: Mapping[str, Any] | None = None, *,
           session: WebSession | None = None, status: int = 200,
           headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A full page: the layout needs the member, CSRF token, unread badge and flash notice."""
    ctx = context_of(request)
    base: dict[str, Any] = {
        "me": session.member if session else None,
        "csrf": session.csrf if session else None,
        "badge": conversations.unread_badge(ctx, session.member.id) if session else 0,
        "notice": NOTICES.get(request.query_params.get("notice", "")),
        "now": ctx.now(),
    }
    response = request.app.state.templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def fragment(request: Request, name: str, context: Mapping[str, Any], *,
             status: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A piece of a page for htmx: no layout."""
    response = request.app.state.templates.TemplateResponse(
        request, name, {"now": context_of(request).now(), **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


class PageRoute(APIRoute):
    """Turns errors into pages: not signed in → the login page; a bad CSRF token → 403; a
    domain error → a friendly page with the status API.md gives its code."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return _to_login(request)
            except CsrfRejected:
                return await _error_page(
                    request, 403, "This form has expired",
                    "For your safety we did not act on it. Go back, reload the page and try "
                    "again.")
            except DomainError as exc:
                if exc.code == "unauthorized":
                    return _to_login(request)
                return await _error_page(request, status_for(exc.code), _title(exc.code),
                                         exc.message)
            except RequestValidationError:
                return await _error_page(request, 422, "That link is not quite right",
                                         "Some part of the address is invalid.")

        return handle


def _to_login(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = here if request.method == "GET" else request.headers.get("hx-current-url", "/")
    url = f"/login?next={quote(safe_next(target), safe='/')}"
    if is_htmx(request):
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _title(code: str) -> str:
    return {"not_found": "We could not find that", "recipient_not_found": "We could not find that",
            "forbidden": "You cannot do that", "rate_limited": "Slow down a little"}.get(
                code, "That did not work")


async def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    ctx = context_of(request)
    session = await run_in_threadpool(load_session, ctx, request.cookies.get(SESSION_COOKIE))
    if is_htmx(request):
        return await run_in_threadpool(
            fragment, request, "partials/alert.html", {"message": message},
            headers={"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"})
    return await run_in_threadpool(render, request, "error.html",
                                   {"title": title, "message": message, "status": status},
                                   session=session, status=status)
