"""The email outbox against a real SMTP server (aiosmtpd on a free local port)."""

from __future__ import annotations

import email
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import null, select

from inroad import mailer
from inroad.models import EmailOutbox
from inroad.services import conversations, inmail, notifications
from inroad.store import inmails as inmail_store
from inroad.store import members as members_store
from tests import factories as f


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        with self._lock:
            self.messages.append(msg)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def start_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp(ctx):
    controller, inbox = start_server(free_port())
    ctx.settings.smtp_host, ctx.settings.smtp_port = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


def outbox(ctx) -> list[EmailOutbox]:
    with ctx.db.read() as s:
        return list(s.scalars(select(EmailOutbox).order_by(EmailOutbox.created_at,
                                                           EmailOutbox.id)))


def connected_pair(ctx, **recipient_settings):
    a, b = f.member(ctx, "Ann Archer"), f.member(ctx, "Bob Baker")
    f.connect(ctx, a, b)
    if recipient_settings:
        f.set_member(ctx, b.id, **recipient_settings)
    return a, b


def parts(msg: EmailMessage) -> tuple[str, str]:
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_a_new_message_is_emailed_with_subject_text_and_html(ctx, smtp):
    a, b = connected_pair(ctx)
    sent = conversations.send_message(ctx, a.id, b.id, "Hi Bob,\nlunch <b>today</b>?")
    assert smtp.messages == []  # nothing is sent inside the use case
    assert notifications.send_due_emails(ctx) == 1
    [msg] = smtp.messages
    [row] = outbox(ctx)
    assert msg["To"] == b.email and msg["Subject"] == "Ann Archer sent you a message on Inroad"
    assert msg["Message-ID"] == f"<{row.id}@inroad.local>"
    text, html = parts(msg)
    url = f"http://127.0.0.1:8000/conversations/{sent.conversation_id}"
    assert "lunch <b>today</b>?" in text and url in text
    assert "lunch &lt;b&gt;today&lt;/b&gt;?" in html and f'href="{url}"' in html
    assert "/settings/privacy" in text and "/settings/privacy" in html
    assert row.sent_at == ctx.now() and row.attempts == 0 and row.template == "new_message"
    assert notifications.send_due_emails(ctx) == 0  # sent once


def test_a_new_inmail_is_emailed(ctx, smtp):
    a, b = f.member(ctx, "Ann Archer", plan="career"), f.member(ctx, "Bob Baker")
    view, _ = inmail.send(ctx, a.id, b.id, "Role at Acme", "Hi Bob, would you talk?")
    with ctx.db.write() as s:
        im = inmail_store.get_inmail(s, view.id)
        # Until `_deliver` queues it itself; the dedupe key makes a second call a no-op.
        notifications.queue_new_inmail_email(s, ctx, im, members_store.get_member(s, a.id),
                                             members_store.get_member(s, b.id), ctx.now())
    assert notifications.send_due_emails(ctx) == 1
    [msg] = smtp.messages
    assert msg["Subject"] == "InMail from Ann Archer: Role at Acme"
    text, html = parts(msg)
    assert "Hi Bob, would you talk?" in text and "Role at Acme" in html
    assert f"/conversations/{view.conversation_id}" in text


def test_messages_within_ten_minutes_make_one_email(ctx, smtp, clock):
    a, b = connected_pair(ctx)
    conversations.send_message(ctx, a.id, b.id, "one")
    clock.advance(timedelta(minutes=1))
    conversations.send_message(ctx, a.id, b.id, "two")  # first still unsent: left as is
    assert len(outbox(ctx)) == 1
    assert notifications.send_due_emails(ctx) == 1
    clock.advance(timedelta(minutes=9))
    conversations.send_message(ctx, b.id, a.id, "reply")  # to Ann: her own first email
    conversations.send_message(ctx, a.id, b.id, "three")  # sent 9 minutes ago: skipped
    clock.advance(timedelta(minutes=1, seconds=1))
    conversations.send_message(ctx, a.id, b.id, "four")  # 10 minutes after: a new email
    notifications.send_due_emails(ctx)
    assert [parts(m)[0].splitlines()[2] for m in smtp.to(b.email)] == ["one", "four"]
    assert len(smtp.to(a.email)) == 1


