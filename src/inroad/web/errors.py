"""The one place that turns errors into HTTP responses, in API.md's format:
`{"error": {"code", "message", ...}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from inroad.domain.errors import DomainError
from inroad.web.metrics import count_refusal

log = logging.getLogger("inroad.errors")

STATUS = {
    "validation_error": 422, "bulk_identical": 422, "looks_promotional": 422,
    "unauthorized": 401,
    "not_found": 404, "recipient_not_found": 404,
    "premium_required": 403, "account_restricted": 403, "recipient_not_accepting": 403,
    "not_connected": 403, "forbidden": 403,
    "insufficient_credits": 402, "payment_declined": 402,
    "already_connected": 409, "already_pending": 409, "idempotency_conflict": 409,
    "conflict": 409, "contact_limit": 409,
    "follow_up_too_soon": 429, "rate_limited": 429,
    "payload_too_large": 413,
}

HTTP_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              413: "payload_too_large", 429: "rate_limited"}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def status_for(code: str) -> int:
    return STATUS.get(code, 400)


def field_errors(exc: RequestValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        name = ".".join(loc) or "body"
        fields.setdefault(name, str(err.get("msg", "is invalid")).removeprefix("Value error, "))
    return fields


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        if request.method == "POST" and request.url.path == "/api/v1/inmails":
            count_refusal(exc.code)
        headers = {}
        if "retry_after" in exc.extra:
            headers["Retry-After"] = str(int(exc.extra["retry_after"]))
        return JSONResponse(error_body(exc.code, exc.message, **exc.extra),
                            status_code=status_for(exc.code), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("validation_error", "Some fields are invalid.",
                                       fields=field_errors(exc)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not JSON: bad input like any other
            return JSONResponse(error_body("validation_error", "The body is not valid JSON.",
                                           fields={"body": "must be a JSON object"}),
                                status_code=422)
        code = HTTP_CODES.get(exc.status_code, "error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "Something went wrong on our side."),
                            status_code=500)
