"""Notifications beyond live events (SPEC §7, §8): emails through an outbox, and the one
reminder about an unanswered InMail.

Emails are rows in `email_outbox` written in the transaction that causes them, so a rollback
sends nothing and a crash loses nothing; `send_due_emails` (a duty) sends them later, outside
any request. Live events stay the caller's job, after commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from inroad import mailer
from inroad.context import Context
from inroad.ids import new_id
from inroad.models import InMail, Member
from inroad.store import members as members_store
from inroad.store import notifications as store

log = logging.getLogger("inroad.notifications")

# At most one new-message email per (recipient, conversation) per this long.
MESSAGE_EMAIL_QUIET = timedelta(minutes=10)
PREVIEW_CHARS = 280

# Outbox sending: rows claimed per round, how long a claim lasts, retries.
EMAIL_BATCH = 50
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=2)

# Reminders: InMails unanswered for 3 days get one; those older than 14 days get none (a
# reminder about a two-week-old InMail, e.g. after the worker was down, would be noise).
REMINDER_AFTER = timedelta(days=3)
REMINDER_MAX_AGE = timedelta(days=14)
REMINDER_BATCH = 200

_NOTIFIABLE = ("active", "restricted")


def _wants_email(member: Member | None) -> bool:
    return member is not None and member.email_notifications and member.status in _NOTIFIABLE


def _preview(text: str) -> str:
    text = text.strip()
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1].rstrip() + "…"


def _links(ctx: Context, conversation_id: str) -> dict[str, str]:
    base = ctx.settings.public_url.rstrip("/")
    return {"url": f"{base}/conversations/{conversation_id}",
            "settings_url": f"{base}/settings/privacy"}


def _queue(s: Session, template: str, recipient: Member, conversation_id: str | None,
           now: datetime, dedupe_key: str | None, **context: Any) -> bool:
    """Queue the template with its values, rendered when sent (`email_content`): rendering
    here cost the InMail send ~5% of its CPU."""
    return store.add_email(
        s, id=new_id(), member_id=recipient.id, conversation_id=conversation_id,
        template=template, to_address=recipient.email, context=context,
        subject=None, text_body=None, html_body=None, dedupe_key=dedupe_key, created_at=now,
        send_after=now, attempts=0)


def email_content(row: Any) -> mailer.Rendered:
    """What an outbox row says: its template rendered with its values, or the text it was
    queued with before revision 0007. Raises a permanent `mailer.SendFailed` when the template
    cannot render the values."""
    if row.context is None:
        return mailer.Rendered(row.subject, row.text_body, row.html_body)
    return mailer.render(row.template, **row.context)


def queue_new_message_email(s: Session, ctx: Context, conversation_id: str,
                            sender: Member | None, recipient: Member | None,
                            body_preview: str, now: datetime) -> bool:
    """Queue "X sent you a message" in the caller's transaction, batched: nothing is queued
    when the newest email for this recipient and conversation is still waiting to be sent
    (it already points at the conversation), or was created or sent less than 10 minutes ago.

    Call it after the message row is written: on PostgreSQL the message insert updates the
    conversation row, so concurrent sends into one conversation reach this check one at a time
    and the second sees the first's email. Returns whether an email was queued."""
    if sender is None or not _wants_email(recipient):
        return False
    assert recipient is not None
    latest = store.latest_conversation_email(s, recipient.id, conversation_id)
    if latest is not None:
        pending = latest.sent_at is None and latest.attempts < MAX_ATTEMPTS
        recent = max(latest.created_at, latest.sent_at or latest.created_at)
        if pending or now - recent < MESSAGE_EMAIL_QUIET:
            return False
    return _queue(s, "new_message", recipient, conversation_id, now, None,
                  sender_name=sender.full_name, preview=_preview(body_preview),
                  **_links(ctx, conversation_id))


def queue_new_inmail_email(s: Session, ctx: Context, inmail: InMail, sender: Member | None,
                           recipient: Member | None, now: datetime) -> bool:
    """Queue "InMail from X" in the caller's transaction; once per InMail (dedupe key)."""
    if sender is None or not _wants_email(recipient):
        return False
    assert recipient is not None
    return _queue(s, "new_inmail", recipient, inmail.conversation_id, now,
                  f"inmail:{inmail.id}", sender_name=sender.full_name,
                  sender_headline=sender.headline, subject=inmail.subject,
                  preview=_preview(inmail.body), **_links(ctx, inmail.conversation_id))


# --- sending the outbox -------------------------------------------------------------------

def _retry_delay(attempts: int) -> timedelta:
    return min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX)


