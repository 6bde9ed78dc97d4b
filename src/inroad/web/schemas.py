"""Request and response shapes of the JSON API (API.md). Shared by the pages for validation."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from inroad.domain.accounts import MemberCard
from inroad.domain.delivery import open_profile_in_force
from inroad.models import Member

T = TypeVar("T")


def _clean(value: str) -> str:
    # PostgreSQL rejects NUL and lone surrogates; refuse them here with a 422, not a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Str = Annotated[str, AfterValidator(_clean)]


# Bounded plain-text fields: Text<min>to<max>, NB = must not be blank.
Text0to120 = Annotated[str, StringConstraints(min_length=0, max_length=120), AfterValidator(_clean)]
Text0to200 = Annotated[str, StringConstraints(min_length=0, max_length=200), AfterValidator(_clean)]
Text0to220 = Annotated[str, StringConstraints(min_length=0, max_length=220), AfterValidator(_clean)]
Text0to300 = Annotated[str, StringConstraints(min_length=0, max_length=300), AfterValidator(_clean)]
Text0to500 = Annotated[str, StringConstraints(min_length=0, max_length=500), AfterValidator(_clean)]
Text10to200 = Annotated[
    str, StringConstraints(min_length=10, max_length=200), AfterValidator(_clean)
]
Text1to120NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Text1to1900NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1900),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Text1to200 = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_clean)]
Text1to200NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Text1to320 = Annotated[str, StringConstraints(min_length=1, max_length=320), AfterValidator(_clean)]
Text1to40 = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_clean)]
Text1to500NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Text1to60NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
Text1to8000NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=8000),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("must be an email address like name@example.com")
    return value


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320),
    AfterValidator(_clean),
    AfterValidator(_email),
]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_clean)]
Purpose = Literal[
    "job_seeking", "hiring", "introduction", "networking", "sales", "sharing", "other"
]
Skills = Annotated[list[Text1to60NB], Field(max_length=50)]


class In(BaseModel):
    # Strict: `false` is not a number and `1` is not a string in a request body.
    model_config = ConfigDict(extra="ignore", strict=True)


class ProfileFields(In):
    headline: Text0to220 | None = None
    company: Text0to120 | None = None
    title: Text0to120 | None = None
    location: Text0to120 | None = None
    industry: Text0to120 | None = None
    skills: Skills | None = None


class SignupIn(ProfileFields):
    email: Email
    password: Text10to200
    full_name: Text1to120NB


class LoginIn(In):
    email: Text1to320
    password: Text1to200


class DeleteIn(In):  # deleting the account asks for the password again
    password: Text1to200


class ProfilePatch(ProfileFields):
    full_name: Text1to120NB | None = None


class ConnectionRequestIn(In):
    to_member_id: Id
    note: Text0to300 | None = None


class MessageIn(In):
    to_member_id: Id
    body: Text1to8000NB


class ConversationMessageIn(In):
    body: Text1to8000NB


class PlanIn(In):
    plan: Text1to40
    payment_token: Text0to200 | None = None


class PurchaseIn(In):
    credits: int = Field(ge=1, le=10_000)
    payment_token: Text1to200


class PreflightIn(In):
    to_member_id: Id


class InMailIn(In):
    to_member_id: Id
    subject: Text1to200NB
    body: Text1to1900NB
    purpose: Purpose = "other"


class DeclineIn(In):
    stop_contact: bool = False


class AdminStatusIn(In):
    status: Literal["active", "restricted", "suspended", "terminated"]
    reason: Text0to500 = ""


class AdminCreditsIn(In):
    amount: int = Field(ge=-10_000, le=10_000)
    reason: Text1to500NB


class ClockAdvanceIn(In):
    days: float = Field(default=0, ge=0, le=3650)
    hours: float = Field(default=0, ge=0, le=87600)


# ---- responses ----


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (401, "Missing or bad token"), (402, "Payment required"), (403, "Not allowed"),
        (404, "Not found, or not yours"), (409, "Conflict"), (413, "Body too large"),
        (422, "Invalid input"), (429, "Too many requests"),
    )
}


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class MemberOut(BaseModel):
    id: str
    full_name: str
    headline: str
    company: str
    title: str
    location: str
    industry: str
    skills: list[str]
    plan: str
    open_profile: bool
    degree: int | None = None
    shared_connections: int | None = None


class SettingsOut(BaseModel):
    allow_inmail: bool
    inmail_from: str
    open_profile: bool
    email_notifications: bool
    read_receipts: bool


class MeOut(MemberOut):
    email: str
    status: str
    is_admin: bool
    credits: int
    settings: SettingsOut


class AuthOut(BaseModel):
    token: str
    me: MeOut


class MessageOut(BaseModel):
    id: str
    conversation_id: str
    sender_id: str
    body: str
    created_at: datetime


class InMailOut(BaseModel):
    id: str
    conversation_id: str
    sender_id: str
    recipient_id: str
    subject: str
    body: str
    purpose: str
    cost: int
    status: str
    sent_at: datetime
    opened_at: datetime | None
    responded_at: datetime | None
    refunded: bool


class ConversationOut(BaseModel):
    id: str
    kind: str
    other: MemberOut
    subject: str | None
    last_message: MessageOut | None
    unread_count: int
    archived: bool
    updated_at: datetime
    inmail: InMailOut | None = None


class ConnectionRequestOut(BaseModel):
    id: str
    from_member_id: str
    to_member_id: str
    note: str
    status: str
    created_at: datetime
    member: MemberOut | None = None  # the member on the other side, for list views


class PlanOut(BaseModel):
    id: str
    name: str
    monthly_credits: int
    max_credits: int
    price_cents: int


class PackOut(BaseModel):
    credits: int
    price_cents: int


class LotOut(BaseModel):
    source: str
    remaining: int
    expires_at: datetime


class CreditsOut(BaseModel):
    balance: int
    spendable: int
    lots: list[LotOut]
    next_grant_at: datetime | None


class LedgerOut(BaseModel):
    id: str
    kind: str
    amount: int
    balance_after: int
    created_at: datetime
    ref: str | None


class PurchaseOut(BaseModel):
    id: str
    credits: int
    price_cents: int
    balance: int


class PreflightOut(BaseModel):
    deliverable: bool
    cost: int
    code: str | None
    balance: int


class SendOut(BaseModel):
    inmail: InMailOut
    balance: int


class BalanceOut(BaseModel):
    balance: int


class ClockOut(BaseModel):
    now: datetime


def member_fields(m: Member | MemberCard, degree: int | None = None,
                  shared: int | None = None) -> dict[str, Any]:
    """`MemberOut`'s fields in its order: what `member_out` validates, and what hot list routes
    serialize as they are (`json_response`)."""
    return {
        "id": m.id,
        "full_name": m.full_name,
        "headline": m.headline or "",
        "company": m.company or "",
        "title": m.title or "",
        "location": m.location or "",
        "industry": m.industry or "",
        "skills": list(m.skills or []),
        "plan": m.plan,
        "open_profile": open_profile_in_force(m.open_profile, m.plan),
        "degree": degree,
        "shared_connections": shared,
    }


def member_out(m: Member | MemberCard, degree: int | None = None,
               shared: int | None = None) -> MemberOut:
    return MemberOut(**member_fields(m, degree, shared))


def settings_out(m: Member) -> SettingsOut:
    return SettingsOut(
        allow_inmail=m.allow_inmail,
        inmail_from=m.inmail_from,
        open_profile=open_profile_in_force(m.open_profile, m.plan),
        email_notifications=m.email_notifications,
        read_receipts=m.read_receipts,
    )


def me_out(m: Member) -> MeOut:
    return MeOut(
        **member_out(m).model_dump(exclude={"degree", "shared_connections"}),
        email=m.email,
        status=m.status,
        is_admin=m.is_admin,
        credits=m.credit_balance,
        settings=settings_out(m),
    )
