"""Engine and transactions.

Services open exactly one transaction per use case with `db.write()` or `db.read()`.
On SQLite a write transaction starts with `BEGIN IMMEDIATE`, so two writers queue on the
database lock instead of deadlocking on a lock upgrade; reads stay `BEGIN DEFERRED` and, with
WAL, never wait for writers. Writers in one process first queue on a process-wide lock: SQLite's
busy handler polls with sleeps of up to 100 ms, so 32 threads waiting on the file lock leave it
idle between holders (p99 of seconds at concurrency 32); a thread lock hands over at once.
On PostgreSQL, services take row locks (`lock_member`) where a rule reads before it writes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from inroad.store.driver import Reader

log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    # JSON columns (a member's skills, on every inbox row) parse in C: the standard library's
    # decoder is several times slower for such short lists, on SQLite where SQLAlchemy decodes.
    kwargs.setdefault("json_deserializer", orjson.loads)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


SQLITE_MMAP_BYTES = 1 << 30
SQLITE_CACHE_KIB = 16_384
SQLITE_AUTOCHECKPOINT_PAGES = 10_000
SQLITE_WAL_KEEP_BYTES = 64 << 20


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # Reads through a memory map of the file instead of read() calls into a private cache,
        # and a bigger private cache (default 2 MB) for the index pages every request walks.
        cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # The server copies the WAL back from a thread (`Database.checkpoints`); a commit does
        # it only past this size: in a process without that thread, or if it falls behind.
        cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        cur.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_KEEP_BYTES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # On the driver's connection: SQLAlchemy's statement execution costs ~30 µs more than
        # SQLite spends on a BEGIN, and every request opens a transaction or two.
        immediate = conn.get_execution_options().get("inroad_write", False)
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_engine = self.engine.execution_options(inroad_write=True)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=False)
        self._writer = threading.RLock() if self.is_sqlite else None
        # Where async routes run a use case (`web.deps.call`): SQLite answers in microseconds
        # from memory-mapped pages, less than a hop to a worker thread costs; a PostgreSQL
        # round trip waits on the network and must not hold the event loop.
        self.inline = self.is_sqlite

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error."""
        if self._writer is None:
            with self._write() as session, session.begin():
                yield session
            return
        with self._writer, self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def checkpoints(self, interval: float = 0.2) -> Iterator[None]:
        """While the block runs, copy the SQLite WAL into the database file every `interval`
        seconds from a thread of its own (nothing to do on PostgreSQL). Left to SQLite, the
        commit that crosses 1,000 WAL pages does the copy: ~0.9 ms of every InMail send, and on
        the event loop (`inline`) a stall for every request. Here the copy runs beside the
        requests, each page once per interval however often commits rewrote it."""
        if not self.is_sqlite:
            yield
            return
        stop = threading.Event()
        thread = threading.Thread(target=self._checkpoint_loop, args=(stop, interval),
                                  name="sqlite-checkpoint", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _checkpoint_loop(self, stop: threading.Event, interval: float) -> None:
        assert self._writer is not None
        conn = self.engine.raw_connection()
        try:
            cursor = conn.cursor()
            while not stop.wait(interval):
                # The bulk of the copy while commits go on; then, holding the writer lock, the
                # frames they added meanwhile, so the copy completes and the next writer starts
                # the WAL over instead of growing it.
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._writer:
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception:  # the commits' own checkpoints take over
            log.exception("SQLite checkpoints stopped")
        finally:
            conn.close()

    @contextmanager
    def read_one(self) -> Iterator[Reader]:
        """A pooled driver connection for a hot read of ONE statement run on the driver
        (`store.driver`): a request's authentication, an inbox page. A lone SELECT reads one
        consistent snapshot by itself (on PostgreSQL the driver opens a transaction, rolled
        back when the pool takes the connection back), so it needs neither a `Session` nor
        SQLAlchemy's `Connection` and transaction, which cost about what converting an inbox
        page's rows does (bench/RESULTS.md). Two statements need `read()`."""
        raw = self.engine.raw_connection()
        try:
            yield Reader(self.engine.dialect, raw.driver_connection)
        finally:
            raw.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
