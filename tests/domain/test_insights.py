"""Insight rules: subject normalization, Wilson intervals, medians, periods and ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inroad.domain.errors import ValidationFailed
from inroad.domain.insights import (
    Counts,
    average_response_hours,
    check_range,
    day_of,
    default_range,
    median,
    name_variants,
    normalize_subject,
    open_rate,
    period_key,
    periods,
    rate,
    response_rate,
    wilson,
)


@pytest.mark.parametrize(("subject", "names", "expected"), [
    ("Quick question", (), "quick question"),
    ("  QUICK   question!! ", (), "quick question"),
    ("Re: RE:Fwd: Quick question", (), "quick question"),
    ("5 open roles in Q3 2026", (), "# open roles in q# #"),
    ("12 open roles, $1,000.50 bonus", (), "# open roles, $# bonus"),
    ("Quick question, Ann!", name_variants("Ann Lee"), "quick question, {name}"),
    ("Ann Lee: your talk at PyCon", name_variants("Ann Lee"), "{name}: your talk at pycon"),
    ("Hello Lee family", name_variants("Ann Lee"), "hello {name} family"),
    ("Annual review", name_variants("Ann Lee"), "annual review"),  # whole words only
    ("Role 13", name_variants("Member 13"), "role #"),  # a number is never a name
    ("(no subject)", (), "no subject"),
])
def test_normalize_subject(subject, names, expected):
    assert normalize_subject(subject, names) == expected


def test_normalized_subject_is_at_most_200_characters():
    assert len(normalize_subject("word " * 100)) == 200


@given(st.text(max_size=300), st.lists(st.text(max_size=20), max_size=3))
def test_normalization_is_idempotent_and_bounded(subject, names):
    once = normalize_subject(subject, names)
    assert len(once) <= 200
    assert normalize_subject(once) == normalize_subject(once)


def test_wilson_known_values():
    assert wilson(0, 0) is None
    lo, hi = wilson(5, 10)  # type: ignore[misc]
    assert (round(lo, 3), round(hi, 3)) == (0.237, 0.763)
    lo, hi = wilson(0, 10)  # type: ignore[misc]
    assert (lo, round(hi, 4)) == (0.0, 0.2775)
    lo, hi = wilson(10, 10)  # type: ignore[misc]
    assert (round(lo, 4), hi) == (0.7225, 1.0)
    lo, hi = wilson(81, 263)  # type: ignore[misc]
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_wilson_contains_the_rate_and_stays_in_bounds(k, n):
    k = min(k, n)
    lo, hi = wilson(k, n)  # type: ignore[misc]
    assert 0.0 <= lo <= k / n + 1e-12 and k / n - 1e-12 <= hi <= 1.0


def test_rates_are_null_without_a_denominator():
    none = rate(0, 0)
    assert (none.value, none.ci) == (None, None)
    c = Counts(sent=12, delivered=10, rejected=2, opened=6, accepted=1, declined=1, replied=2,
               response_hours_total=20.0)
    assert (c.responded, open_rate(c).value, response_rate(c).value) == (4, 0.6, 0.4)
    assert average_response_hours(c) == 5.0 and average_response_hours(Counts()) is None
    assert (c + c).opened == 12 and (c + Counts()) == c


def test_median_is_exact():
    assert median([]) is None
    assert median([7.0]) == 7.0
    assert median([10.0, 2.0, 4.0]) == 4.0
    assert median([1.0, 9.0, 3.0, 4.0]) == 3.5


def test_day_of_is_midnight_utc():
    plus_two = timezone(timedelta(hours=2))
    assert day_of(datetime(2026, 1, 16, 1, 30, tzinfo=plus_two)) == datetime(2026, 1, 15,
                                                                             tzinfo=UTC)


def test_period_keys():
    d = date(2026, 1, 15)  # a Thursday
    assert (period_key(d, "day"), period_key(d, "week"), period_key(d, "month")) == (
        "2026-01-15", "2026-01-12", "2026-01")


def test_periods_cover_the_range_and_are_clipped():
    weeks = periods(date(2026, 1, 15), date(2026, 1, 27), "week")
    assert [(p.key, p.start, p.end) for p in weeks] == [
        ("2026-01-12", date(2026, 1, 15), date(2026, 1, 18)),
        ("2026-01-19", date(2026, 1, 19), date(2026, 1, 25)),
        ("2026-01-26", date(2026, 1, 26), date(2026, 1, 27))]
    months = periods(date(2025, 12, 30), date(2026, 3, 2), "month")
    assert [p.key for p in months] == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert (months[2].start, months[2].end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert len(periods(date(2026, 1, 1), date(2026, 12, 31), "day")) == 365


def test_ranges():
    assert default_range(date(2026, 1, 15)) == (date(2025, 10, 18), date(2026, 1, 15))
    check_range(date(2023, 1, 15), date(2026, 1, 15))
    check_range(date(2024, 2, 29), date(2027, 2, 28))
    with pytest.raises(ValidationFailed) as err:
        check_range(date(2026, 1, 2), date(2026, 1, 1))
    assert set(err.value.fields) == {"to"}
    with pytest.raises(ValidationFailed):
        check_range(date(2023, 1, 15), date(2026, 1, 16))
