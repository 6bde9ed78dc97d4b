"""Draft review latency: a 1,900-character draft reviewed in well under 50 ms, and the English
dictionary loaded once per process, lazily.

    python bench/review_bench.py

Measures, in one fresh process:
1. importing `inroad.services.review` (the dictionary must not load here);
2. the first `speller()` call (the one-time dictionary load) and a second call (free);
3. `domain.review.review` alone on a 1,900-character draft with 8 typos (cold suggestion
   cache, then warm), and on a clean 1,900-character draft;
4. `services.review.review_draft` end to end (two profiles, shared connections from the
   database, the compliance promotional scorer) on a SQLite database.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

CLEAN = (
    "Hi Dana,\n\nI lead the data platform team at Northwind, and Sam Ortiz suggested I write to "
    "you. I'm looking for a senior role on a data team that ships robotics software, and your "
    "talk on streaming pipelines is the reason I am writing to you rather than to anyone else. "
    "Over the last six years I built the event platform our warehouse, our forecasting models "
    "and our support tooling all run on; I also mentor four engineers and run our incident "
    "reviews.\n\n"
)
TYPOS = ("I would definately value your advise on how your team recieves new ideas, and wether "
         "the oportunity is a good fit; teh timing seems right and I beleive the seperate "
         "teams could colaborate. ")
ASK = "Would you be open to a 15-minute call next week? Thank you for your time!"


def draft(with_typos: bool) -> str:
    middle = TYPOS if with_typos else ""
    text = CLEAN + middle
    room = 1900 - len(ASK) - 2
    while len(text) < room:
        text += ("We shipped a migration of two hundred services without downtime, and I "
                 "wrote the playbook other teams now follow. ")
    return text[:room] + "\n\n" + ASK


def ms(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return f"median {statistics.median(times) * 1000:6.2f} ms, p95 {p95 * 1000:6.2f} ms"


def main() -> None:
    start = time.perf_counter()
    from inroad.services import review

    print(f"import inroad.services.review (SQLAlchemy, pydantic, the app's modules): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms, "
          f"dictionary loaded: {review._speller is not None}")
    start = time.perf_counter()
    speller = review.speller()
    print(f"first speller() (loads the dictionary): {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    assert review.speller() is speller
    print(f"second speller(): {(time.perf_counter() - start) * 1e6:.1f} µs")

    from inroad.domain import review as rules

    dana = rules.Profile("Dana Whitfield", "Acme Robotics", "Head of Data",
                         "Building data teams", ("Python", "Streaming"))
    ann = rules.Profile("Ann Lee", "Northwind", "Data Platform Lead", "", ("python", "Go"))
    ground = rules.find_common_ground(ann, dana, ["Sam Ortiz"])
    calm = rules.Promotion(0.0, 1.0)
    drafts = (("1,900 chars, 8 typos", draft(True)), ("1,900 chars, clean", draft(False)))
    for label, body in drafts:
        assert len(body) == 1900, len(body)
        runs = []
        for _ in range(200):
            t = time.perf_counter()
            result = rules.review("Your streaming talk", body, sender=ann, recipient=dana,
                                  ground=ground, speller=speller, promotion=calm)
            runs.append(time.perf_counter() - t)
        print(f"domain review, {label}: first {runs[0] * 1000:.2f} ms; {ms(runs[1:])}; "
              f"score {result.score}")
        spelling = next(c for c in result.checks if c.id == "spelling")
        print(f"  spelling: {spelling.message[:110]}")

    from tests import factories as f

    from inroad.clock import TestClock
    from inroad.config import load_settings
    from inroad.context import Context
    from inroad.db import Database
    from inroad.migrate import upgrade

    url = f"sqlite:///{tempfile.mkdtemp(prefix='inroad-review-')}/bench.db"
    db = Database(url)
    upgrade(db.engine)
    ctx = Context(settings=load_settings(database_url=url, secret_key="bench",
                                         argon2_time_cost=1, argon2_memory_kib=1024),
                  db=db, clock=TestClock())
    a = f.member(ctx, "Ann Lee", company="Northwind", skills=["python", "Go"])
    d = f.member(ctx, "Dana Whitfield", company="Acme Robotics", title="Head of Data",
                 skills=["Python", "Streaming"])
    for i in range(12):
        shared = f.member(ctx, f"Shared Person{i}")
        f.connect(ctx, a, shared)
        f.connect(ctx, shared, d)
    body = draft(True)
    runs = []
    for _ in range(200):
        t = time.perf_counter()
        review.review_draft(ctx, a.id, d.id, "Your streaming talk", body)
        runs.append(time.perf_counter() - t)
    print(f"review_draft end to end (SQLite, 12 shared connections): {ms(runs)}")
    db.dispose()


if __name__ == "__main__":
    main()
