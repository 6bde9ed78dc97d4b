"""Time the bulk-identical check (SPEC §4: "checking must not get slower as a sender's history
grows") for a sender with 100 past InMails and for one with 100,000.

    python bench/bulk_check.py [--database URL] [--bands N] [--probes N] [--history N]

Both senders have the same 100 InMails in the last week; the big one also has 99,900 older
ones, 100 a day (the daily limit) over the ~1,000 days before. A third sender has a full week
at the daily limit (700 in the window), the most any sender can have. Fingerprint rows are
bulk-loaded straight into `inmail_fingerprints` (real signatures of honest-style bodies from
the abuse simulation's generator; the old history reuses a pool of 5,000 of them, so its band
keys repeat as a sender's own phrasing would). Each check then goes through the real
`services.compliance.bulk` in a read transaction, as `send` calls it; the first check of each
sender, which reads its window into the process's index, is timed apart.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from inroad.clock import TestClock
from inroad.config import load_settings
from inroad.context import Context
from inroad.db import Database
from inroad.domain import similarity
from inroad.ids import new_id
from inroad.migrate import upgrade
from inroad.models import Member
from inroad.services import compliance

sys.path.insert(0, str(Path(__file__).parent))
from abuse_sim import (
    CITIES,
    COMPANIES,
    FIRST,
    LAST,
    PERSONAS,
    SKILLS,
    TITLES,
    Job,
    Person,
    honest_inmail,
    pick,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
POOL = 5000
CHUNK = 20_000


def person(r: random.Random, member_id: str = "") -> Person:
    return Person(member_id, f"{pick(r, FIRST)} {pick(r, LAST)}", pick(r, COMPANIES),
                  pick(r, TITLES), pick(r, SKILLS), pick(r, CITIES))


def text(r: random.Random, me: Person, to: Person) -> str:
    job = Job(pick(r, TITLES), "platform", pick(r, CITIES), 120, 150, r.randint(1, 999))
    return honest_inmail(r, me, to, pick(r, PERSONAS), job)[1]


def load(ctx: Context, sender: str,
         rows: list[tuple[datetime, Person, similarity.Fingerprint]]) -> None:
    """Driver-level executemany, oldest first (the order `seq` numbers them in)."""
    sqlite = ctx.db.is_sqlite
    mark = "?" if sqlite else "%s"

    def stamp(when: datetime) -> object:
        # What `UTCDateTime` stores: naive UTC (SQLite: SQLAlchemy's text format).
        naive = when.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive

    sigs = [(new_id(), sender, to.id, fp.signature, stamp(when))
            for when, to, fp in sorted(rows, key=lambda row: row[0])]
    with ctx.db.write() as s:
        conn = s.connection()
        for i in range(0, len(sigs), CHUNK):
            conn.exec_driver_sql(
                "INSERT INTO inmail_fingerprints (inmail_id, sender_id, recipient_id, "
                f"signature, created_at) VALUES ({', '.join([mark] * 5)})", sigs[i:i + CHUNK])


def time_checks(ctx: Context, sender: str, probes: list[tuple[Person, str]]) -> tuple[float, float,
                                                                                     float]:
    """(median ms, p95 ms, mean candidate signatures loaded) over the probes."""
    settings = ctx.settings
    times, candidates = [], []
    for to, body in probes:
        t0 = time.perf_counter()
        with ctx.db.read() as s:
            compliance.bulk(ctx, s, sender, to.id, to.full_name, body, NOW, to.company)
        times.append((time.perf_counter() - t0) * 1000)
        with ctx.db.read() as s:
            fp = similarity.fingerprint(body, to.full_name, settings.minhash_permutations,
                                        settings.minhash_bands, to.company)
            candidates.append(len(ctx.fingerprints.candidates(
                s, sender, fp.band_keys, NOW - timedelta(days=settings.bulk_window_days), to.id)))
    times.sort()
    return (statistics.median(times), times[int(len(times) * 0.95) - 1],
            statistics.mean(candidates))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--bands", type=int, help="override settings.minhash_bands")
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--history", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    r = random.Random(args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="inroad-bulk-")
    url = args.database or f"sqlite:///{Path(tmp.name) / 'bulk.db'}"
    overrides = {"minhash_bands": args.bands} if args.bands else {}
    settings = load_settings(database_url=url, secret_key="bench", **overrides)
    db = Database(url)
    upgrade(db.engine)
    ctx = Context(settings=settings, db=db, clock=TestClock(start=NOW))

    started = time.perf_counter()
    senders = [person(r, new_id()) for _ in range(3)]
    recipients = [person(r, new_id()) for _ in range(2000)]
    with db.write() as s:
        s.execute(insert(Member), [
            {"id": p.id, "email": f"{p.id.lower()}@bench.example", "password_hash": "x",
             "full_name": p.full_name, "company": p.company, "created_at": NOW}
            for p in senders + recipients])

    def fp(me: Person, to: Person) -> similarity.Fingerprint:
        return similarity.fingerprint(text(r, me, to), to.full_name,
                                      settings.minhash_permutations, settings.minhash_bands,
                                      to.company)

    small, big, full = senders
    # The same last week for both: 100 InMails over the last 7 days.
    recent = [(NOW - timedelta(days=7) * (i + 0.5) / 100, to, fp(small, to))
              for i, to in enumerate(r.sample(recipients, 100))]
    pool = [fp(big, pick(r, recipients)) for _ in range(POOL)]
    old_count = args.history - len(recent)
    old = [(NOW - timedelta(days=7) - timedelta(days=1) * (i + 1) / 100, pick(r, recipients),
            pool[i % POOL]) for i in range(old_count)]
    week = [(NOW - timedelta(days=7) * (i + 0.5) / 700, to, fp(full, to))
            for i, to in enumerate(r.choices(recipients, k=700))]
    built = time.perf_counter() - started
    load(ctx, small.id, recent)
    load(ctx, big.id, recent + old)
    load(ctx, full.id, week)
    loaded = time.perf_counter() - started - built

    probes = [(to, text(r, small, to)) for to in r.sample(recipients, args.probes)]
    first = {sid: time_checks(ctx, sid, probes[:1])[0] for sid in (small.id, big.id, full.id)}
    time_checks(ctx, small.id, probes[:20])  # warm caches and the connection pool
    results = {name: time_checks(ctx, sid, probes) for name, sid in
               (("100 past InMails", small.id), (f"{args.history:,} past InMails", big.id),
                ("700 in the window (a full week at the daily limit)", full.id))}
    bands = settings.minhash_bands
    print(f"Bulk check, {db.engine.dialect.name}, minhash {settings.minhash_permutations} perms x "
          f"{bands} bands ({settings.minhash_permutations // bands} rows), {args.probes} probes; "
          f"fingerprints {built:.0f} s, bulk load {loaded:.0f} s "
          f"({platform.python_version()})")
    for (name, (median, p95, cands)), sid in zip(results.items(), first, strict=True):
        print(f"  {name:<52} median {median:6.2f} ms  p95 {p95:6.2f} ms  "
              f"candidates {cands:5.1f}  first check {first[sid]:6.2f} ms")
    small_ms = results["100 past InMails"][0]
    big_ms = results[f"{args.history:,} past InMails"][0]
    print(f"  ratio {args.history:,} / 100 past InMails (median): {big_ms / small_ms:.2f}")
    db.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