def test_no_email_when_notifications_are_off(ctx, smtp):
    a, b = connected_pair(ctx, email_notifications=False)
    conversations.send_message(ctx, a.id, b.id, "hello")
    assert outbox(ctx) == [] and notifications.send_due_emails(ctx) == 0


def test_smtp_down_retries_later_and_never_slows_the_send(ctx, clock):
    controller_port = free_port()  # nothing listens here yet
    ctx.settings.smtp_host, ctx.settings.smtp_port = "127.0.0.1", controller_port
    a, b = connected_pair(ctx)
    started = time.monotonic()
    conversations.send_message(ctx, a.id, b.id, "hello")
    assert time.monotonic() - started < 1.0
    assert notifications.send_due_emails(ctx) == 0
    [row] = outbox(ctx)
    assert row.attempts == 1 and row.sent_at is None and row.claimed_until is None
    assert "cannot connect" in (row.last_error or "")
    assert row.send_after == ctx.now() + timedelta(minutes=1)
    assert notifications.send_due_emails(ctx) == 0 and outbox(ctx)[0].attempts == 1  # not due
    controller, inbox = start_server(controller_port)
    try:
        clock.advance(timedelta(minutes=1))
        assert notifications.send_due_emails(ctx) == 1
        assert len(inbox.messages) == 1
        [row] = outbox(ctx)
        assert row.sent_at == ctx.now() and row.attempts == 1
    finally:
        controller.stop()


def test_a_dead_server_costs_one_attempt_per_round_not_one_per_email(ctx):
    ctx.settings.smtp_host, ctx.settings.smtp_port = "127.0.0.1", free_port()
    a = f.member(ctx)
    for _ in range(3):
        b = f.member(ctx)
        f.connect(ctx, a, b)
        conversations.send_message(ctx, a.id, b.id, "hi")
    assert notifications.send_due_emails(ctx) == 0
    assert sorted(r.attempts for r in outbox(ctx)) == [0, 0, 1]
    assert all(r.claimed_until is None for r in outbox(ctx))  # the rest were given back


def test_retries_back_off_and_stop_after_eight_attempts(ctx, clock):
    ctx.settings.smtp_host, ctx.settings.smtp_port = "127.0.0.1", free_port()
    a, b = connected_pair(ctx)
    conversations.send_message(ctx, a.id, b.id, "hello")
    delays = []
    for _ in range(8):
        notifications.send_due_emails(ctx)
        [row] = outbox(ctx)
        delays.append(row.send_after - ctx.now())
        clock.advance(timedelta(hours=3))
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert delays[7] == timedelta(hours=2)  # capped
    assert outbox(ctx)[0].attempts == 8
    notifications.send_due_emails(ctx)
    assert outbox(ctx)[0].attempts == 8  # given up


def test_a_permanent_refusal_gives_up_at_once_and_others_still_go(ctx, smtp):
    a, b = connected_pair(ctx)
    c = f.member(ctx)
    f.connect(ctx, a, c)
    smtp.refuse.add(b.email)
    conversations.send_message(ctx, a.id, b.id, "to b")
    conversations.send_message(ctx, a.id, c.id, "to c")
    assert notifications.send_due_emails(ctx) == 1
    assert [m["To"] for m in smtp.messages] == [c.email]
    refused = next(r for r in outbox(ctx) if r.to_address == b.email)
    assert refused.attempts == notifications.MAX_ATTEMPTS and "550" in (refused.last_error or "")


