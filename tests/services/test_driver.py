"""store/driver: a statement run on the driver writes what SQLAlchemy would have written, so
rows it writes and rows the ORM writes read back, compare and sort alike."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from inroad.context import Context
from inroad.db import Database
from inroad.models import InsightCount, Member, RateCounter
from inroad.security import token_hash
from inroad.services import accounts
from inroad.store import members
from inroad.store.driver import Prepared
from tests import factories as f

COUNTERS = RateCounter.__table__
COUNTS = InsightCount.__table__


def test_datetimes_are_stored_as_sqlalchemy_stores_them(db: Database) -> None:
    """Same column, one row through SQLAlchemy and one through the driver: the stored values
    are identical (on SQLite that is text, compared as text by every range query)."""
    at = datetime(2026, 11, 26, 9, 30, tzinfo=timezone(timedelta(hours=2)))  # 07:30 UTC
    with db.write() as s:
        s.execute(insert(COUNTERS), {"key": "orm", "window_start": at, "count": 1})
        Prepared(insert(COUNTERS)).execute(s, {"key": "raw", "window_start": at, "count": 1})
    with db.read() as s:
        raw = {k: v for k, v in s.connection().exec_driver_sql(
            "SELECT key, window_start FROM rate_counters").all()}
        orm = {k: v for k, v in s.execute(select(COUNTERS.c.key, COUNTERS.c.window_start))}
    assert raw["orm"] == raw["raw"]
    assert orm["raw"] == orm["orm"] == datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


def test_parameters_by_name_in_any_order_with_literals_and_column_defaults(db: Database) -> None:
    """A statement's own literals (`+ 1`) and the columns' scalar defaults are filled in; the
    caller's values go to the right placeholders whatever the driver's parameter style."""
    day = datetime(2026, 11, 26, tzinfo=UTC)
    with db.write() as s:
        Prepared(insert(COUNTS)).execute(s, {"day": day, "dim": "all", "dim_value": "",
                                             "member_id": "m1"})
        bump = Prepared(update(COUNTS).where(COUNTS.c.member_id == bindparam("b_member"),
                                             COUNTS.c.day == bindparam("b_day"))
                        .values(sent=COUNTS.c.sent + 1, delivered=bindparam("b_delivered")))
        bump.execute(s, {"b_delivered": 7, "b_day": day, "b_member": "m1"})
    with db.read() as s:
        row = s.execute(select(COUNTS.c.day, COUNTS.c.sent, COUNTS.c.delivered,
                               COUNTS.c.response_hours_total)).one()
    assert tuple(row) == (day, 1, 7, 0.0)


def test_rows_come_back_converted_by_the_columns_types(db: Database) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC)
    with db.write() as s:
        Prepared(insert(COUNTERS)).execute(s, {"key": "k", "window_start": at, "count": 3})
    read = Prepared(select(COUNTERS.c.window_start, COUNTERS.c.count)
                    .where(COUNTERS.c.key == bindparam("b_key")))
    with db.read() as s:
        stored, count = read.all(s, {"b_key": "k"})[0]
        assert read.scalar(s, {"b_key": "missing"}) is None
    assert (stored, count) == (at, 3)


def test_driver_errors_come_out_as_sqlalchemys(db: Database) -> None:
    """A unique violation raises SQLAlchemy's `IntegrityError`, which the services catch (the
    race to create a pair's conversation), once and many at a time."""
    row = {"key": "k", "window_start": datetime(2026, 1, 1, tzinfo=UTC), "count": 1}
    with db.write() as s:
        Prepared(insert(COUNTERS)).execute(s, row)
    with pytest.raises(IntegrityError), db.write() as s:
        Prepared(insert(COUNTERS)).execute(s, row)
    with pytest.raises(IntegrityError), db.write() as s:
        Prepared(insert(COUNTERS)).executemany(s, [row])


def test_expanding_in_lists_are_refused() -> None:
    from sqlalchemy.dialects import sqlite

    stmt = select(COUNTERS.c.key).where(COUNTERS.c.key.in_(bindparam("b_keys", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        Prepared(stmt)._plan(sqlite.dialect())


def test_rows_read_on_the_driver_equal_the_orms(ctx: Context) -> None:
    """`Prepared.all` converts every value as SQLAlchemy would (datetimes, booleans, JSON):
    the member a token names, read on the driver, equals the ORM's."""
    created = accounts.signup(ctx, email="d@example.com", password="0123456789",
                              full_name="Dee", skills=["Go", "SQL"], headline="Engineer")
    with ctx.db.read_one() as conn:
        raw = members.token_member(conn, token_hash(created.token), ctx.now())
    with ctx.db.read() as s:
        orm = s.get(Member, created.member.id)
    assert raw is not None and orm is not None
    columns = [c.key for c in Member.__table__.columns]
    assert {c: getattr(raw, c) for c in columns} == {c: getattr(orm, c) for c in columns}
    assert raw.skills == ["Go", "SQL"] and raw.created_at.tzinfo is UTC


def test_loaded_objects_are_the_sessions_own(ctx: Context) -> None:
    """`Prepared.load` gives what a query gives: persistent objects whose changes are flushed
    at commit, equal to the ORM's, and the object itself when the session already holds it."""
    dana = f.member(ctx, "Dana Kim")
    table = Member.__table__
    by_id = Prepared(select(*table.c).where(table.c.id == bindparam("b_id")))
    with ctx.db.write() as s:
        loaded = by_id.load(s, Member, {"b_id": dana.id})[0]
        assert {c.key: getattr(loaded, c.key) for c in table.c} == \
            {c.key: getattr(s.get(Member, dana.id), c.key) for c in table.c}
        assert s.get(Member, dana.id) is loaded
        assert by_id.load(s, Member, {"b_id": dana.id}) == [loaded]
        assert members.get_member(s, dana.id) is loaded
        assert by_id.load(s, Member, {"b_id": "nobody"}) == []
        loaded.headline = "Staff engineer"
    with ctx.db.write() as s:
        assert members.get_member(s, dana.id).headline == "Staff engineer"
        s.get(Member, dana.id).headline = "changed meanwhile"
        s.flush()
        s.connection().exec_driver_sql("UPDATE members SET headline = 'by someone else'")
        assert members.lock_member(s, dana.id).headline == "by someone else"


def test_an_instance_made_first_in_a_process_reads_its_values() -> None:
    """`instance` skips the constructor, which is what configures the mappers: made before any
    other ORM use in a fresh process (a server's first request), it must still work."""
    code = ("from inroad.models import Member\n"
            "from inroad.store.driver import instance\n"
            "m = instance(Member, {'id': 'x', 'full_name': 'Ada', 'status': 'active'})\n"
            "print(m.full_name, m.status)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["Ada", "active"]


def test_reads_of_one_statement_see_every_commit_before_them(ctx: Context) -> None:
    """`Database.read_one` runs without a transaction of its own: each read must still see
    what was committed before it, on whichever pooled connection it lands, never a snapshot
    an earlier read left open."""
    count = Prepared(select(func.count()).select_from(Member.__table__))
    for i in range(4):
        with ctx.db.read_one() as r, ctx.db.read_one() as other:
            before = count.scalar(r, {})
            assert count.scalar(other, {}) == before
        accounts.signup(ctx, email=f"r{i}@example.com", password="0123456789",
                        full_name=f"Reader {i}")
        with ctx.db.read_one() as r, ctx.db.read_one() as other:
            assert count.scalar(r, {}) == count.scalar(other, {}) == before + 1
