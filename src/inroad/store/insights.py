"""Insight counts (upserted increments), the reads behind insights, and follow-ups due.

`insight_counts` has the primary key (member_id, day, dim, dim_value): a sender's year is one
index range. Platform rows use member_id "*" and only the `all` and `purpose` dimensions, so
the platform's range stays ~8 rows a day (see services/insights). Reads go through the Core
connection, not the ORM: they return plain tuples, by the thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, Float, Table, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from inroad.domain.insights import COUNT_FIELDS, Counts
from inroad.models import Block, Connection, ContactStop, InMail, InsightCount, Member
from inroad.store import keyset
from inroad.store.driver import Prepared

KEY = ("member_id", "day", "dim", "dim_value")


def add_counts(session: Session, increments: Iterable[tuple[str, datetime, str, str,
                                                            Mapping[str, float]]]) -> None:
    """Add `{column: n}` to each (member_id, day, dim, dim_value) row, creating it at zero
    first, with `INSERT .. ON CONFLICT DO UPDATE SET x = x + excluded.x`, so concurrent writers
    never lose an increment. One prepared statement for every call, run as an executemany (a
    multi-row VALUES would be compiled afresh each time: 4 ms of a 20 ms send).

    Rows are written in primary-key order ("*" sorts first): every transaction takes these row
    locks in the same order, so two of them can wait for each other but never deadlock. Call it
    last in a transaction, after any other lock (member, InMail) is held."""
    rows = []
    for member_id, day, dim, dim_value, deltas in sorted(increments, key=lambda r: r[:4]):
        row: dict[str, Any] = dict(_ZEROS)
        row.update(deltas)
        row.update(member_id=member_id, day=day, dim=dim, dim_value=dim_value)
        rows.append(row)
    if rows:
        _upsert(session.get_bind().dialect.name).executemany(session, rows)


_ZEROS: dict[str, Any] = {**{f: 0 for f in COUNT_FIELDS}, "response_hours_total": 0.0}


@cache
def _upsert(dialect: str) -> Prepared:
    table: Table = InsightCount.__table__  # type: ignore[assignment]
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return Prepared(stmt.on_conflict_do_update(
        index_elements=list(KEY),
        set_={c: table.c[c] + stmt.excluded[c] for c in _ZEROS}))


_COLUMNS = [getattr(InsightCount, f) for f in COUNT_FIELDS]
_SUMS = [func.sum(c) for c in _COLUMNS]


def _counts(values: Sequence[Any]) -> Counts:
    """The count columns, in `COUNT_FIELDS` order (SUM of integers stays an integer)."""
    return Counts(*values)


def daily_counts(session: Session, member_id: str, first: datetime,
                 last: datetime) -> dict[date, Counts]:
    """The `all` row of each day in [first, last] that has one."""
    rows = session.connection().execute(
        select(InsightCount.day, *_COLUMNS)
        .where(InsightCount.member_id == member_id, InsightCount.day >= first,
               InsightCount.day <= last, InsightCount.dim == "all"))
    return {r[0].date(): _counts(r[1:]) for r in rows}


def counts_by_value(session: Session, member_id: str, first: datetime, last: datetime,
                    dims: tuple[str, ...]) -> dict[str, dict[str, Counts]]:
    """Sums over [first, last] per (dim, dim_value); `all` gives the one total."""
    rows = session.connection().execute(
        select(InsightCount.dim, InsightCount.dim_value, *_SUMS)
        .where(InsightCount.member_id == member_id, InsightCount.day >= first,
               InsightCount.day <= last, InsightCount.dim.in_(dims))
        .group_by(InsightCount.dim, InsightCount.dim_value))
    out: dict[str, dict[str, Counts]] = {d: {} for d in dims}
    for r in rows:
        out[r[0]][r[1]] = _counts(r[2:])
    return out


def response_hours(session: Session, sender_id: str, first: datetime,
                   end: datetime) -> list[tuple[date, float]]:
    """(day sent, hours to the response) of the sender's InMails sent in [first, end) that got a
    response: an index-only range on ix_inmails_sender (it holds responded_at). The database
    computes the hours and the day, so each row crosses as a short string or date and a float,
    with no per-row type processing (bench/insights_bench.py)."""
    if session.get_bind().dialect.name == "postgresql":
        day: ColumnElement[Any] = cast(InMail.sent_at, Date)
        # EXTRACT gives numeric (Decimal in Python); double precision arrives as a float.
        hours: ColumnElement[Any] = cast(
            func.extract("epoch", InMail.responded_at - InMail.sent_at), Float) / 3600.0
    else:
        # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" (naive UTC): the date is the first 10.
        day = func.substr(InMail.sent_at, 1, 10)
        hours = (func.julianday(InMail.responded_at) - func.julianday(InMail.sent_at)) * 24.0
    rows = session.connection().execute(
        select(day, hours)
        .where(InMail.sender_id == sender_id, InMail.sent_at >= first, InMail.sent_at < end,
               InMail.responded_at.is_not(None)))
    days: dict[Any, date] = {}

    def day_of(raw: Any) -> date:
        d = days[raw] = raw if isinstance(raw, date) else date.fromisoformat(raw)
        return d

    return [(days[raw] if raw in days else day_of(raw), h) for raw, h in rows]


def due_follow_ups(session: Session, sender_id: str, sent_by: datetime,
                   after: tuple[datetime, str] | None, limit: int) -> list[InMail]:
    """The sender's InMails sent at or before `sent_by` that are the only InMail to their
    recipient and got no response, to a recipient who is still active and reachable (not
    connected since, no block either way, no stop request). Newest first, keyset on
    (sent_at, id) along ix_inmails_sender; each exclusion is an indexed NOT EXISTS, so a page
    costs the same however long the history."""
    other = aliased(InMail)
    stmt = (
        select(InMail)
        .join(Member, Member.id == InMail.recipient_id)
        .where(
            InMail.sender_id == sender_id,
            InMail.sent_at <= sent_by,
            InMail.responded_at.is_(None),
            Member.status == "active",
            ~exists().where(other.sender_id == sender_id,
                            other.recipient_id == InMail.recipient_id, other.id != InMail.id),
            ~exists().where(Connection.member_id == sender_id,
                            Connection.other_id == InMail.recipient_id),
            ~exists().where(or_(
                and_(Block.member_id == sender_id, Block.blocked_id == InMail.recipient_id),
                and_(Block.member_id == InMail.recipient_id, Block.blocked_id == sender_id))),
            ~exists().where(ContactStop.member_id == InMail.recipient_id,
                            ContactStop.stopped_id == sender_id),
        )
    )
    if after:
        stmt = stmt.where(keyset.before((InMail.sent_at, InMail.id), after))
    return list(session.scalars(
        stmt.order_by(InMail.sent_at.desc(), InMail.id.desc()).limit(limit)))
