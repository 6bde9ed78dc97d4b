"""SQL round trips and time per request path, in-process, on a dataset built by bench/dataset.py.

    python bench/roundtrips.py --scale small --db sqlite [--repeat 20] [--show]

Calls the services the HTTP routes call (token check included, as every request does it) and
counts, with a SQLAlchemy `before_cursor_execute` listener, the statements each one sends and
the transactions it opens (and those run on the driver, `store/driver`, whose SQL time
is not measured); `--show` lists the statements of one call. Timings are medians of
`--repeat` calls in one thread (no HTTP, no concurrency): what the database path costs before
the web stack adds its share. "CPU ms" is this thread's CPU time (`time.thread_time`), which a
busy, shared machine disturbs less than wall time; "SQL ms" is the time inside the driver's
execute (between the listener's before/after events). InMail sends go from the benchmark
senders to members that preflight finds deliverable.
Statements are those SQLAlchemy sends through a cursor: on SQLite that includes `BEGIN
[IMMEDIATE]`; COMMIT (and, on PostgreSQL, the implicit BEGIN and `pool_pre_ping`'s ping at
each checkout) are extra round trips not in the count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
import dataset

from inroad.clock import Clock
from inroad.config import load_settings
from inroad.context import Context
from inroad.db import Database
from inroad.services import accounts, conversations, inmail, insights, review
from inroad.store import driver


class Counter:
    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []
        self.transactions = 0
        self._t0 = 0.0

    def end(self, conn: Any) -> None:
        """A transaction ended (commit or rollback: read transactions end either way)."""
        self.transactions += 1

    def before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self._t0 = time.perf_counter()
        self.statements.append((statement, 0.0))

    def after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.statements:
            st, _ = self.statements[-1]
            self.statements[-1] = (st, time.perf_counter() - self._t0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=["small", "large"], default="small")
    p.add_argument("--members", type=int)
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--data-dir", type=Path,
                   default=Path(os.environ.get("INROAD_BENCH_DATA", "/tmp/inroad-bench")))
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--show", action="store_true", help="print the statements of one call")
    p.add_argument("--profile", metavar="PATH",
                   help="pyinstrument the calls of the path whose name starts with this")
    args = p.parse_args()
    scale = dataset.Scale.of(args.scale, args.members)
    m = json.loads((args.data_dir / f"{scale.name}-{args.db}.json").read_text())
    settings = load_settings(database_url=m["url"], inmails_per_day=1_000_000,
                             bulk_max_recipients=1_000_000, low_response_rate=0.0)
    ctx = Context(settings, Database(m["url"]), Clock())
    counter = Counter()
    event.listen(ctx.db.engine, "before_cursor_execute", counter.before)
    event.listen(ctx.db.engine, "after_cursor_execute", counter.after)
    event.listen(ctx.db.engine, "commit", counter.end)
    event.listen(ctx.db.engine, "rollback", counter.end)
    # Statements run on the driver (store/driver) are counted too; their time is not measured.
    driver.listeners.append(lambda sql: counter.statements.append((sql, 0.0)))
    rng = random.Random(3)
    me = {t: accounts.authenticate(ctx, t).id for t in
          m["inbox_tokens"][:5] + m["premium_tokens"][:5] + m["insight_tokens"][:5]}
    # InMail sends: pairs that preflight says are deliverable (no earlier InMail, not
    # connected...), found before timing; recipients from the whole membership, so rarely
    # ones the load scripts use.
    pool = list(m["any_members"])
    random.Random(time.time_ns()).shuffle(pool)
    pairs: list[tuple[str, str]] = []
    for token in reversed(m["inmail_senders"]):
        sender = accounts.authenticate(ctx, token).id
        while pool and len(pairs) < args.repeat + 2:
            to = pool.pop()
            if inmail.preflight(ctx, sender, to).deliverable:
                pairs.append((sender, to))
                break
        if len(pairs) >= args.repeat + 2:
            break
    pair_i = [0]

    def send() -> None:
        sender, to = pairs[pair_i[0]]
        pair_i[0] += 1
        inmail.send(ctx, sender, to, corpus.subject(rng), corpus.inmail_body(rng), "hiring")

    msg = m["message_pairs"]
    conv = m["conversation_pages"]
    inbox_member = me[m["inbox_tokens"][0]]
    prem = me[m["premium_tokens"][0]]
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("authenticate (every request)", lambda: accounts.authenticate(ctx, m["inbox_tokens"][0])),
        ("InMail send", send),
        ("message send (+ authenticate)", lambda: conversations.send_message(
            ctx, accounts.authenticate(ctx, msg[0][0]).id, msg[0][1], corpus.message_body(rng))),
        ("inbox page", lambda: conversations.list_conversations(ctx, inbox_member)),
        ("conversation page (+ authenticate)", lambda: conversations.list_messages(
            ctx, accounts.authenticate(ctx, conv[0][0]).id, conv[0][1])),
        ("preflight", lambda: inmail.preflight(ctx, prem, m["clean_recipients"][5])),
        ("review", lambda: review.review_draft(ctx, prem, m["any_members"][3],
                                               corpus.subject(rng), corpus.inmail_body(rng))),
        ("insights (90 days)", lambda: insights.get_insights(
            ctx, me[m["insight_tokens"][0]], insights.today(ctx) - timedelta(days=89),
            insights.today(ctx))),
    ]
    print(f"{m['url']}  ({args.repeat} calls each, median wall time in one thread)\n")
    print(f"{'path':36} {'statements':>10} {'transactions':>12} {'SQL ms':>8} {'wall ms':>8} "
          f"{'CPU ms':>7}")
    for name, fn in calls:
        if args.profile and not name.startswith(args.profile):
            continue
        fn()  # warm caches (compiled statements, spell checker)
        counts, txs, sql_ms, total, cpu = [], [], [], [], []
        shown = None
        profiler = _profiler() if args.profile and name.startswith(args.profile) else None
        for _ in range(args.repeat):
            counter.statements.clear()
            counter.transactions = 0
            t0, c0 = time.perf_counter(), time.thread_time()
            fn()
            total.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            stmts = counter.statements
            counts.append(len(stmts))
            txs.append(counter.transactions)
            sql_ms.append(sum(d for _, d in stmts) * 1000)
            shown = shown or list(stmts)
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=True, show_all=False))
        print(f"{name:36} {statistics.median(counts):>10.0f} {statistics.median(txs):>12.0f} "
              f"{statistics.median(sql_ms):>8.2f} {statistics.median(total):>8.2f} "
              f"{statistics.median(cpu):>7.2f}")
        if args.show and shown:
            for st, d in shown:
                print(f"      {d * 1000:7.3f} ms  {' '.join(st.split())[:150]}")
    ctx.db.dispose()


def _profiler() -> Any:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0001)
    profiler.start()
    return profiler


if __name__ == "__main__":
    main()
