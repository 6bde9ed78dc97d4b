"""Domain errors. Each carries a stable machine code from API.md; the web layer maps codes to
HTTP statuses in one place (`inroad.web.errors`)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "conflict"

    def __init__(self, message: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra


class NotFound(DomainError):
    code = "not_found"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class ValidationFailed(DomainError):
    """Bad input found by a rule rather than by the request schema."""

    code = "validation_error"

    def __init__(self, fields: dict[str, str], message: str = "Some fields are invalid.") -> None:
        super().__init__(message, fields=fields)
        self.fields = fields


class Refused(DomainError):
    """An action refused by policy (InMail delivery, compliance, credits, payment)."""
