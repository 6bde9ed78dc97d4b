"""Keyset pagination predicates as row-value comparisons: `(a, b) < (x, y)` is one index range
on both SQLite and PostgreSQL, where the equivalent `a < x OR (a = x AND b < y)` is not, so page
1,000 costs what page 1 costs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, literal, tuple_


def _values(columns: Sequence[Any], values: Sequence[Any]) -> Any:
    # Typed like their columns, so e.g. UTC datetimes are bound as the column stores them.
    return tuple_(*(literal(v, type_=c.type) for c, v in zip(columns, values, strict=True)))


def before(columns: Sequence[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    return tuple_(*columns) < _values(columns, values)


def after(columns: Sequence[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    return tuple_(*columns) > _values(columns, values)


def before_params(columns: Sequence[Any], names: Sequence[str]) -> ColumnElement[bool]:
    """`before` with bind parameters `names` for the values, for a statement built once."""
    return tuple_(*columns) < tuple_(*(bindparam(n, type_=c.type)
                                       for c, n in zip(columns, names, strict=True)))
