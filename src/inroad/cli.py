"""`inroad`: serve, demo, worker, admin. Every command brings the schema up to date first."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from inroad import logs
from inroad.config import Settings, load_settings

app = typer.Typer(help="Inroad: professional network messaging with InMail.",
                  no_args_is_help=True, add_completion=False)
admin_app = typer.Typer(help="Administration.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")

DatabaseOpt = Annotated[str | None, typer.Option("--database", help="Database URL (sqlite:///… or "
                                                  "postgresql://…)")]


def _settings(database: str | None, **overrides: Any) -> Settings:
    if database:
        overrides["database_url"] = database
    return load_settings(**overrides)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, database: DatabaseOpt = None,
          test_clock: Annotated[bool, typer.Option("--test-clock")] = False,
          workers: Annotated[int, typer.Option(help="App processes")] = 1) -> None:
    """Serve the API and the web app. Migrations run on start."""
    settings = _settings(database, **({"test_clock": True} if test_clock else {}))
    from inroad.db import Database
    from inroad.migrate import upgrade

    db = Database(settings.database_url)
    upgrade(db.engine)
    db.dispose()
    _run_server(settings, host, port, workers)


def _run_server(settings: Settings, host: str, port: int, workers: int) -> None:
    import os

    import uvicorn

    # Child processes rebuild the app from the environment (see inroad.web.asgi).
    for key, value in settings.model_dump(mode="json").items():
        if value is not None:
            # pydantic-settings reads complex values (lists, dicts) from the environment as JSON.
            text = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
            os.environ[f"INROAD_{key.upper()}"] = text
    json_logs = settings.log_format == "json"
    uvicorn.run("inroad.web.asgi:app", host=host, port=port, workers=workers,
                log_level="info", access_log=False, proxy_headers=True,
                log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG)


@app.command()
def demo(host: str = "127.0.0.1", port: int = 8000,
         database: DatabaseOpt = None,
         reset: Annotated[bool, typer.Option(help="Start from an empty demo database")] = False,
         ) -> None:
    """A SQLite database with demo members, connections and InMail history, then serve."""
    from inroad import demo as demo_data

    url = database or "sqlite:///inroad-demo.db"
    if reset and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    settings = _settings(url, test_clock=True, log_format="text")
    logins = demo_data.load(settings)
    typer.echo("")
    typer.echo(f"Inroad demo at http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)")
    typer.echo("Demo logins (password for all: " + demo_data.PASSWORD + "):")
    for email, what in logins:
        typer.echo(f"  {email:32} {what}")
    typer.echo("")
    _run_server(settings, host, port, 1)


@app.command()
def worker(database: DatabaseOpt = None,
           interval: Annotated[float, typer.Option(help="Seconds between rounds")] = 30.0,
           once: Annotated[bool, typer.Option(help="Run one round and exit")] = False) -> None:
    """Time-based duties (grants, expiry, reminders) and the email outbox. Safe to run several."""
    from inroad import duties
    from inroad.clock import Clock
    from inroad.context import Context
    from inroad.db import Database
    from inroad.events.broker import make_broker
    from inroad.migrate import upgrade

    settings = _settings(database)
    if settings.log_format == "json":
        logs.configure()
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    db = Database(settings.database_url)
    upgrade(db.engine)
    # Reminders raised here must reach members' open pages: through Redis when configured.
    ctx = Context(settings=settings, db=db, clock=Clock(),
                  publish=make_broker(settings.redis_url).publish)
    while True:
        done = duties.run_once(ctx)
        if done:
            logging.getLogger("inroad.worker").info("brought %d members up to date", done)
        if once:
            return
        time.sleep(interval)


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="Where to write the copy")],
           database: DatabaseOpt = None) -> None:
    """A consistent online copy of a SQLite database (for PostgreSQL, use pg_dump)."""
    from inroad.backup import backup_sqlite

    settings = _settings(database)
    if settings.database_url.startswith(("postgres://", "postgresql")):
        typer.echo("PostgreSQL: use  pg_dump --format=custom --file=PATH DBNAME  "
                   "(restore with pg_restore); see docs/running.md", err=True)
        raise typer.Exit(2)
    size = backup_sqlite(settings.database_url, path)
    typer.echo(f"backup written to {path} ({size:,} bytes)")


@admin_app.command("create")
def admin_create(email: Annotated[str, typer.Option()], password: Annotated[str, typer.Option()],
                 database: DatabaseOpt = None,
                 name: Annotated[str, typer.Option()] = "Administrator") -> None:
    """Create an admin account (or make an existing account an admin)."""
    from inroad.clock import Clock
    from inroad.context import Context
    from inroad.db import Database
    from inroad.migrate import upgrade
    from inroad.services import accounts

    if len(password) < 10:
        raise typer.BadParameter("at least 10 characters", param_hint="--password")
    settings = _settings(database)
    db = Database(settings.database_url)
    upgrade(db.engine)
    member = accounts.create_admin(Context(settings, db, Clock()), email=email, password=password,
                                   full_name=name)
    typer.echo(f"admin {member.email} ({member.id})")


def main() -> None:
    app()
