"""The standing ladder (SPEC §4), modelled on LinkedIn's recruiter InMail policy: within 30 days
the first strike is a warning, then InMail sending is blocked for 24 hours, 72 hours, one week,
and past that the account is suspended until a moderator acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

LADDER_WINDOW = timedelta(days=30)
LADDER: tuple[tuple[str, timedelta | None], ...] = (
    ("warning", None),
    ("restricted_24h", timedelta(hours=24)),
    ("restricted_72h", timedelta(hours=72)),
    ("restricted_1w", timedelta(weeks=1)),
)


@dataclass(frozen=True)
class Outcome:
    name: str  # warning | restricted_24h | restricted_72h | restricted_1w | suspended
    status: str  # the member's status after the strike
    restricted_until: datetime | None


def strike_outcome(recent_strikes: int, current_status: str, now: datetime) -> Outcome:
    """What a new strike does, given how many strikes (not counting it) fell in the last 30
    days. A terminated account stays terminated."""
    if current_status == "terminated":
        return Outcome("suspended", "terminated", None)
    if recent_strikes >= len(LADDER):
        return Outcome("suspended", "suspended", None)
    name, duration = LADDER[recent_strikes]
    if duration is None:
        return Outcome(name, current_status, None)
    return Outcome(name, "restricted", now + duration)


def restriction_over(status: str, restricted_until: datetime | None, now: datetime) -> bool:
    return status == "restricted" and restricted_until is not None and restricted_until <= now


def compliance_strike_due(refusals_in_window: int, per_strike: int) -> bool:
    """Every `per_strike`-th compliance refusal in the window earns a strike."""
    return refusals_in_window > 0 and refusals_in_window % per_strike == 0


def low_response(sent: int, responded: int, min_inmails: int, min_rate: float) -> bool:
    """LinkedIn's rule: at least `min_inmails` InMails in the window and a response rate under
    `min_rate`."""
    return sent >= min_inmails and responded < min_rate * sent


def low_response_shown(warned_at: datetime | None, capped_until: datetime | None,
                       now: datetime, window: timedelta) -> tuple[datetime | None,
                                                                   datetime | None]:
    """What the standing page says of the low-response rule: a warning given within the
    window, and a cap that has not ended (older values are history, not standing)."""
    return (warned_at if warned_at is not None and warned_at > now - window else None,
            capped_until if capped_until is not None and capped_until > now else None)
