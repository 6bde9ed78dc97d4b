"""`UTCDateTime` converts SQLite's text itself (models.py), instead of through SQLAlchemy's
processor: the text it writes must be exactly SQLAlchemy's, or stored times would stop
comparing and sorting with those already written, and what it reads must be the same time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from inroad.models import UTCDateTime

DIALECT = sqlite.dialect()
OURS = UTCDateTime().dialect_impl(DIALECT)
WRITE, READ = OURS.bind_processor(DIALECT), OURS.result_processor(DIALECT, None)
SA = DateTime().dialect_impl(DIALECT)
SA_WRITE, SA_READ = SA.bind_processor(DIALECT), SA.result_processor(DIALECT, None)

offsets = st.one_of(st.none(), st.just(UTC), st.integers(-14 * 60, 14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))))
times = st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30),
                     timezones=offsets)


@given(times)
def test_sqlite_text_is_sqlalchemys_and_reads_back_as_the_same_utc_time(at: datetime) -> None:
    naive_utc = at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at
    text = WRITE(at)
    assert text == SA_WRITE(naive_utc)
    assert READ(text) == SA_READ(text).replace(tzinfo=UTC) == naive_utc.replace(tzinfo=UTC)


def test_text_without_a_fraction_and_null_read_as_sqlalchemy_reads_them() -> None:
    assert READ("2026-11-26 09:30:00") == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert WRITE(None) is None and READ(None) is None
