from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inroad.domain.standing import low_response, low_response_shown

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=14)


def test_low_response_needs_the_volume_and_a_rate_under_the_minimum() -> None:
    assert not low_response(99, 0, 100, 0.13)
    assert low_response(100, 12, 100, 0.13)
    assert not low_response(100, 13, 100, 0.13)


def test_standing_shows_a_recent_warning_and_a_running_cap_only() -> None:
    recent, old = NOW - timedelta(days=13), NOW - timedelta(days=15)
    running, ended = NOW + timedelta(days=1), NOW - timedelta(seconds=1)
    assert low_response_shown(recent, running, NOW, WINDOW) == (recent, running)
    assert low_response_shown(old, ended, NOW, WINDOW) == (None, None)
    assert low_response_shown(None, None, NOW, WINDOW) == (None, None)
