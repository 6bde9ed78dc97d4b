"""The demo data set (`inroad demo`): built through the services, idempotent, and rich enough to
show every screen, with its history ending before the real now."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inroad import demo
from inroad.clock import Clock
from inroad.config import Settings, load_settings
from inroad.context import Context
from inroad.db import Database
from inroad.models import InMail, Member, Message, Purchase
from inroad.services import accounts, connections, conversations, credits, inmail


@dataclass
class Loaded:
    settings: Settings
    ctx: Context
    logins: list[tuple[str, str]]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    path: Path = tmp_path_factory.mktemp("demo") / "d.db"
    settings = load_settings(database_url=f"sqlite:///{path}", secret_key="x")
    logins = demo.load(settings)
    db = Database(settings.database_url)
    yield Loaded(settings, Context(settings=settings, db=db, clock=Clock()), logins)
    db.dispose()


def _count(ctx: Context, model: type) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _login(ctx: Context, email: str) -> str:
    return accounts.login(ctx, email=email, password=demo.PASSWORD).member.id


def test_the_logins_work(loaded: Loaded) -> None:
    emails = [email for email, _ in loaded.logins]
    assert emails[0] == "alex.morgan@demo.inroad"
    assert {"sam.lee@demo.inroad", demo.ADMIN_EMAIL} <= set(emails)
    members = {email: accounts.get_me(loaded.ctx, _login(loaded.ctx, email)) for email in emails}
    assert members[demo.ADMIN_EMAIL].is_admin
    assert not members["alex.morgan@demo.inroad"].is_admin


def test_members_across_companies_and_plans(loaded: Loaded) -> None:
    assert _count(loaded.ctx, Member) >= 45
    with loaded.ctx.db.read() as s:
        members = list(s.scalars(select(Member)))
    assert len({m.company for m in members if m.company}) >= 12
    assert len({m.industry for m in members if m.industry}) >= 8
    plans = {m.plan for m in members}
    assert plans >= {"free", "career", "business", "sales", "recruiter"}
    assert any(m.open_profile for m in members)
    assert all(3 <= len(m.skills) <= 6 for m in members if not m.is_admin)


def test_alex_has_months_of_inmail_history(loaded: Loaded) -> None:
    ctx = loaded.ctx
    alex = _login(ctx, "alex.morgan@demo.inroad")
    sent = inmail.list_inmails(ctx, alex, "sent", None, 100)
    assert len(sent) >= 60
    assert any(im.refunded for im in sent)
    assert {im.status for im in sent} >= {"delivered", "opened", "accepted", "declined",
                                          "replied"}
    span = max(im.sent_at for im in sent) - min(im.sent_at for im in sent)
    assert span.days >= 150
    assert inmail.list_inmails(ctx, alex, "received", None, 100)
    assert conversations.list_conversations(ctx, alex, limit=50)
    assert conversations.unread_badge(ctx, alex) >= 1
    assert connections.list_requests(ctx, alex, "incoming", "pending", None, 10)
    summary = credits.summary(ctx, alex)
    assert summary.balance > 0


def test_sam_is_a_free_member_with_a_network(loaded: Loaded) -> None:
    ctx = loaded.ctx
    sam = _login(ctx, "sam.lee@demo.inroad")
    assert accounts.get_me(ctx, sam).plan == "free"
    assert len(connections.list_connections(ctx, sam, None, 50)) >= 5
    assert inmail.list_inmails(ctx, sam, "received", None, 100)
    assert conversations.unread_badge(ctx, sam) >= 1
    assert connections.list_requests(ctx, sam, "outgoing", "pending", None, 10)


def test_credits_were_bought_and_history_ends_before_now(loaded: Loaded) -> None:
    ctx = loaded.ctx
    assert _count(ctx, Purchase) >= 1
    with ctx.db.read() as s:
        last_inmail = s.scalar(select(func.max(InMail.sent_at)))
        last_message = s.scalar(select(func.max(Message.created_at)))
    now = datetime.now(UTC)
    for moment in (last_inmail, last_message):
        assert moment is not None
        assert (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= now


def test_a_second_load_is_a_fast_no_op(loaded: Loaded) -> None:
    members, inmails = _count(loaded.ctx, Member), _count(loaded.ctx, InMail)
    started = time.perf_counter()
    assert demo.load(loaded.settings) == loaded.logins
    assert time.perf_counter() - started < 3
    assert (_count(loaded.ctx, Member), _count(loaded.ctx, InMail)) == (members, inmails)
