"""No pestering (SPEC §4): while a recipient has not responded, one follow-up InMail, no sooner
than `after` the first; then nothing until they respond.

A response (accept, decline or reply) to any of the sender's InMails resets the count: the
InMails that count are those sent after the latest response. LinkedIn's help pages disagree on
follow-ups (reference/linkedin-inmail-facts.md row 11); this is the SPEC's reading of "may be
eligible to send a follow-up".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

TOO_SOON = "follow_up_too_soon"
CONTACT_LIMIT = "contact_limit"


@dataclass(frozen=True)
class FollowUpRefusal:
    code: str  # follow_up_too_soon | contact_limit
    allowed_at: datetime | None  # when a follow-up becomes possible (too soon only)


def check_follow_up(earlier: Iterable[tuple[datetime, datetime | None]], now: datetime,
                    after: timedelta) -> FollowUpRefusal | None:
    """`earlier`: (sent_at, responded_at) of every InMail this sender sent this recipient.
    None when another InMail may go now."""
    history = list(earlier)
    responses = [r for _, r in history if r is not None]
    last_response = max(responses) if responses else None
    unanswered = sorted(sent for sent, responded in history
                        if responded is None and (last_response is None or sent > last_response))
    if not unanswered:
        return None
    if len(unanswered) >= 2:
        return FollowUpRefusal(CONTACT_LIMIT, None)
    allowed_at = unanswered[0] + after
    if now < allowed_at:
        return FollowUpRefusal(TOO_SOON, allowed_at)
    return None
