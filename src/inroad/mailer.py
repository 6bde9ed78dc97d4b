"""Email: rendering the `email/<name>/` templates, and handing messages to SMTP.

No database here. Services queue rows in the email outbox inside their own transaction, with a
template's name and values; the outbox duty (`services.notifications.send_due_emails`) renders
them and sends them through a `Transport` from `open_transport()`.

SMTP goes through the standard library's `smtplib`, not aiosmtplib: the only caller is the
duty, which runs in a plain thread (`DutyRunner`, `inroad worker`) and sends one message after
another, so an event loop per round would add a layer and buy no concurrency. Every socket
operation has a timeout, so a slow server delays only the worker.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from inroad.config import Settings

log = logging.getLogger("inroad.mailer")

TEMPLATES = Path(__file__).parent / "web" / "templates"
SMTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _env() -> Environment:
    # Autoescape only the HTML part: the text part and the subject are plain text.
    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html",),
                                                    default_for_string=False),
                       keep_trailing_newline=True,
                       auto_reload=False)  # templates ship in the package: no stat() per email


def render(name: str, **context: Any) -> Rendered:
    """Render `email/<name>/{subject.txt, body.txt, body.html}`. Templates that cannot render
    these values (a row queued by an older release, say) raise a permanent `SendFailed`: the
    outbox gives that row up instead of retrying it forever."""
    env = _env()
    try:
        subject = env.get_template(f"email/{name}/subject.txt").render(context)
        return Rendered(
            # One line, whatever a member's name holds: a newline would be a header injection.
            subject=" ".join(subject.split())[:300],
            text=env.get_template(f"email/{name}/body.txt").render(context),
            html=env.get_template(f"email/{name}/body.html").render(context))
    except TemplateError as exc:
        raise SendFailed(f"cannot render email {name!r}: {exc}", permanent=True) from exc


@dataclass(frozen=True)
class Email:
    id: str
    to_address: str
    subject: str
    text_body: str
    html_body: str
    created_at: datetime


def build_message(email: Email, settings: Settings) -> EmailMessage:
    """The MIME message. Its Message-ID derives from the outbox id, so a retry after a crash
    between "server accepted" and "marked sent" carries the same id and receivers can drop the
    duplicate."""
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "inroad.local"
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = email.to_address
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(email.created_at)
    msg["Message-ID"] = f"<{email.id}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["List-Unsubscribe"] = f"<{settings.public_url.rstrip('/')}/settings/privacy>"
    msg.set_content(email.text_body)
    msg.add_alternative(email.html_body, subtype="html")
    return msg


class TransportDown(Exception):
    """The server cannot be reached or dropped us: later messages would fail the same way."""


class SendFailed(Exception):
    """The server refused this one message. `permanent` for 5xx replies: retrying won't help."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, msg: EmailMessage) -> None: ...


class LogTransport:
    """No SMTP server configured (the default): log the email instead of sending it."""

    def send(self, msg: EmailMessage) -> None:
        body = msg.get_body(("plain",))
        log.info("email (no SMTP server configured, not sent) to=%s subject=%r\n%s",
                 msg["To"], msg["Subject"], body.get_content() if body is not None else "")


class SmtpTransport:
    """One connection, opened on first use and reused for the rest of a round."""

    def __init__(self, host: str, port: int, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_connection = 0

    def send(self, msg: EmailMessage) -> None:
        try:
            self._send(msg)
        except smtplib.SMTPServerDisconnected:
            # Servers may close a reused connection (idle or per-connection limits): one fresh
            # connection, then a drop means the server is in trouble.
            if not self._sent_on_connection:
                raise TransportDown("SMTP server closed the connection") from None
            self.close()
            try:
                self._send(msg)
            except smtplib.SMTPServerDisconnected as exc:
                raise TransportDown(f"SMTP server closed the connection: {exc}") from None

    def _send(self, msg: EmailMessage) -> None:
        if self._smtp is None:
            self._connect()
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendFailed(f"recipient refused: {exc.recipients}",
                             permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"{exc.smtp_code} {exc.smtp_error!r}",
                             permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPServerDisconnected:
            self._drop()
            raise
        except (OSError, smtplib.SMTPException) as exc:  # timeouts, resets, protocol errors
            self._drop()
            raise TransportDown(f"SMTP error: {exc!r}") from None
        if refused:  # some recipients refused; we only ever send to one
            raise SendFailed(f"recipient refused: {refused}", permanent=True)
        self._sent_on_connection += 1

    def _connect(self) -> None:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportDown(f"cannot connect to {self.host}:{self.port}: {exc!r}") from None
        self._smtp = smtp
        self._sent_on_connection = 0

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            finally:
                self._drop()


@contextmanager
def open_transport(settings: Settings) -> Iterator[Transport]:
    if not settings.smtp_host:
        yield LogTransport()
        return
    transport = SmtpTransport(settings.smtp_host, settings.smtp_port)
    try:
        yield transport
    finally:
        transport.close()
