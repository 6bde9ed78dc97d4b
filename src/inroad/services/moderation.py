"""Reports (SPEC §4) and the moderators' queues of reports and appeals.

The reporter stays anonymous: only moderators' views carry `reporter_id`. What the reported
member can ever see is a strike, and a strike says only the report's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inroad.ids import new_id
from inroad.models import Appeal, Member, Report, Strike
from inroad.services import privacy, standing
from inroad.store import conversations as conv_store
from inroad.store import inmails as inmail_store
from inroad.store import members as members_store
from inroad.store import safety as store

REASONS = {
    "spam": "spam",
    "harassment": "harassment",
    "misrepresentation": "misrepresentation",
    "commercial": "commercial solicitation",
    "other": "a breach of the messaging policy",
}
REPORT_STATUSES = ("open", "dismissed", "actioned")
APPEAL_STATUSES = ("open", "upheld", "granted")


@dataclass(frozen=True)
class ReportView:
    """A report as its reporter sees it."""

    id: str
    status: str
    reason: str
    details: str
    message_id: str | None
    inmail_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class ReportCase:
    """A report as a moderator sees it: who, about whom, and what was said."""

    report: Report
    reporter: Member | None
    reported: Member | None
    subject: str | None  # the InMail's subject when an InMail was reported
    body: str | None  # the reported message or InMail body


@dataclass(frozen=True)
class AppealCase:
    appeal: Appeal
    member: Member | None
    strike: Strike


def _reporter_view(r: Report) -> ReportView:
    return ReportView(r.id, r.status, r.reason, r.details, r.message_id, r.inmail_id,
                      r.created_at)


def _require_admin(s: Session, admin_id: str) -> None:
    admin = members_store.get_member(s, admin_id)
    if admin is None or not admin.is_admin:
        raise Forbidden("Admins only.")


# ---- reporting ----


def report(ctx: Context, reporter_id: str, *, reason: str, message_id: str | None = None,
           inmail_id: str | None = None, details: str = "", block: bool = False) -> ReportView:
    """Report a message or an InMail you received. The conversation leaves your primary
    inbox (archived for you); with `block`, its sender is blocked in the same transaction.
    One report per reporter and item: a second is a conflict."""
    if (message_id is None) == (inmail_id is None):
        raise ValidationFailed({"message_id": "Give exactly one of message_id or inmail_id."})
    if reason not in REASONS:
        raise ValidationFailed({"reason": "Must be one of: " + ", ".join(REASONS)})
    now = ctx.now()
    with ctx.db.write() as s:
        # The reporter's row lock serializes their reports, so the duplicate check holds.
        if members_store.lock_member(s, reporter_id) is None:
            raise NotFound("No such member.")
        reported_id, conv_id = _reported_item(s, reporter_id, message_id, inmail_id)
        if store.find_report(s, reporter_id, message_id=message_id,
                             inmail_id=inmail_id) is not None:
            raise Conflict("You have already reported this.")
        row = Report(id=new_id(), reporter_id=reporter_id, reported_member_id=reported_id,
                     message_id=message_id, inmail_id=inmail_id, conversation_id=conv_id,
                     reason=reason, details=details.strip(), status="open", created_at=now)
        s.add(row)
        conv_store.set_archived(s, reporter_id, conv_id, True)
        if block:
            privacy.block_within(s, reporter_id, reported_id, now)
        return _reporter_view(row)


def _reported_item(s: Session, reporter_id: str, message_id: str | None,
                   inmail_id: str | None) -> tuple[str, str]:
    """(reported member, conversation) for an item the reporter received; 404 when it is
    not theirs to report, so nobody learns that it exists."""
    if message_id is not None:
        msg = conv_store.get_messages_by_id(s, [message_id]).get(message_id)
        if msg is None or conv_store.get_entry(s, reporter_id, msg.conversation_id) is None:
            raise NotFound("No such message.")
        if msg.sender_id == reporter_id:
            raise ValidationFailed({"message_id": "You cannot report your own message."})
        return msg.sender_id, msg.conversation_id
    assert inmail_id is not None
    im = inmail_store.get_inmail(s, inmail_id)
    if im is None or reporter_id not in (im.sender_id, im.recipient_id):
        raise NotFound("No such InMail.")
    if im.sender_id == reporter_id:
        raise ValidationFailed({"inmail_id": "You cannot report your own InMail."})
    return im.sender_id, im.conversation_id


# ---- the report queue ----


def list_reports(ctx: Context, admin_id: str, status: str = "open",
                 after: tuple[datetime, str] | None = None, limit: int = 20) -> list[ReportCase]:
    """Open reports oldest first (a queue: the longest waiting comes first); dismissed and
    actioned ones newest first (recent decisions)."""
    if status not in REPORT_STATUSES:
        raise ValidationFailed({"status": "Must be one of: " + ", ".join(REPORT_STATUSES)})
    with ctx.db.read() as s:
        _require_admin(s, admin_id)
        rows = store.list_reports(s, status, after, limit, oldest_first=status == "open")
        return _cases(s, rows)


def _cases(s: Session, rows: list[Report]) -> list[ReportCase]:
    people = members_store.get_members(
        s, [r.reporter_id for r in rows] + [r.reported_member_id for r in rows])
    messages = conv_store.get_messages_by_id(s, [r.message_id for r in rows if r.message_id])
    inmails = {im.id: im for im in inmail_store.by_conversation(
        s, [r.conversation_id for r in rows if r.inmail_id and r.conversation_id]).values()}
    cases = []
    for r in rows:
        subject = body = None
        if r.message_id and r.message_id in messages:
            body = messages[r.message_id].body
        elif r.inmail_id and r.inmail_id in inmails:
            subject, body = inmails[r.inmail_id].subject, inmails[r.inmail_id].body
        cases.append(ReportCase(r, people.get(r.reporter_id), people.get(r.reported_member_id),
                                subject, body))
    return cases


def resolve_report(ctx: Context, admin_id: str, report_id: str, action: str) -> ReportCase:
    """`dismiss`, or `strike`: confirm the report and give the reported member a strike on
    the standing ladder. A report is resolved once; again is a conflict."""
    if action not in ("dismiss", "strike"):
        raise ValidationFailed({"action": "Must be dismiss or strike."})
    now = ctx.now()
    with ctx.db.write() as s:
        _require_admin(s, admin_id)
        row = store.get_report(s, report_id, lock=True)
        if row is None:
            raise NotFound("No such report.")
        if row.status != "open":
            raise Conflict(f"This report is already {row.status}.")
        row.status = "dismissed" if action == "dismiss" else "actioned"
        row.resolved_at, row.resolved_by = now, admin_id
        if action == "strike":
            standing.add_strike(s, row.reported_member_id, "report", strike_reason(row.reason),
                                now, report_id=row.id)
        return _cases(s, [row])[0]


def strike_reason(reason: str) -> str:
    """What the struck member reads: the category, never the reporter or their words."""
    return f"A report of {REASONS.get(reason, REASONS['other'])} was confirmed by a moderator."


# ---- the appeal queue ----


def list_appeals(ctx: Context, admin_id: str, status: str = "open",
                 after: tuple[datetime, str] | None = None,
                 limit: int = 20) -> list[AppealCase]:
    """Open appeals oldest first; decided ones newest first."""
    if status not in APPEAL_STATUSES:
        raise ValidationFailed({"status": "Must be one of: " + ", ".join(APPEAL_STATUSES)})
    with ctx.db.read() as s:
        _require_admin(s, admin_id)
        rows = store.list_appeals(s, status, after, limit, oldest_first=status == "open")
        return _appeal_cases(s, rows)


def _appeal_cases(s: Session, rows: list[Appeal]) -> list[AppealCase]:
    members = members_store.get_members(s, [a.member_id for a in rows])
    strikes = store.get_strikes(s, [a.strike_id for a in rows])
    return [AppealCase(a, members.get(a.member_id), strikes[a.strike_id]) for a in rows]


def resolve_appeal(ctx: Context, admin_id: str, appeal_id: str, action: str) -> AppealCase:
    """`uphold` keeps the strike. `grant` voids it (it stops counting on the ladder) and, when
    the strike had restricted or suspended the member, gives them back `active`. Nothing is
    recomputed: a later strike's restriction is lifted too, which errs on the member's side.
    A terminated account stays terminated (a moderator's explicit decision)."""
    if action not in ("uphold", "grant"):
        raise ValidationFailed({"action": "Must be uphold or grant."})
    now = ctx.now()
    with ctx.db.write() as s:
        _require_admin(s, admin_id)
        appeal = store.get_appeal(s, appeal_id, lock=True)
        if appeal is None:
            raise NotFound("No such appeal.")
        if appeal.status != "open":
            raise Conflict(f"This appeal is already {appeal.status}.")
        appeal.status = "granted" if action == "grant" else "upheld"
        appeal.resolved_at, appeal.resolved_by = now, admin_id
        strike = store.get_strike(s, appeal.strike_id)
        assert strike is not None
        if action == "grant":
            strike.voided = True
            member = members_store.lock_member(s, strike.member_id)
            if (member is not None and strike.outcome != "warning"
                    and member.status in ("restricted", "suspended")):
                member.status = "active"
                member.restricted_until = None
        return _appeal_cases(s, [appeal])[0]
