from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from inroad.cli import app
from inroad.db import Database
from inroad.migrate import upgrade
from inroad.models import LedgerEntry, Member, Message
from inroad.services import accounts, conversations
from tests import factories as f


@pytest.mark.skipif("os.environ.get('INROAD_TEST_DATABASE_URL')")
def test_backup_restores_to_an_identical_database(ctx, tmp_path, database_url):
    a, b = f.member(ctx, "Ann", plan="career"), f.member(ctx, "Bob")
    f.connect(ctx, a, b)
    conversations.send_message(ctx, a.id, b.id, "backed up")
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(app, ["backup", str(target), "--database", database_url])
    assert result.exit_code == 0, result.output
    restored = Database(f"sqlite:///{target}")
    upgrade(restored.engine)  # already at head: a no-op
    with restored.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 2
        assert s.scalar(select(Message.body)) == "backed up"
        assert s.scalar(select(func.sum(LedgerEntry.amount))) == 5
    restored.dispose()
    from inroad.context import Context

    copy_ctx = Context(ctx.settings, Database(f"sqlite:///{target}"), ctx.clock)
    assert accounts.login(copy_ctx, email=a.email, password=f.PASSWORD).member.id == a.id


def test_backup_refuses_postgresql(tmp_path):
    result = CliRunner().invoke(app, ["backup", str(tmp_path / "x"), "--database",
                                      "postgresql://localhost/x"])
    assert result.exit_code == 2 and "pg_dump" in result.output
