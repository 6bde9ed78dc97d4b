"""Consistent online backups of the embedded SQLite database.

SQLite's backup API copies pages while the server keeps running and yields a consistent
snapshot (WAL readers are not blocked). PostgreSQL deployments use `pg_dump` instead
(docs/running.md)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from inroad.db import normalize_url


def sqlite_path(database_url: str) -> Path:
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("online backups here are for SQLite; use pg_dump for PostgreSQL")
    return Path(url.database)


def backup_sqlite(database_url: str, target: Path, pages_per_step: int = 1024) -> int:
    """Copy the database to `target` (replaced if present); returns its size in bytes."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise FileNotFoundError(source_path)
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(source_path)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst, pages=pages_per_step)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
    finally:
        dst.close()
        src.close()
    tmp.replace(target)  # never leave a half-written backup under the real name
    return target.stat().st_size
