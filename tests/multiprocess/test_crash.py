"""Crash safety, short form: `bench/crash.py --kills 2 --seconds 15` SIGKILLs a real server
twice under load and checks the database (acknowledged writes stored, one charge per key,
ledger = balance, spends = InMails, one grant per period, outbox = SMTP receipts).

About 40-60 s and both cores, so it runs only when asked: INROAD_TEST_CRASH=1 and `-m crash`.
On SQLite, or on the PostgreSQL server of INROAD_TEST_DATABASE_URL (its own database,
`inroad_crash_<xdist worker>`, created and dropped by the script)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from inroad.db import normalize_url

pytestmark = pytest.mark.crash

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("INROAD_TEST_DATABASE_URL")


@pytest.fixture
def crash_enabled() -> None:
    if os.environ.get("INROAD_TEST_CRASH") != "1":
        pytest.skip("set INROAD_TEST_CRASH=1 to run (about a minute of load)")


def test_short_crash_run_passes_every_check(crash_enabled, tmp_path, worker_id):
    args = [sys.executable, str(ROOT / "bench" / "crash.py"), "--kills", "2", "--seconds", "15",
            "--data-dir", str(tmp_path)]
    if PG_URL:
        server = make_url(normalize_url(PG_URL)).set(database="postgres")
        args += ["--db", "postgresql", "--pg-name", f"inroad_crash_{worker_id}",
                 "--pg-url", server.render_as_string(hide_password=False)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INROAD_")}
    run = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert "all checks passed" in report, report
