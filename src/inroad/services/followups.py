"""Follow-up help (SPEC §7): the InMails due for their one polite follow-up.

An InMail is due once it has gone `follow_up_after_days` (7) without a response, when it is the
only InMail its sender has sent that recipient (after a follow-up, nothing more until they
respond: SPEC §4), the recipient never answered, and could still receive one (active, not
connected since — then a message is free —, no block either way, no stop request). The list
asks nothing of the compliance rules, but it agrees with them: everything listed here passes
the follow-up rule on the day it appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from inroad.context import Context
from inroad.models import Member
from inroad.services.inmail import InMailView, as_seen_by
from inroad.store import insights as store
from inroad.store import members as members_store


@dataclass(frozen=True)
class FollowUp:
    inmail: InMailView
    recipient: Member
    due_since: datetime


def due(ctx: Context, sender_id: str, after: tuple[datetime, str] | None = None,
        limit: int = 20) -> list[FollowUp]:
    """Newest first; keyset on the InMail's (sent_at, id)."""
    wait = timedelta(days=ctx.settings.follow_up_after_days)
    now = ctx.now()
    with ctx.db.read() as s:
        rows = store.due_follow_ups(s, sender_id, now - wait, after, limit)
        recipients = members_store.get_members(s, [r.recipient_id for r in rows])
    return [FollowUp(as_seen_by(r, sender_id, recipients[r.recipient_id].read_receipts),
                     recipients[r.recipient_id], r.sent_at + wait) for r in rows]
