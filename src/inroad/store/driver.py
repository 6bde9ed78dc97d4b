"""Statements run on the database driver itself, for the hot paths (InMail send, token check,
inbox page).

A SQLAlchemy Core statement built once still costs ~40 µs of Python per execution (execution
context, parameter processing, result set-up), several times what SQLite spends running it, and
a send runs some twenty. `Prepared` compiles a Core statement once per dialect and runs it on
the DBAPI cursor of the session's connection, inside the same transaction, or of a `Reader`
(`Database.read_one`, a read of one statement). Values go in and
come out through the types' own bind and result processors, as SQLAlchemy would convert them
(UTC datetimes, booleans, JSON). The statement is still written, and reviewed, as SQLAlchemy
Core.

`execute` returns the driver's cursor, whose rows are the driver's tuples (no conversion: for
counts and ids); `all` returns named tuples with every value converted.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, configure_mappers, make_transient_to_detached
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

Converter = Callable[[Any], Any]
M = TypeVar("M")

# Called with each statement's SQL text (bench/roundtrips.py counts them).
listeners: list[Callable[[str], None]] = []


@dataclass(frozen=True)
class _Plan:
    sql: str
    names: tuple[str, ...] | None  # positional drivers (SQLite): the parameter order
    defaults: Mapping[str, Any]  # values the statement carries itself (literals)
    converters: Mapping[str, Converter]  # the bind processors of the parameters that have one
    # Rows for `Prepared.all`: a named tuple of the selected columns, and the result
    # processors of the columns that have one (datetimes, booleans, JSON on SQLite).
    row: Callable[[Iterable[Any]], Any] | None
    processors: tuple[tuple[int, Converter], ...]

    def params(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        merged = {**self.defaults, **values} if self.defaults else values
        if self.converters:
            merged = dict(merged)
            for name, convert in self.converters.items():
                merged[name] = convert(merged[name])
        if self.names is None:
            return merged
        return [merged[name] for name in self.names]


def instance(model: type[M], values: Mapping[str, Any]) -> M:
    """An object of the mapped class `model` holding `values` (attribute names), made the way
    the ORM's loader makes one: a bare instance with its state, values put in its `__dict__`.
    The constructor sets each value through the attribute's instrumentation, ~80 µs for a
    member's 28 columns against ~4 µs. Transient, with no pending changes."""
    mapper = sa_inspect(model)
    if not mapper.configured:  # the constructor would have configured the mappers
        configure_mappers()
    obj: M = mapper.class_manager.new_instance()
    obj.__dict__.update(values)
    return obj


@dataclass(frozen=True)
class Reader:
    """A pooled driver connection for a read of one statement (`Database.read_one`), with no
    SQLAlchemy `Connection` or transaction around it."""

    dialect: Dialect
    dbapi: Any  # the driver's connection


Target = Session | Connection | Reader


class Prepared:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = self._compile(dialect)
        return plan

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled = self.statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding parameters (IN lists) need SQLAlchemy's execution")
        converters: dict[str, Converter] = {}
        for bind, name in compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                converters[name] = processor
        defaults = {bind_name: bind.value for bind, bind_name in compiled.bind_names.items()
                    if bind.value is not None and not bind.required}
        table = getattr(self.statement, "table", None)
        if getattr(self.statement, "is_insert", False) and table is not None:
            for column in table.columns:  # what SQLAlchemy would fill in for a missing value
                default = column.default
                if default is None:
                    defaults.setdefault(column.key, None)
                elif getattr(default, "is_scalar", False):
                    defaults.setdefault(column.key, default.arg)
                else:
                    raise ValueError(f"{column} has a computed default: pass it explicitly")
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        row: Callable[[Iterable[Any]], Any] | None = None
        processors: list[tuple[int, Converter]] = []
        selected = getattr(self.statement, "selected_columns", None)
        if selected is not None:
            make_type: Any = namedtuple  # its field names are only known here
            row = make_type("Row", list(selected.keys()), rename=True)._make
            for i, column in enumerate(selected):
                processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if processor is not None:
                    processors.append((i, processor))
        return _Plan(compiled.string, names, defaults, converters, row, tuple(processors))

    def _run(self, target: Target, params: Callable[[_Plan], Any],
             many: bool = False) -> tuple[Any, _Plan]:
        """Run on the driver's cursor of the transaction a session (or a Core connection)
        holds, or of a `Reader`. The driver's errors come out as SQLAlchemy's
        (`IntegrityError`, ...), as from any other statement, so callers catch one kind
        whichever way a statement ran."""
        if isinstance(target, Reader):
            dialect, dbapi = target.dialect, target.dbapi
        else:
            conn = target.connection() if isinstance(target, Session) else target
            dialect, dbapi = conn.dialect, conn.connection.driver_connection
        plan = self._plan(dialect)
        for listener in listeners:
            listener(plan.sql)
        assert dbapi is not None
        cursor = dbapi.cursor()
        values = params(plan)
        try:
            if many:
                cursor.executemany(plan.sql, values)
            else:
                cursor.execute(plan.sql, values)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(plan.sql, values, exc, dialect.loaded_dbapi.Error,
                                      dialect=dialect, ismulti=many) from exc
        return cursor, plan

    def execute(self, target: Target, values: Mapping[str, Any]) -> Any:
        """Run once; returns the driver's cursor (fetchone / fetchall / rowcount)."""
        return self._run(target, lambda plan: plan.params(values))[0]

    def executemany(self, target: Target, rows: Iterable[Mapping[str, Any]]) -> None:
        self._run(target, lambda plan: [plan.params(row) for row in rows], many=True)

    def all(self, target: Target, values: Mapping[str, Any]) -> list[Any]:
        """The rows of a SELECT as named tuples, each value as SQLAlchemy would return it."""
        cursor, plan = self._run(target, lambda plan: plan.params(values))
        assert plan.row is not None, "not a SELECT"
        make, processors = plan.row, plan.processors
        if not processors:
            return [make(r) for r in cursor.fetchall()]
        rows = []
        for r in cursor.fetchall():
            values_ = list(r)
            for i, process in processors:
                values_[i] = process(values_[i])
            rows.append(make(values_))
        return rows

    def load(self, session: Session, model: type[M], values: Mapping[str, Any]) -> list[M]:
        """The rows of a SELECT of all of `model`'s columns as persistent objects of `session`,
        as a query returns them, for a fraction of the ORM's loading cost (~0.1 ms a row against
        ~0.3 ms).
        An object the session already holds is returned as it is, not refreshed."""
        objects = []
        for row in self.all(session, values):
            obj = instance(model, row._asdict())
            held = session.identity_map.get(session.identity_key(instance=obj))
            if held is not None:
                objects.append(held)
                continue
            make_transient_to_detached(obj)  # loaded state: changes from here on are flushed
            session.add(obj)
            objects.append(obj)
        return objects

    def scalar(self, target: Target, values: Mapping[str, Any]) -> Any:
        row = self.execute(target, values).fetchone()
        return None if row is None else row[0]
