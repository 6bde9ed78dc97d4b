"""Insights for a heavy sender: 100,000 InMails over a year, read back in well under a second.

    python bench/insights_bench.py                                   # SQLite (temp file)
    python bench/insights_bench.py --database postgresql://postgres@127.0.0.1:5432/bench_insights

Builds a fresh, migrated database and bulk-inserts one sender's InMails (with their
conversations) and the `insight_counts` rows the app would have written for them — summed with
the same rules (`domain.insights`: day of sending, normalized subject with the recipient's name
taken out, purpose; platform rows for `all` and `purpose`). 30% of the InMails got a response,
so the exact median reads ~30,000 rows through ix_inmails_sender. Then it times
`services.insights.get_insights` (plus the JSON shaping the API does) for the year, grouped by
day, week and month, and the cost of counting one event (`count_sent`: 5 upserted rows).

Subjects: 60 templates that name the recipient ("Quick question, {first}") plus 3% free-form
ones, so the sender has ~3,000 distinct normalized subjects — more than a real sender, which
keeps `by_subject` honest.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from inroad.clock import TestClock
from inroad.config import load_settings
from inroad.context import Context
from inroad.db import Database, normalize_url
from inroad.domain import insights as rules
from inroad.migrate import upgrade
from inroad.models import Conversation, InMail, InsightCount, Member
from inroad.services import insights
from inroad.web.schemas_insights import insights_out

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
YEAR_START = datetime.combine(NOW.date() - timedelta(days=364), datetime.min.time(), UTC)
PURPOSES = ("job_seeking", "hiring", "introduction", "networking", "sales", "sharing", "other")
TEMPLATES = [f"{w} {{first}}" for w in (
    "Quick question,", "Hello", "Opportunity for", "Intro:", "Coffee,", "Role for")] + [
    f"{a} {b}" for a in ("Question about", "Idea for", "Your work on", "Hiring for",
                         "Advice on", "Intro to", "Thoughts on", "Role in", "Feedback on")
    for b in ("your team", "data", "robotics", "the Q3 launch", "platform work", "hiring")]
WORDS = ("alpha", "beta", "gamma", "delta", "launch", "data", "robots", "team", "plan", "idea",
         "bridge", "garden", "ledger", "note", "market", "river", "stone", "cloud", "signal")


def fresh_database(url: str | None) -> str:
    if url is None:
        return f"sqlite:///{tempfile.mkdtemp(prefix='inroad-insights-')}/bench.db"
    target = make_url(normalize_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return url


def member_row(i: int, name: str, read_receipts: bool = True) -> dict[str, Any]:
    return {"id": f"M{i:025d}", "email": f"m{i}@bench.example", "password_hash": "x",
            "full_name": name, "search_text": name.lower(), "headline": "", "company": "",
            "title": "", "location": "", "industry": "", "skills": [], "status": "active",
            "is_admin": False, "created_at": NOW - timedelta(days=400), "plan": "sales",
            "credit_balance": 0, "ledger_seq": 0, "allow_inmail": True,
            "inmail_from": "anyone", "open_profile": False, "email_notifications": True,
            "read_receipts": read_receipts}


@cache
def _subject_key(subject: str, full_name: str) -> str:
    return rules.normalize_subject(subject, rules.name_variants(full_name))


def load(db: Database, n: int, seed: int) -> str:
    rnd = random.Random(seed)
    first_names = ["Ann", "Bob", "Cy", "Dana", "Eve", "Finn", "Gia", "Hal", "Ida", "Jo", "Kai",
                   "Lea", "Max", "Nia", "Oz", "Pia", "Quinn", "Rae", "Sam", "Tia"]
    recipients = [member_row(i, f"{rnd.choice(first_names)} Person{i}", rnd.random() > 0.1)
                  for i in range(1, 2001)]
    sender = member_row(0, "Heavy Sender")
    counts: dict[tuple[str, datetime, str, str], dict[str, float]] = defaultdict(
        lambda: defaultdict(float))
    conversations, inmails = [], []
    for k in range(n):
        r = recipients[rnd.randrange(len(recipients))]
        sent = YEAR_START + (NOW - YEAR_START) * rnd.random()
        first = r["full_name"].split()[0]
        subject = (" ".join(rnd.sample(WORDS, 4)) if rnd.random() < 0.03
                   else rnd.choice(TEMPLATES).format(first=first))
        purpose = rnd.choice(PURPOSES)
        roll = rnd.random()
        status, opened_at, responded_at = "delivered", None, None
        if roll < 0.6:
            opened_at = sent + timedelta(hours=rnd.expovariate(1 / 20))
            status = "opened"
            if roll < 0.3:
                responded_at = opened_at + timedelta(hours=rnd.lognormvariate(2.5, 1.2))
                status = rnd.choice(("accepted", "declined", "replied"))
        cid, iid = f"C{k:025d}", f"I{k:025d}"
        conversations.append({"id": cid, "kind": "inmail", "pair_key": None, "subject": subject,
                              "created_at": sent, "last_message_id": None})
        inmails.append({"id": iid, "conversation_id": cid, "sender_id": sender["id"],
                        "recipient_id": r["id"], "subject": subject, "body": "b",
                        "purpose": purpose, "cost": 1, "status": status, "sent_at": sent,
                        "opened_at": opened_at, "responded_at": responded_at,
                        "refunded": responded_at is not None})
        deltas: dict[str, float] = {"sent": 1, "delivered": 1, "credits_spent": 1}
        if opened_at and r["read_receipts"]:
            deltas["opened"] = 1
        if responded_at:
            deltas[status] = 1
            deltas["credits_refunded"] = 1
            deltas["response_hours_total"] = rules.hours_between(sent, responded_at)
        day = rules.day_of(sent)
        key = _subject_key(subject, r["full_name"])
        for target in ((sender["id"], day, "all", ""), (sender["id"], day, "subject", key),
                       (sender["id"], day, "purpose", purpose), ("*", day, "all", ""),
                       ("*", day, "purpose", purpose)):
            for f, v in deltas.items():
                counts[target][f] += v
    # The app inserts InMails as they are sent: in time order (ULIDs), like here.
    order = sorted(range(n), key=lambda k: inmails[k]["sent_at"])
    conversations = [conversations[k] for k in order]
    inmails = [inmails[k] for k in order]
    rows = []
    # Count rows appear day by day in the app (the first event of a day creates them).
    for (mid, day, dim, value), d in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0])):
        row: dict[str, Any] = {f: 0 for f in rules.COUNT_FIELDS}
        row.update({f: (v if f == "response_hours_total" else int(v)) for f, v in d.items()})
        row.update(member_id=mid, day=day, dim=dim, dim_value=value)
        rows.append(row)
    with db.write() as s:
        s.execute(insert(Member), [sender, *recipients])
        for lo in range(0, n, 10_000):
            s.execute(insert(Conversation), conversations[lo:lo + 10_000])
            s.execute(insert(InMail), inmails[lo:lo + 10_000])
        for lo in range(0, len(rows), 10_000):
            s.execute(insert(InsightCount), rows[lo:lo + 10_000])
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    subjects = sum(1 for k in counts if k[0] == sender["id"] and k[2] == "subject")
    print(f"loaded {n:,} InMails, {len(rows):,} insight_counts rows "
          f"({subjects:,} sender subject-day rows)")
    return str(sender["id"])


def timed(fn: Any, runs: int) -> tuple[float, float]:
    fn()  # warm: connection pool, statement cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[max(0, int(len(times) * 0.95) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a postgresql:// URL (dropped and recreated)")
    parser.add_argument("--inmails", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    url = fresh_database(args.database)
    db = Database(url)
    upgrade(db.engine)
    print(f"database: {db.engine.dialect.name}")
    start = time.perf_counter()
    sender = load(db, args.inmails, seed=20261126)
    print(f"load took {time.perf_counter() - start:.1f} s")
    ctx = Context(settings=load_settings(database_url=url, secret_key="bench"), db=db,
                  clock=TestClock(start=NOW))
    last = NOW.date()
    first = last - timedelta(days=364)
    report = insights.get_insights(ctx, sender, first, last)
    t = report.totals
    print(f"year totals: sent {t.counts.sent:,}, responded {t.counts.responded:,}, "
          f"median {t.median_response_hours:.2f} h, subjects {report.subjects_total:,}")
    assert t.counts.sent == args.inmails

    print(f"{'query':<42} {'median ms':>10} {'p95 ms':>8}")
    for group_by in ("day", "week", "month"):
        med, p95 = timed(lambda g=group_by: insights_out(
            insights.get_insights(ctx, sender, first, last, g)), args.runs)
        print(f"{'year, group_by=' + group_by + ' (service + JSON)':<42} {med:>10.1f} "
              f"{p95:>8.1f}")
    ninety = last - timedelta(days=89)
    med, p95 = timed(lambda: insights.get_insights(ctx, sender, ninety, last), args.runs)
    print(f"{'90 days, day (service)':<42} {med:>10.1f} {p95:>8.1f}")

    im = InMail(id="x", conversation_id="x", sender_id=sender, recipient_id="M" + "0" * 24 + "1",
                subject="Quick question, Ann", body="b", purpose="hiring", cost=1,
                status="delivered", sent_at=NOW, refunded=False)

    def one_count() -> None:
        with db.write() as s:
            insights.count_sent(s, im)

    med, p95 = timed(one_count, 200)
    print(f"{'count_sent in its own transaction':<42} {med:>10.2f} {p95:>8.2f}")

    def empty_write() -> None:
        with db.write() as s:
            s.execute(text("SELECT 1"))

    med, p95 = timed(empty_write, 200)
    print(f"{'(an empty write transaction, for scale)':<42} {med:>10.2f} {p95:>8.2f}")
    db.dispose()
    if args.database is None:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
