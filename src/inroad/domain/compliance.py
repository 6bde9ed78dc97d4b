"""Compliance decisions (SPEC §4, delivery rule 9) and what the sender is told.

The rules themselves live beside this module: `similarity` (bulk identical), `promotion`
(commercial solicitation) and `followup` (no pestering). This module turns their findings into
one refusal with a message and machine-readable extras, and holds the small rules around them
(when a bulk count refuses, the low-response warning and cap).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from inroad.domain.followup import CONTACT_LIMIT, TOO_SOON, FollowUpRefusal
from inroad.domain.promotion import PromoScore

BULK_IDENTICAL = "bulk_identical"
LOOKS_PROMOTIONAL = "looks_promotional"
# Refusals that count toward a compliance strike (every `compliance_refusals_per_strike`).
CODES = frozenset({BULK_IDENTICAL, LOOKS_PROMOTIONAL, TOO_SOON, CONTACT_LIMIT})

PERSONALIZE_HINT = ("Personalize each InMail: say why you are writing to this member in "
                    "particular (their work, a shared connection or interest) instead of "
                    "sending one text to many.")


@dataclass(frozen=True)
class ComplianceResult:
    code: str
    message: str
    extra: Mapping[str, Any] = field(default_factory=dict)


def seconds_until(when: datetime, now: datetime) -> int:
    """Whole seconds to wait (at least 1), for `Retry-After`."""
    return max(1, math.ceil((when - now).total_seconds()))


def follow_up_result(refusal: FollowUpRefusal, now: datetime) -> ComplianceResult:
    if refusal.code == CONTACT_LIMIT or refusal.allowed_at is None:
        return ComplianceResult(
            CONTACT_LIMIT,
            "You have sent this member an InMail and a follow-up without a response. You can "
            "write again once they respond.")
    when = refusal.allowed_at
    return ComplianceResult(
        TOO_SOON,
        f"You can send this member one follow-up from {when:%Y-%m-%d %H:%M} UTC, a week "
        "after your first InMail, if they have not responded by then.",
        {"retry_after": seconds_until(when, now),
         "follow_up_at": when.isoformat().replace("+00:00", "Z")})


def promotional_result(found: PromoScore) -> ComplianceResult:
    phrases = found.phrases()
    quoted = ", ".join(f"“{p}”" for p in phrases)
    return ComplianceResult(
        LOOKS_PROMOTIONAL,
        f"This InMail reads as promotional ({quoted}). InMail is for personal, professional "
        "outreach, not advertising: remove the sales language and send it again.",
        {"phrases": phrases, "score": round(found.score, 2)})


def bulk_refused(similar_recipients: int, max_recipients: int) -> bool:
    """The body was already sent, nearly the same, to `similar_recipients` other members in the
    window: at most `max_recipients` may get it, so the next one is refused."""
    return similar_recipients >= max_recipients


def bulk_result(similar_recipients: int, window_days: int) -> ComplianceResult:
    return ComplianceResult(
        BULK_IDENTICAL,
        f"You sent nearly the same InMail to {similar_recipients} other members in the last "
        f"{window_days} days. Personalize it before sending it to anyone else.",
        {"hint": PERSONALIZE_HINT})


def strike_dedupe_key(sender_id: str, refusals: int, window_start: date) -> str:
    """One compliance strike per (sender, count reached, first day of the window)."""
    return f"compliance:{sender_id}:{refusals}:{window_start.isoformat()}"


LowResponseStep = Literal["warn", "cap"]


def low_response_step(low: bool, warned_at: datetime | None, capped_until: datetime | None,
                      now: datetime, window: timedelta) -> LowResponseStep | None:
    """LinkedIn's 2014 rule (reference facts row 35): a one-time warning, then, if the rate
    stays low, a cap for `low_response_cap_days`. "Stays low" is judged on a later UTC day than
    the warning, so the warning is not followed by a cap on the very next InMail; a warning
    older than the window has lapsed and a new one is given first."""
    if not low or (capped_until is not None and capped_until > now):
        return None
    if warned_at is None or warned_at <= now - window:
        return "warn"
    if warned_at.date() < now.date():
        return "cap"
    return None
