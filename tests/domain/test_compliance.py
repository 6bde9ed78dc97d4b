"""No pestering (follow-up rule), the refusals compliance produces, the low-response steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from inroad.domain import compliance as rules
from inroad.domain.followup import CONTACT_LIMIT, TOO_SOON, check_follow_up
from inroad.domain.promotion import score

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def follow_up(history, now):
    return check_follow_up(history, now, WEEK)


def test_first_inmail_is_always_allowed():
    assert follow_up([], T0) is None


def test_follow_up_exactly_seven_days_after_is_allowed():
    assert follow_up([(T0, None)], T0 + WEEK) is None


def test_follow_up_a_minute_early_is_too_soon():
    refusal = follow_up([(T0, None)], T0 + timedelta(days=6, hours=23, minutes=59))
    assert refusal is not None and refusal.code == TOO_SOON and refusal.allowed_at == T0 + WEEK
    assert follow_up([(T0, None)], T0 + timedelta(days=6, hours=23)).code == TOO_SOON


def test_after_the_follow_up_nothing_until_a_response():
    history = [(T0, None), (T0 + WEEK, None)]
    assert follow_up(history, T0 + timedelta(days=60)).code == CONTACT_LIMIT


def test_a_response_resets_the_count():
    answered = [(T0, None), (T0 + WEEK, None), (T0 - timedelta(days=30), T0 + timedelta(days=8))]
    assert follow_up(answered, T0 + timedelta(days=9)) is None
    # A response to the first InMail, then a new InMail: that one starts a new count.
    after = [(T0, T0 + timedelta(days=1)), (T0 + timedelta(days=2), None)]
    assert follow_up(after, T0 + timedelta(days=3)).code == TOO_SOON
    assert follow_up(after, T0 + timedelta(days=9)) is None
    assert follow_up([*after, (T0 + timedelta(days=9), None)],
                     T0 + timedelta(days=30)).code == CONTACT_LIMIT


def test_follow_up_results_carry_retry_after_and_messages():
    soon = rules.follow_up_result(follow_up([(T0, None)], T0 + timedelta(days=6)), T0 +
                                  timedelta(days=6))
    assert soon.code == "follow_up_too_soon"
    assert soon.extra["retry_after"] == 86400
    assert soon.extra["follow_up_at"] == "2026-03-09T09:00:00Z"
    limit = rules.follow_up_result(follow_up([(T0, None), (T0 + WEEK, None)], T0 + 2 * WEEK),
                                   T0 + 2 * WEEK)
    assert limit.code == "contact_limit" and "retry_after" not in limit.extra


def test_promotional_result_lists_phrases_in_the_message():
    result = rules.promotional_result(score("Buy now: 50% off, only $10", {"call_to_buy": 1}))
    assert result.code == "looks_promotional"
    assert result.extra["phrases"] == ["$10", "50% off", "only $10", "Buy now"]
    assert all(p in result.message for p in result.extra["phrases"])


def test_bulk_refuses_the_sixth_recipient():
    assert not rules.bulk_refused(4, 5)
    assert rules.bulk_refused(5, 5)
    result = rules.bulk_result(5, 7)
    assert result.code == "bulk_identical" and "ersonaliz" in result.extra["hint"]


def test_strike_dedupe_key_fits_the_column():
    key = rules.strike_dedupe_key("01" * 13, 300, date(2026, 3, 2))
    assert key == f"compliance:{'01' * 13}:300:2026-03-02" and len(key) <= 80


def test_seconds_until_rounds_up_and_is_never_zero():
    assert rules.seconds_until(T0 + timedelta(milliseconds=1), T0) == 1
    assert rules.seconds_until(T0, T0) == 1
    assert rules.seconds_until(T0 + timedelta(seconds=90.2), T0) == 91


def test_low_response_warns_then_caps_on_a_later_day():
    window = timedelta(days=14)
    step = rules.low_response_step
    assert step(False, None, None, T0, window) is None
    assert step(True, None, None, T0, window) == "warn"
    assert step(True, T0, None, T0 + timedelta(hours=2), window) is None  # same day
    assert step(True, T0, None, T0 + timedelta(days=1), window) == "cap"
    assert step(True, T0, T0 + window, T0 + timedelta(days=3), window) is None  # capped
    assert step(True, T0, None, T0 + window, window) == "warn"  # the warning lapsed
