"""InMail reminders, and events that only ever follow a commit."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inroad.models import EmailOutbox, InMailReminder, Message
from inroad.services import conversations, inmail, notifications
from tests import factories as f

TOPICS = ["your talk on distributed caches", "the Rust rewrite of your parser",
          "hiring for our Lisbon design team", "a podcast episode about climbing",
          "the open-source charting library you maintain", "your paper on battery chemistry"]


def send_inmail(ctx, a, b, subject="Quick question", topic=0):
    # A different body for each recipient: near-identical InMails trip the bulk rule.
    view, _ = inmail.send(ctx, a.id, b.id, subject,
                          f"Hi {b.full_name}, I would love to hear about {TOPICS[topic]}.")
    return view


def count(ctx, model) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def emails(ctx, template: str) -> list[EmailOutbox]:
    with ctx.db.read() as s:
        return list(s.scalars(select(EmailOutbox).where(EmailOutbox.template == template)))


def test_one_reminder_after_three_days_in_app_and_by_email(ctx, clock):
    a, b = f.member(ctx, "Ann Archer", plan="career"), f.member(ctx, "Bob Baker")
    view = send_inmail(ctx, a, b, subject="Role at Acme")
    clock.advance(timedelta(days=2, hours=23))
    assert notifications.send_inmail_reminders(ctx) == 0
    clock.advance(timedelta(hours=1))
    assert notifications.send_inmail_reminders(ctx) == 1
    assert ctx.publish[-1] == (b.id, "inmail.reminder", {
        "inmail_id": view.id, "conversation_id": view.conversation_id, "sender_id": a.id,
        "subject": "Role at Acme"})
    [email] = emails(ctx, "inmail_reminder")
    assert email.to_address == b.email and email.dedupe_key == f"reminder:{view.id}"
    content = notifications.email_content(email)
    assert content.subject == "Ann Archer is waiting for your answer: Role at Acme"
    assert "3 days ago" in content.text
    clock.advance(timedelta(days=1))
    assert notifications.send_inmail_reminders(ctx) == 0  # once, ever
    assert ctx.publish.names(b.id).count("inmail.reminder") == 1


def test_no_reminder_once_answered_or_after_fourteen_days(ctx, clock):
    a = f.member(ctx, plan="career")
    answered, b = f.member(ctx), f.member(ctx)
    view = send_inmail(ctx, a, answered)
    inmail.respond(ctx, answered.id, view.id, "accept")
    send_inmail(ctx, a, b)
    clock.advance(timedelta(days=14, minutes=1))
    assert notifications.send_inmail_reminders(ctx) == 0
    assert count(ctx, InMailReminder) == 0


def test_reminder_without_email_when_notifications_are_off(ctx, clock):
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    f.set_member(ctx, b.id, email_notifications=False)
    send_inmail(ctx, a, b)
    clock.advance(timedelta(days=3))
    assert notifications.send_inmail_reminders(ctx) == 1
    assert ctx.publish.names(b.id)[-1] == "inmail.reminder"
    assert emails(ctx, "inmail_reminder") == []


def test_concurrent_reminder_runs_remind_exactly_once(ctx, clock):
    a = f.member(ctx, plan="sales")
    recipients = [f.member(ctx) for _ in range(6)]
    for i, b in enumerate(recipients):
        send_inmail(ctx, a, b, topic=i)
    clock.advance(timedelta(days=4))
    barrier = threading.Barrier(4)

    def run(_: int) -> int:
        barrier.wait()
        return notifications.send_inmail_reminders(ctx)

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(run, range(4)))
    assert sum(made) == 6
    assert count(ctx, InMailReminder) == 6
    assert len(emails(ctx, "inmail_reminder")) == 6
    assert sorted(m for m, e, _ in ctx.publish if e == "inmail.reminder") == sorted(
        b.id for b in recipients)


def test_a_failed_reminder_transaction_publishes_and_queues_nothing(ctx, clock, monkeypatch):
    a, b = f.member(ctx, plan="career"), f.member(ctx)
    send_inmail(ctx, a, b)
    clock.advance(timedelta(days=3))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after the reminder row is written, inside the same transaction.
    monkeypatch.setattr(notifications.store, "add_email", broken)
    before, emails = len(ctx.publish), count(ctx, EmailOutbox)  # the new-InMail email
    with pytest.raises(RuntimeError):
        notifications.send_inmail_reminders(ctx)
    assert len(ctx.publish) == before
    assert count(ctx, InMailReminder) == 0 and count(ctx, EmailOutbox) == emails
    monkeypatch.undo()
    assert notifications.send_inmail_reminders(ctx) == 1  # the next round does it


def test_a_failed_send_publishes_nothing_and_queues_no_email(ctx, monkeypatch):
    a, b = f.member(ctx), f.member(ctx)
    f.connect(ctx, a, b)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(notifications.store, "add_email", broken)
    before = len(ctx.publish)
    with pytest.raises(RuntimeError):
        conversations.send_message(ctx, a.id, b.id, "hello")
    assert len(ctx.publish) == before
    assert count(ctx, Message) == 0 and count(ctx, EmailOutbox) == 0