def test_an_email_its_template_cannot_render_is_given_up_and_others_still_go(ctx, smtp):
    """Rows are rendered when sent: values a template no longer fits (a row queued by an older
    release) fail that row for good rather than stopping the outbox."""
    a, b = connected_pair(ctx)
    c = f.member(ctx)
    f.connect(ctx, a, c)
    conversations.send_message(ctx, a.id, b.id, "to b")
    conversations.send_message(ctx, a.id, c.id, "to c")
    stale = next(r for r in outbox(ctx) if r.to_address == b.email)
    with ctx.db.write() as s:
        s.get(EmailOutbox, stale.id).context = {"sender_name": "Ann Archer"}
    assert notifications.send_due_emails(ctx) == 1
    assert [m["To"] for m in smtp.messages] == [c.email]
    failed = next(r for r in outbox(ctx) if r.id == stale.id)
    assert failed.attempts == notifications.MAX_ATTEMPTS and failed.sent_at is None
    assert "cannot render email 'new_message'" in (failed.last_error or "")


def test_an_email_queued_rendered_before_0007_is_sent_as_stored(ctx, smtp):
    a, b = connected_pair(ctx)
    conversations.send_message(ctx, a.id, b.id, "hello")
    [row] = outbox(ctx)
    with ctx.db.write() as s:
        old = s.get(EmailOutbox, row.id)
        old.context, old.subject = null(), "Stored subject"  # SQL NULL, as migrated
        old.text_body, old.html_body = "stored text\n", "<p>stored html</p>\n"
    assert notifications.send_due_emails(ctx) == 1
    [msg] = smtp.messages
    assert msg["Subject"] == "Stored subject"
    text, html = parts(msg)
    assert (text.strip(), html.strip()) == ("stored text", "<p>stored html</p>")


def test_without_an_smtp_server_emails_are_logged_and_marked_sent(ctx, caplog):
    assert ctx.settings.smtp_host is None
    a, b = connected_pair(ctx)
    conversations.send_message(ctx, a.id, b.id, "logged, not sent")
    with caplog.at_level(logging.INFO, logger="inroad.mailer"):
        assert notifications.send_due_emails(ctx) == 1
    assert "logged, not sent" in caplog.text and b.email in caplog.text
    assert outbox(ctx)[0].sent_at is not None


def test_concurrent_duty_runs_send_each_email_exactly_once(ctx, smtp):
    a = f.member(ctx)
    for i in range(12):
        b = f.member(ctx)
        f.connect(ctx, a, b)
        conversations.send_message(ctx, a.id, b.id, f"message {i}")
    barrier = threading.Barrier(4)

    def run(_: int) -> int:
        barrier.wait()
        total = 0
        while n := notifications.send_due_emails(ctx, batch=2):
            total += n
        return total

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(run, range(4)))
    assert sum(counts) == 12
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert all(r.sent_at is not None for r in outbox(ctx))


def test_a_batch_past_half_its_lease_gives_the_rest_back(ctx, clock):
    """The lease is on the app's clock, which other workers compare it with: once half of it
    has passed there, the rest of the batch is released for the next round, not sent on a
    claim another worker may already hold."""

    class SlowInbox(Inbox):  # the first message takes longer than half the lease
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if not self.messages:
                clock.advance(notifications.CLAIM_LEASE / 2 + timedelta(seconds=1))
            return await super().handle_DATA(server, session, envelope)

    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    ctx.settings.smtp_host, ctx.settings.smtp_port = "127.0.0.1", controller.port
    try:
        a = f.member(ctx)
        for i in range(3):
            b = f.member(ctx)
            f.connect(ctx, a, b)
            conversations.send_message(ctx, a.id, b.id, f"message {i}")
        assert notifications.send_due_emails(ctx) == 1
        assert [r.claimed_until for r in outbox(ctx) if r.sent_at is None] == [None, None]
        assert notifications.send_due_emails(ctx) == 2
    finally:
        controller.stop()
    assert len({m["Message-ID"] for m in inbox.messages}) == len(inbox.messages) == 3


def test_subjects_stay_on_one_line():
    rendered = mailer.render("new_message", sender_name="Eve\r\nBcc: all@example.com",
                             preview="x", url="u", settings_url="s")
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