def send_due_emails(ctx: Context, batch: int = EMAIL_BATCH) -> int:
    """Claim up to `batch` due outbox emails and send them; returns how many were sent (fewer
    than `batch` means: come back next round). Safe on several workers at once: each row is
    claimed by one conditional UPDATE before it is sent.

    Crash window: a crash after the SMTP server accepted a message and before `sent_at` is
    committed sends it again once the claim expires. `sent_at` is committed right after each
    acceptance to keep that window small, and the Message-ID derives from the outbox id, so
    the duplicate carries the same Message-ID."""
    now = ctx.now()
    with ctx.db.write() as s:
        rows = store.claim_due_emails(s, now, now + CLAIM_LEASE, MAX_ATTEMPTS, batch)
    if not rows:
        return 0
    sent = 0
    with mailer.open_transport(ctx.settings) as transport:
        for i, row in enumerate(rows):
            # Past half the lease another worker could soon claim these: give them back. On
            # the app's clock, which is the one other workers compare the lease with.
            if ctx.now() - now > CLAIM_LEASE / 2:
                _release(ctx, [r.id for r in rows[i:]])
                break
            try:
                content = email_content(row)
                transport.send(mailer.build_message(mailer.Email(
                    row.id, row.to_address, content.subject, content.text, content.html,
                    row.created_at), ctx.settings))
            except mailer.TransportDown as exc:
                # The server is down or unreachable: charge this row, leave the rest for the
                # next round rather than waiting out a timeout per row.
                _failed(ctx, row, str(exc), permanent=False)
                _release(ctx, [r.id for r in rows[i + 1:]])
                break
            except mailer.SendFailed as exc:
                _failed(ctx, row, str(exc), exc.permanent)
                continue
            with ctx.db.write() as s:
                store.mark_email_sent(s, row.id, ctx.now())
            sent += 1
    return sent


def _failed(ctx: Context, row: Any, error: str, permanent: bool) -> None:
    attempts = MAX_ATTEMPTS if permanent else row.attempts + 1
    with ctx.db.write() as s:
        store.record_email_failure(s, row.id, attempts, error,
                                   ctx.now() + _retry_delay(min(attempts, MAX_ATTEMPTS)))
    if attempts >= MAX_ATTEMPTS:
        log.error("giving up on email %s to %s after %d attempts: %s", row.id, row.to_address,
                  row.attempts + 1, error)
    else:
        log.warning("email %s to %s failed (attempt %d), retrying: %s", row.id, row.to_address,
                    attempts, error)


def _release(ctx: Context, ids: list[str]) -> None:
    with ctx.db.write() as s:
        store.release_emails(s, ids)


# --- reminders ----------------------------------------------------------------------------

def send_inmail_reminders(ctx: Context, batch: int = REMINDER_BATCH) -> int:
    """One reminder per InMail unanswered for 3 days (and sent at most 14 days ago): an
    `inmail.reminder` event to the recipient after commit and, with email notifications on,
    an email queued in the same transaction. Exactly once even with several workers: the
    `inmail_reminders` primary key decides. Handles up to `batch` InMails; returns how many
    reminders this call made."""
    now = ctx.now()
    with ctx.db.read() as s:
        due = store.inmails_due_reminder(s, now - REMINDER_MAX_AGE, now - REMINDER_AFTER, batch)
    return sum(_remind(ctx, inmail_id, now) for inmail_id in due)


def _remind(ctx: Context, inmail_id: str, now: datetime) -> bool:
    with ctx.db.write() as s:
        im = s.get(InMail, inmail_id)
        if im is None or im.responded_at is not None:
            return False
        if not store.add_reminder(s, im.id, im.recipient_id, now):
            return False  # another worker reminded first
        recipient = members_store.get_member(s, im.recipient_id)
        sender = members_store.get_member(s, im.sender_id)
        # The row is written either way (it means "handled"); a recipient who has since
        # blocked or stopped the sender, or cannot sign in, is not nudged about them.
        notify = (recipient is not None and sender is not None
                  and recipient.status in _NOTIFIABLE
                  and not members_store.is_blocked_either_way(s, im.recipient_id, im.sender_id)
                  and not members_store.has_stopped(s, im.recipient_id, im.sender_id))
        if notify and _wants_email(recipient):
            assert recipient is not None and sender is not None
            _queue(s, "inmail_reminder", recipient, im.conversation_id, now,
                   f"reminder:{im.id}", sender_name=sender.full_name, subject=im.subject,
                   preview=_preview(im.body), days=(now - im.sent_at).days,
                   **_links(ctx, im.conversation_id))
        event = {"inmail_id": im.id, "conversation_id": im.conversation_id,
                 "sender_id": im.sender_id, "subject": im.subject}
    if notify:
        ctx.publish(im.recipient_id, "inmail.reminder", event)
    return True
