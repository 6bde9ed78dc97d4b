"""Rate limits (SPEC §4): InMails per day and login attempts, as shared database counters."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from inroad import duties
from inroad.context import Context
from inroad.domain.errors import Refused, Unauthorized
from inroad.models import InMail, InMailRejection, RateCounter
from inroad.services import accounts, credits, inmail, ratelimit
from tests import factories as f
from tests.services.test_concurrency import hammer


def with_settings(ctx: Context, **update) -> Context:
    return Context(settings=ctx.settings.model_copy(update=update), db=ctx.db, clock=ctx.clock,
                   publish=ctx.publish)


def body(i: int) -> str:
    return f"Hello, this is personal note number {i} about topic {i * 7} and question {i * 3}."


def test_counter_upsert_counts_and_prunes_old_windows(ctx):
    now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    old = ratelimit.day_window("k", now - timedelta(days=3))
    today = ratelimit.day_window("k", now)
    with ctx.db.write() as s:
        assert [ratelimit.hit(s, old) for _ in range(2)] == [1, 2]
    with ctx.db.write() as s:
        assert [ratelimit.hit(s, today) for _ in range(3)] == [1, 2, 3]
        assert ratelimit.current(s, today) == 3
        assert ratelimit.current(s, old) == 0  # pruned by the first hit of the new window
    assert ratelimit.fixed_window("x", now + timedelta(minutes=7), timedelta(minutes=15)).start \
        == now


def test_the_duties_delete_every_stale_window(ctx):
    with ctx.db.write() as s:
        ratelimit.hit(s, ratelimit.day_window("a", ctx.now() - timedelta(days=5)))
        ratelimit.hit(s, ratelimit.day_window("b", ctx.now()))
    assert duties.run_once(ctx) >= 1
    with ctx.db.read() as s:
        assert list(s.scalars(select(RateCounter.key))) == ["b"]


def test_daily_limit_counts_only_delivered_inmails(ctx, clock):
    c3 = with_settings(ctx, inmails_per_day=3)
    sam = f.member(c3, plan="business")
    closed = f.member(c3)
    f.set_member(c3, closed.id, allow_inmail=False)
    with pytest.raises(Refused):
        inmail.send(c3, sam.id, closed.id, "Hi", body(0))  # refused: does not count
    people = [f.member(c3) for _ in range(5)]
    for i in range(3):
        inmail.send(c3, sam.id, people[i].id, "Hi", body(i + 1))
    assert inmail.preflight(c3, sam.id, people[3].id).code == "rate_limited"
    with pytest.raises(Refused) as err:
        inmail.send(c3, sam.id, people[3].id, "Hi", body(4))
    midnight = datetime(2026, 1, 16, tzinfo=UTC)
    assert err.value.code == "rate_limited"
    assert err.value.extra["retry_after"] == int((midnight - clock.now()).total_seconds())
    assert credits.summary(c3, sam.id).balance == 15 - 3
    with c3.db.read() as s:  # the sender's own limit is not a `rejected` InMail
        assert list(s.scalars(select(InMailRejection.code))) == ["recipient_not_accepting"]
    clock.advance(midnight - clock.now())
    inmail.send(c3, sam.id, people[3].id, "Hi", body(5))


def test_parallel_sends_at_the_limit_never_exceed_it(ctx):
    c5 = with_settings(ctx, inmails_per_day=5)
    sam = f.member(c5, plan="business")
    people = [f.member(c5) for _ in range(20)]
    results = hammer(20, lambda i: inmail.send(c5, sam.id, people[i].id, "Hi", body(i))[0].status)
    assert Counter(results) == {"delivered": 5, "rate_limited": 15}
    with c5.db.read() as s:
        assert s.scalar(select(func.count()).select_from(InMail)) == 5
        assert s.scalar(select(RateCounter.count)) == 5


def test_login_is_throttled_per_account_even_with_the_right_password(ctx, clock):
    c = with_settings(ctx, login_attempts_per_account=3, login_window_minutes=15)
    m = f.member(c)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            accounts.login(c, email=m.email.upper(), password="wrong password", address="1.2.3.4")
    with pytest.raises(Refused) as err:
        accounts.login(c, email=m.email, password=f.PASSWORD, address="5.6.7.8")
    assert err.value.code == "rate_limited" and 0 < err.value.extra["retry_after"] <= 15 * 60
    clock.advance(timedelta(seconds=err.value.extra["retry_after"]))
    assert accounts.login(c, email=m.email, password=f.PASSWORD, address="5.6.7.8").token


def test_successful_logins_do_not_count(ctx):
    c = with_settings(ctx, login_attempts_per_account=2)
    m = f.member(c)
    for _ in range(5):
        accounts.login(c, email=m.email, password=f.PASSWORD, address="1.2.3.4")


def test_login_is_throttled_per_address(ctx):
    c = with_settings(ctx, login_attempts_per_address=4, login_attempts_per_account=100)
    members = [f.member(c) for _ in range(5)]
    for m in members[:4]:
        with pytest.raises(Unauthorized):
            accounts.login(c, email=m.email, password="nope nope nope", address="9.9.9.9")
    with pytest.raises(Refused) as err:
        accounts.login(c, email=members[4].email, password=f.PASSWORD, address="9.9.9.9")
    assert err.value.code == "rate_limited"
    # Another address is not affected.
    accounts.login(c, email=members[4].email, password=f.PASSWORD, address="8.8.8.8")


def test_parallel_guesses_cannot_overrun_the_login_limit(ctx):
    c = with_settings(ctx, login_attempts_per_account=5)
    m = f.member(c)

    def guess(i: int) -> str:
        try:
            accounts.login(c, email=m.email, password=f"guess {i:04d}", address=f"10.0.0.{i}")
        except Unauthorized:
            return "wrong"
        return "ok"

    assert Counter(hammer(16, guess)) == {"wrong": 5, "rate_limited": 11}
