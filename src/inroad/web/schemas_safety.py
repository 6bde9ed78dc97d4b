"""Request and response shapes for privacy settings, blocks, reports, standing and moderation
(API.md "Privacy and safety", "Moderation (admins)"). Shared by the pages for validation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, StringConstraints

from inroad.models import Appeal, Member
from inroad.services.moderation import AppealCase, ReportCase, ReportView
from inroad.services.privacy import ListedMember, PrivacySettings
from inroad.services.standing import Standing, StrikeView
from inroad.web.schemas import Id, In, MemberOut, SettingsOut, _clean, _not_blank, member_out

Text0to2000 = Annotated[
    str, StringConstraints(min_length=0, max_length=2000), AfterValidator(_clean)
]
Text1to2000NB = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    AfterValidator(_clean),
    AfterValidator(_not_blank),
]
InMailFrom = Literal["anyone", "premium_members", "network"]
ReportReason = Literal["spam", "harassment", "misrepresentation", "commercial", "other"]


# ---- requests ----


class SettingsPatch(In):
    allow_inmail: bool | None = None
    inmail_from: InMailFrom | None = None
    open_profile: bool | None = None
    email_notifications: bool | None = None
    read_receipts: bool | None = None


class BlockIn(In):
    member_id: Id


class ReportIn(In):
    """Exactly one of `message_id` and `inmail_id` (the service checks, 422 otherwise)."""

    message_id: Id | None = None
    inmail_id: Id | None = None
    reason: ReportReason
    details: Text0to2000 = ""
    # Also block the sender, in the same step (an addition to API.md).
    block: bool = False


class AppealIn(In):
    text: Text1to2000NB


class ResolveReportIn(In):
    action: Literal["dismiss", "strike"]


class ResolveAppealIn(In):
    action: Literal["uphold", "grant"]


# ---- responses ----


class ListedMemberOut(MemberOut):
    """A blocked (or stopped) member, with when that began."""

    since: datetime


class ReportOut(BaseModel):
    id: str
    status: str
    reason: str
    details: str
    message_id: str | None
    inmail_id: str | None
    created_at: datetime


class ReportedContentOut(BaseModel):
    subject: str | None
    body: str


class AdminReportOut(ReportOut):
    reporter_id: str
    reported_member_id: str
    conversation_id: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    reported_member: MemberOut | None
    content: ReportedContentOut | None


class AppealStateOut(BaseModel):
    status: str
    created_at: datetime


class StrikeBriefOut(BaseModel):
    id: str
    source: str
    reason: str
    outcome: str
    created_at: datetime
    voided: bool


class StrikeOut(StrikeBriefOut):
    appeal: AppealStateOut | None


class StandingOut(BaseModel):
    status: str
    strikes: int
    restricted_until: datetime | None
    history: list[StrikeOut]
    low_response_warned_at: datetime | None = None  # warned within the last 14 days
    inmail_capped_until: datetime | None = None  # InMails per day capped until then


class AppealOut(BaseModel):
    id: str
    strike_id: str
    status: str
    text: str
    created_at: datetime


class AdminAppealOut(AppealOut):
    member_id: str
    member: MemberOut | None
    strike: StrikeBriefOut
    resolved_at: datetime | None
    resolved_by: str | None


def settings_out(v: PrivacySettings) -> SettingsOut:
    return SettingsOut(allow_inmail=v.allow_inmail, inmail_from=v.inmail_from,
                       open_profile=v.open_profile, email_notifications=v.email_notifications,
                       read_receipts=v.read_receipts)


def listed_out(v: ListedMember) -> ListedMemberOut:
    return ListedMemberOut(**member_out(v.member).model_dump(), since=v.since)


def report_out(v: ReportView) -> ReportOut:
    return ReportOut(**v.__dict__)


def admin_report_out(case: ReportCase) -> AdminReportOut:
    r = case.report
    return AdminReportOut(
        id=r.id, status=r.status, reason=r.reason, details=r.details, message_id=r.message_id,
        inmail_id=r.inmail_id, created_at=r.created_at, reporter_id=r.reporter_id,
        reported_member_id=r.reported_member_id, conversation_id=r.conversation_id,
        resolved_at=r.resolved_at, resolved_by=r.resolved_by,
        reported_member=_member(case.reported),
        content=(ReportedContentOut(subject=case.subject, body=case.body)
                 if case.body is not None else None))


def _member(m: Member | None) -> MemberOut | None:
    return member_out(m) if m is not None else None


def strike_out(v: StrikeView) -> StrikeOut:
    return StrikeOut(id=v.id, source=v.source, reason=v.reason, outcome=v.outcome,
                     created_at=v.created_at, voided=v.voided,
                     appeal=AppealStateOut(status=v.appeal.status, created_at=v.appeal.created_at)
                     if v.appeal else None)


def standing_out(v: Standing) -> StandingOut:
    return StandingOut(status=v.status, strikes=v.strikes, restricted_until=v.restricted_until,
                       history=[strike_out(x) for x in v.history],
                       low_response_warned_at=v.low_response_warned_at,
                       inmail_capped_until=v.inmail_capped_until)


def appeal_out(a: Appeal) -> AppealOut:
    return AppealOut(id=a.id, strike_id=a.strike_id, status=a.status, text=a.text,
                     created_at=a.created_at)


def admin_appeal_out(case: AppealCase) -> AdminAppealOut:
    a, st = case.appeal, case.strike
    return AdminAppealOut(
        **appeal_out(a).model_dump(), member_id=a.member_id, member=_member(case.member),
        strike=StrikeBriefOut(id=st.id, source=st.source, reason=st.reason, outcome=st.outcome,
                              created_at=st.created_at, voided=st.voided),
        resolved_at=a.resolved_at, resolved_by=a.resolved_by)
