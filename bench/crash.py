"""Crash safety: SIGKILL the real server at random moments under load, restart it, and check in
the database that nothing acknowledged was lost, nothing was done twice, and the credit books
and the email outbox still balance (issue #7, item 2).

    .venv/bin/python bench/crash.py --db sqlite                       # long form (5 kills)
    .venv/bin/python bench/crash.py --db postgresql
    .venv/bin/python bench/crash.py --db sqlite --kills 2 --seconds 15  # short form, CI
    .venv/bin/python bench/crash.py --db postgresql --record          # + bench/RESULTS.md

What one run does (bench/README.md, "Crash safety", says more):

1. A fresh database (a SQLite file in --data-dir, or the PostgreSQL database --pg-name, dropped
   and re-created) and a real SMTP server (aiosmtpd) in this process that keeps every message.
2. `inroad serve --test-clock` as a subprocess in its own process group, with the time-based
   duties and the email outbox running in-process every 0.5 s and sending to that SMTP server.
3. Members sign up and subscribe through the API. Then --threads client threads (httpx) send
   InMail and buy credit packs (always with an Idempotency-Key; some keys replayed on purpose),
   accept, decline and reply to InMails (replies and later messages queue emails), read their
   credits; the main thread moves the test clock forward (grants, expiries, reminders) and,
   --kills times at random moments, SIGKILLs the server's process group and restarts it.
4. A request without an answer (connection reset, refused, timeout) or with a 5xx is sent again
   after the restart: the same body with the same Idempotency-Key where the API has one; a
   reply (no key) only after reading the InMail shows it was not stored; a free message (no
   key, nothing to read back) is counted as unknown and not sent again.
5. After the last restart and --seconds of load: the clock moves 3 hours (claims of emails the
   killed server held expire), the outbox drains, the server stops, and the checks run on the
   database directly (SQLAlchemy, `inroad.models`). Exit status 1 if any check fails.

The test clock's offset is kept in the database (`services/clock_state`), so a restarted server
goes on at the time the killed one had reached.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(BENCH))

import recording  # noqa: E402

from inroad.db import Database, normalize_url  # noqa: E402
from inroad.domain import credits as credit_rules  # noqa: E402
from inroad.models import (  # noqa: E402
    CreditGrant,
    CreditLot,
    EmailOutbox,
    IdempotencyRecord,
    InMail,
    LedgerEntry,
    Member,
    Message,
    Purchase,
)
from inroad.services.notifications import MAX_ATTEMPTS  # noqa: E402

PASSWORD = "crash-safety-0123456789"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
MAIL_DOMAIN = "inroad.local"
REQUEST_TIMEOUT = 30.0
GIVE_UP_AFTER = 180.0  # seconds an operation may stay without a definitive answer
KILL_WINDOW = 10.0  # a duplicate email's first copy must have arrived this soon before a kill
PACKS = (5, 10, 25, 50)
VOCABULARY = (
    "team project research engineering design platform experience career role interest "
    "background conference paper collaborate question insight product data analysis systems "
    "reliability hiring mentor introduction network colleague workshop meetup talk article "
    "thoughts approach architecture migration database service quality testing culture remote "
    "office city startup company industry strategy planning growth learning advice feedback "
    "opinion review chapter book podcast community open source library framework tooling "
    "observability security privacy design review roadmap customer partner teammate manager "
    "lead founder recruiter candidate position opening interview process journey story week "
    "month morning coffee chat call conversation idea proposal draft notes summary example"
)
WORDS = tuple(VOCABULARY.split())


def say(msg: str) -> None:
    print(f"[crash {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


# ---------------------------------------------------------------------------------------------
# the SMTP server


class Mailbox:
    """aiosmtpd handler: keeps (Message-ID, To, Subject) of every message it accepts. The
    message is recorded when its data has arrived, then the 250 reply waits `latency` seconds,
    as a real relay would take a moment: a kill in between is the at-least-once window."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.received: list[tuple[str, str, str]] = []
        self.times: list[float] = []  # time.monotonic() of each receipt
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((str(msg["Message-ID"] or ""), str(msg["To"] or ""),
                                  str(msg["Subject"] or "")))
            self.times.append(time.monotonic())
        if self.latency:
            await asyncio.sleep(self.latency)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def outbox_ids(self) -> Counter[str]:
        """Receipts per outbox id, from Message-ID `<outbox id@domain>` (mailer.build_message)."""
        with self._lock:
            return Counter(_outbox_id(mid) for mid, _, _ in self.received)

    def first_receipt(self, outbox_id: str) -> float:
        with self._lock:
            return next(t for (mid, _, _), t in zip(self.received, self.times, strict=True)
                        if _outbox_id(mid) == outbox_id)


def _outbox_id(message_id: str) -> str:
    return message_id.strip().strip("<>").split("@", 1)[0]


# ---------------------------------------------------------------------------------------------
# the server process


class Server:
    def __init__(self, url: str, smtp_port: int, data_dir: Path, duty_interval: float) -> None:
        self.url = url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "server.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INROAD_")}
        self.env.update({
            "INROAD_DATABASE_URL": url,
            "INROAD_SECRET_KEY": "crash-test-secret-key-not-for-production-0123456789",
            "INROAD_PUBLIC_URL": self.base,
            "INROAD_SMTP_HOST": "127.0.0.1",
            "INROAD_SMTP_PORT": str(smtp_port),
            "INROAD_RUN_DUTIES_IN_PROCESS": "true",
            "INROAD_DUTY_INTERVAL_SECONDS": str(duty_interval),
            # Cheap password hashing: signups are setup here, not what is measured.
            "INROAD_ARGON2_TIME_COST": "1",
            "INROAD_ARGON2_MEMORY_KIB": "1024",
            "PYTHONUNBUFFERED": "1",
        })
        self.cwd = data_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.up = threading.Event()  # clients send only while set
        self.starts: list[float] = []  # seconds from Popen to ready
        self.kills: list[float] = []  # time.monotonic() of each SIGKILL

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-c", "from inroad.cli import main; main()", "serve",
                "--host", "127.0.0.1", "--port", str(self.port), "--test-clock"]

    def start(self) -> None:
        started = time.monotonic()
        with self.log.open("ab") as out:
            out.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
            out.flush()
            # Its own session (process group): the kill takes the server and anything it spawned.
            self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited ({self.proc.returncode}); see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"server not ready within 120 s; see {self.log}")
            time.sleep(0.1)
        self.starts.append(time.monotonic() - started)
        self.up.set()

    def kill(self) -> None:
        """SIGKILL the whole process group, mid-whatever-it-is-doing."""
        assert self.proc is not None
        self.up.clear()
        self.kills.append(time.monotonic())
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """Graceful stop (SIGTERM: uvicorn finishes, the duty thread is stopped)."""
        self.up.clear()
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def _advance(self, hours: float) -> datetime:
        r = httpx.post(f"{self.base}/api/v1/test-clock/advance", json={"hours": hours},
                       timeout=REQUEST_TIMEOUT)
        r.raise_for_status()
        return datetime.fromisoformat(r.json()["now"].replace("Z", "+00:00"))

    def advance(self, hours: float) -> datetime:
        """Move the clock (main thread only, server up); the server keeps it across restarts."""
        return self._advance(hours)

    def now(self) -> datetime:
        return self._advance(0)


# ---------------------------------------------------------------------------------------------
# the load


@dataclass
class Person:
    id: str
    email: str
    token: str
    plan: str
    open_profile: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class SentInMail:
    id: str
    conversation_id: str
    sender: Person
    recipient: Person
    cost: int
    key: str


class Unresolved(Exception):
    pass


@dataclass
class Stats:
    attempts: Counter[str] = field(default_factory=Counter)  # HTTP requests sent, by op
    ok: Counter[str] = field(default_factory=Counter)  # 2xx
    refused: Counter[str] = field(default_factory=Counter)  # "op status code"
    no_response: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)  # 5xx
    retried_ops: Counter[str] = field(default_factory=Counter)  # ops sent more than once
    unresolved: Counter[str] = field(default_factory=Counter)
    replays: int = 0
    sign_ins: int = 0  # tokens expire as the test clock runs ahead
    replay_mismatches: list[str] = field(default_factory=list)
    reply_found_stored: int = 0  # a reply without an answer that the InMail shows was stored
    reply_resent: int = 0
    messages_unknown: int = 0  # free messages without an answer (no key: not sent again)


class Load:
    def __init__(self, server: Server, people: list[Person], seed: int) -> None:
        self.server = server
        self.people = people
        self.senders = [p for p in people if p.plan != "free"]
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.stats = Stats()
        # Client-side record of what the server acknowledged (2xx).
        self.inmails: dict[str, SentInMail] = {}
        self.inmail_keys: dict[str, str] = {}  # Idempotency-Key -> InMail id
        self.purchases: dict[str, tuple[str, str, int]] = {}  # id -> (member id, key, credits)
        self.purchase_keys: dict[str, str] = {}  # key -> purchase id
        self.responses: dict[str, str] = {}  # InMail id -> accepted | declined | replied
        self.messages: dict[str, str] = {}  # message id -> conversation id
        # Pairs with an InMail on the way or unanswered: the follow-up rule would refuse another
        # (and repeated compliance refusals earn strikes).
        self.busy_pairs: set[tuple[str, str]] = set()
        self.unanswered: list[SentInMail] = []
        self.answered: list[SentInMail] = []

    # --- requests ---------------------------------------------------------------------------

    def _once(self, http: httpx.Client, op: str, method: str, path: str, person: Person,
              body: Any = None, key: str | None = None) -> httpx.Response | None:
        """One attempt, sent while the server is up. None: no answer (or a 5xx)."""
        signed_in = False
        while True:
            self.server.up.wait()
            token = person.token
            headers = {"Authorization": f"Bearer {token}"}
            if key:
                headers["Idempotency-Key"] = key
            with self.lock:
                self.stats.attempts[op] += 1
            try:
                r = http.request(method, path, json=body, headers=headers)
            except httpx.TransportError:
                with self.lock:
                    self.stats.no_response[op] += 1
                time.sleep(0.05)
                return None
            if r.status_code >= 500:
                with self.lock:
                    self.stats.server_errors[op] += 1
                time.sleep(0.2)
                return None
            if r.status_code != 401 or signed_in:
                return r
            # Tokens live 30 days of the test clock, which runs months ahead: sign in again
            # and send the same request (a 401 did nothing).
            self._sign_in(http, person, token)
            signed_in = True

    def _sign_in(self, http: httpx.Client, person: Person, expired: str) -> None:
        with person.lock:
            if person.token != expired:
                return  # another thread already did
            while True:
                self.server.up.wait()
                try:
                    r = http.post("/api/v1/auth/login",
                                  json={"email": person.email, "password": PASSWORD})
                except httpx.TransportError:
                    time.sleep(0.05)
                    continue
                if r.status_code == 200:
                    person.token = r.json()["token"]
                    with self.lock:
                        self.stats.sign_ins += 1
                    return
                if r.status_code < 500:
                    raise SystemExit(f"sign-in of {person.email} failed: {r.status_code} "
                                     f"{r.text[:200]}")
                time.sleep(0.2)

    def _until_answered(self, http: httpx.Client, op: str, method: str, path: str,
                        person: Person, body: Any = None, key: str | None = None
                        ) -> httpx.Response:
        """The same request (same Idempotency-Key) until the server answers it."""
        first = time.monotonic()
        tries = 0
        while True:
            r = self._once(http, op, method, path, person, body, key)
            tries += 1
            if r is not None:
                if tries > 1:
                    with self.lock:
                        self.stats.retried_ops[op] += 1
                return r
            if time.monotonic() - first > GIVE_UP_AFTER:
                with self.lock:
                    self.stats.unresolved[op] += 1
                raise Unresolved(f"{op} {path}")

    def _result(self, op: str, r: httpx.Response) -> bool:
        with self.lock:
            if r.is_success:
                self.stats.ok[op] += 1
                return True
            code = ""
            with contextlib.suppress(ValueError, KeyError, TypeError):
                code = r.json()["error"]["code"]
            self.stats.refused[f"{op} {r.status_code} {code}"] += 1
            return False

    # --- operations -------------------------------------------------------------------------

    def send_inmail(self, http: httpx.Client, rng: random.Random) -> None:
        with self.lock:
            sender = rng.choice(self.senders)
            free = [p for p in self.people
                    if p is not sender and (sender.id, p.id) not in self.busy_pairs]
            if not free:
                return
            recipient = rng.choice(free)
            self.busy_pairs.add((sender.id, recipient.id))
        key = f"im-{uuid.uuid4()}"
        body = {"to_member_id": recipient.id,
                "subject": words(rng, 4).capitalize(),
                "body": f"Hello, {words(rng, 30)}. Would you share your view? Thank you.",
                "purpose": rng.choice(("networking", "hiring", "introduction", "other"))}
        try:
            r = self._until_answered(http, "inmail", "POST", "/api/v1/inmails", sender, body, key)
        except Unresolved:
            return  # the pair stays busy: we do not know
        if not self._result("inmail", r):
            with self.lock:
                self.busy_pairs.discard((sender.id, recipient.id))
            return
        im = r.json()["inmail"]
        sent = SentInMail(im["id"], im["conversation_id"], sender, recipient, im["cost"], key)
        with self.lock:
            self.inmails[sent.id] = sent
            self.inmail_keys[key] = sent.id
            self.unanswered.append(sent)
        if rng.random() < 0.05:  # a client retrying a request that did get its answer
            again = self._until_answered(http, "inmail", "POST", "/api/v1/inmails", sender,
                                         body, key)
            self._replayed(again, "inmail", lambda j: j["inmail"]["id"], sent.id)

    def purchase(self, http: httpx.Client, rng: random.Random) -> None:
        buyer = rng.choice(self.senders)
        key = f"buy-{uuid.uuid4()}"
        token = "tok_declined" if rng.random() < 0.05 else "tok_visa"
        credits = rng.choice(PACKS)
        body = {"credits": credits, "payment_token": token}
        try:
            r = self._until_answered(http, "purchase", "POST", "/api/v1/me/credits/purchases",
                                     buyer, body, key)
        except Unresolved:
            return
        if not self._result("purchase", r):
            return
        pid = r.json()["id"]
        with self.lock:
            self.purchases[pid] = (buyer.id, key, credits)
            self.purchase_keys[key] = pid
        if rng.random() < 0.1:
            again = self._until_answered(http, "purchase", "POST",
                                         "/api/v1/me/credits/purchases", buyer, body, key)
            self._replayed(again, "purchase", lambda j: j["id"], pid)

    def _replayed(self, r: httpx.Response, op: str, get_id: Callable[[Any], str],
                  expected: str) -> None:
        with self.lock:
            self.stats.replays += 1
            if r.status_code != 201 or get_id(r.json()) != expected:
                self.stats.replay_mismatches.append(f"{op} {expected}: {r.status_code} "
                                                    f"{r.text[:200]}")

    def respond(self, http: httpx.Client, rng: random.Random) -> None:
        with self.lock:
            if not self.unanswered:
                return
            im = self.unanswered.pop(rng.randrange(len(self.unanswered)))
        action = rng.choices(("accept", "decline", "reply"), (35, 15, 50))[0]
        try:
            if action == "reply":
                ok = self._reply(http, rng, im)
            else:
                r = self._until_answered(http, action, "POST",
                                         f"/api/v1/inmails/{im.id}/{action}", im.recipient,
                                         {} if action == "decline" else None)
                ok = self._result(action, r)
        except Unresolved:
            return
        with self.lock:
            if ok:
                self.responses[im.id] = {"accept": "accepted", "decline": "declined",
                                         "reply": "replied"}[action]
                self.busy_pairs.discard((im.sender.id, im.recipient.id))
                self.answered.append(im)
            else:
                self.unanswered.append(im)

    def _reply(self, http: httpx.Client, rng: random.Random, im: SentInMail) -> bool:
        """A reply has no Idempotency-Key: after no answer, read the InMail first and send
        again only if the reply was not stored."""
        first = time.monotonic()
        body = {"body": f"Thanks for reaching out: {words(rng, 12)}."}
        while True:
            r = self._once(http, "reply", "POST",
                           f"/api/v1/conversations/{im.conversation_id}/messages",
                           im.recipient, body)
            if r is not None:
                if self._result("reply", r):
                    with self.lock:
                        self.messages[r.json()["id"]] = im.conversation_id
                    return True
                return False
            check = self._until_answered(http, "read inmail", "GET", f"/api/v1/inmails/{im.id}",
                                         im.recipient)
            if check.is_success and check.json()["status"] == "replied":
                with self.lock:
                    self.stats.reply_found_stored += 1
                    self.stats.ok["reply"] += 1
                return True
            with self.lock:
                self.stats.reply_resent += 1
            if time.monotonic() - first > GIVE_UP_AFTER:
                with self.lock:
                    self.stats.unresolved["reply"] += 1
                raise Unresolved("reply")

    def chat(self, http: httpx.Client, rng: random.Random) -> None:
        with self.lock:
            if not self.answered:
                return
            im = rng.choice(self.answered)
        who = rng.choice((im.sender, im.recipient))
        r = self._once(http, "message", "POST",
                       f"/api/v1/conversations/{im.conversation_id}/messages", who,
                       {"body": words(rng, 10)})
        if r is None:
            with self.lock:
                self.stats.messages_unknown += 1
            return
        if self._result("message", r):
            with self.lock:
                self.messages[r.json()["id"]] = im.conversation_id

    def read_credits(self, http: httpx.Client, rng: random.Random) -> None:
        # Brings grants and expiries up to date in a write transaction when they are due.
        with contextlib.suppress(Unresolved):
            r = self._until_answered(http, "credits", "GET", "/api/v1/me/credits",
                                     rng.choice(self.senders))
            self._result("credits", r)

    def worker(self, n: int, seed: int) -> None:
        rng = random.Random(seed)
        ops = (self.send_inmail, self.respond, self.purchase, self.chat, self.read_credits)
        weights = (45, 32, 10, 8, 5)
        with httpx.Client(base_url=self.server.base, timeout=REQUEST_TIMEOUT) as http:
            while not self.stop.is_set():
                rng.choices(ops, weights)[0](http, rng)


# ---------------------------------------------------------------------------------------------
# setup


def make_database(kind: str, data_dir: Path, pg_url: str, pg_name: str) -> str:
    if kind == "sqlite":
        path = data_dir / "crash.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = make_url(normalize_url(pg_url))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
    admin.dispose()
    return base.set(database=pg_name).render_as_string(hide_password=False)


def drop_database(url: str, pg_url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = make_url(url).database
    admin = create_engine(make_url(normalize_url(pg_url)), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def sign_up(base: str, n: int, run: str, rng: random.Random) -> list[Person]:
    """n members: two on Free (they only receive), three on Career (5 credits a month: some run
    out), the rest on the bigger plans; a few with Open Profile (free InMail to them)."""
    people: list[Person] = []
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        for i in range(n):
            addr = f"crash-{run}-{i}@example.com"
            r = http.post("/api/v1/auth/signup", json={
                "email": addr, "password": PASSWORD, "full_name": f"Member {i} {words(rng, 1)}",
                "headline": words(rng, 3), "company": f"Company {i % 7}"})
            r.raise_for_status()
            plan = ("free" if i < 2 else "career" if i < 5
                    else rng.choice(("business", "sales", "recruiter")))
            person = Person(r.json()["me"]["id"], addr, r.json()["token"], plan)
            if plan != "free":
                r = http.put("/api/v1/me/plan", headers=person.auth,
                             json={"plan": plan, "payment_token": "tok_visa"})
                r.raise_for_status()
                if i % 8 == 7:
                    r = http.patch("/api/v1/me/settings", headers=person.auth,
                                   json={"open_profile": True})
                    r.raise_for_status()
                    person.open_profile = True
            people.append(person)
    return people


# ---------------------------------------------------------------------------------------------
# the checks


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(url: str, load: Load, mailbox: Mailbox, server: Server, server_now: datetime,
               ) -> tuple[list[Check], dict[str, Any]]:
    db = Database(url)
    try:
        with db.read() as s:
            members = {m.id: m for m in s.scalars(select(Member))}
            inmails = {m.id: m for m in s.scalars(select(InMail))}
            lots = {lot.id: lot for lot in s.scalars(select(CreditLot))}
            ledger = list(s.scalars(select(LedgerEntry).order_by(LedgerEntry.member_id,
                                                                 LedgerEntry.seq)))
            grants = list(s.scalars(select(CreditGrant)))
            purchases = {p.id: p for p in s.scalars(select(Purchase))}
            idem = list(s.scalars(select(IdempotencyRecord)))
            outbox = {e.id: e for e in s.scalars(select(EmailOutbox))}
            message_ids = set(s.scalars(select(Message.id)).all())
    finally:
        db.dispose()
    checks: list[Check] = []

    def check(name: str, problems: list[str], detail: str) -> None:
        shown = "; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)"
                                           if len(problems) > 5 else "")
        checks.append(Check(name, not problems, shown if problems else detail))

    # Acknowledged writes are stored, and nothing was done that no client was told about.
    problems = []
    for sent in load.inmails.values():
        row = inmails.get(sent.id)
        if row is None:
            problems.append(f"InMail {sent.id} acknowledged but missing")
        elif (row.sender_id, row.recipient_id, row.conversation_id) != (
                sent.sender.id, sent.recipient.id, sent.conversation_id):
            problems.append(f"InMail {sent.id} stored with other parties")
    problems += [f"InMail {i} stored but never acknowledged (a key done twice?)"
                 for i in inmails.keys() - load.inmails.keys()]
    check("every acknowledged InMail stored, no other InMail", problems,
          f"{len(load.inmails)} acknowledged = {len(inmails)} stored")

    problems = []
    by_key = {r.key: r for r in idem if r.scope == "inmail"}
    for key, inmail_id in load.inmail_keys.items():
        rec = by_key.get(key)
        if rec is None or rec.response.get("inmail_id") != inmail_id:
            problems.append(f"key {key}: record {rec.response if rec else None} != {inmail_id}")
    problems += [f"key {k} stored but not acknowledged" for k in by_key.keys()
                 - load.inmail_keys.keys()]
    check("one idempotency record per InMail key, naming its InMail", problems,
          f"{len(by_key)} keys")

    problems = []
    for pid, (member_id, _key, credits) in load.purchases.items():
        p = purchases.get(pid)
        if p is None:
            problems.append(f"purchase {pid} acknowledged but missing")
        elif (p.member_id, p.credits) != (member_id, credits):
            problems.append(f"purchase {pid} stored differently")
    problems += [f"purchase {p} stored but never acknowledged (charged twice?)"
                 for p in purchases.keys() - load.purchases.keys()]
    by_key = {r.key: r for r in idem if r.scope == "purchase"}
    for key, pid in load.purchase_keys.items():
        rec = by_key.get(key)
        if rec is None or rec.response.get("id") != pid:
            problems.append(f"purchase key {key}: record names {rec.response if rec else None}")
    charges = Counter(p.charge_id for p in purchases.values())
    problems += [f"charge {c} on {n} purchases" for c, n in charges.items() if n > 1]
    check("every acknowledged purchase stored, one charge per key", problems,
          f"{len(load.purchases)} acknowledged = {len(purchases)} stored = "
          f"{len(by_key)} keys")

    check("replays of answered requests returned the first result",
          list(load.stats.replay_mismatches), f"{load.stats.replays} replays")

    problems = []
    for inmail_id, status in load.responses.items():
        row = inmails.get(inmail_id)
        if row is None or row.status != status or row.responded_at is None:
            problems.append(f"InMail {inmail_id}: {row.status if row else None} != {status}")
    problems += [f"message {m} acknowledged but missing"
                 for m in load.messages.keys() - message_ids]
    check("every acknowledged response and message stored", problems,
          f"{len(load.responses)} responses, {len(load.messages)} messages")

    # The books: ledger = balance = lots, entry by entry.
    problems = []
    entries_of: dict[str, list[LedgerEntry]] = defaultdict(list)
    for e in ledger:
        entries_of[e.member_id].append(e)
    remaining_of: Counter[str] = Counter()
    for lot in lots.values():
        remaining_of[lot.member_id] += lot.remaining
    for m in members.values():
        entries = entries_of.get(m.id, [])
        total = sum(e.amount for e in entries)
        if not total == m.credit_balance == remaining_of[m.id]:
            problems.append(f"{m.id}: ledger {total}, balance {m.credit_balance}, "
                            f"lots {remaining_of[m.id]}")
        if [e.seq for e in entries] != list(range(1, m.ledger_seq + 1)):
            problems.append(f"{m.id}: seqs not 1..{m.ledger_seq}")
        running = 0
        for e in entries:
            running += e.amount
            if e.balance_after != running:
                problems.append(f"{m.id}: seq {e.seq} balance_after {e.balance_after} "
                                f"!= {running}")
                break
    check("ledger sum = balance = lots remaining, for every member", problems,
          f"{len(members)} members, {len(ledger)} entries")

    problems = []
    on_lot: dict[str, list[LedgerEntry]] = defaultdict(list)
    for e in ledger:
        if e.lot_id:
            on_lot[e.lot_id].append(e)
    for lot in lots.values():
        es = on_lot.get(lot.id, [])
        plus = [e for e in es if e.amount > 0]
        minus = sum(e.amount for e in es if e.amount < 0)
        if len(plus) != 1 or plus[0].amount != lot.amount or plus[0].kind != lot.source:
            problems.append(f"lot {lot.id} ({lot.source} {lot.amount}): {len(plus)} credits")
        if lot.amount + minus != lot.remaining:
            problems.append(f"lot {lot.id}: {lot.amount} {minus:+} != {lot.remaining}")
    problems += [f"entry {e.id} on unknown lot" for e in ledger if e.lot_id
                 and e.lot_id not in lots]
    check("every lot traced: one entry made it, its debits explain what is left", problems,
          f"{len(lots)} lots")

    problems = []
    spent: Counter[str] = Counter()
    refunds: Counter[str] = Counter()
    for e in ledger:
        if e.kind in ("spend", "refund"):
            ref = e.ref or ""
            im = inmails.get(ref.removeprefix("inmail:")) if ref.startswith("inmail:") else None
            if im is None or im.sender_id != e.member_id:
                problems.append(f"{e.kind} entry {e.id} ref {ref!r}: no such InMail of "
                                "this member")
                continue
            (spent if e.kind == "spend" else refunds)[im.id] += e.amount
    for im in inmails.values():
        if -spent[im.id] != im.cost:
            problems.append(f"InMail {im.id} cost {im.cost}, spent {-spent[im.id]}")
        if refunds[im.id] != (1 if im.refunded else 0):
            problems.append(f"InMail {im.id} refunded={im.refunded}, refunds "
                            f"{refunds[im.id]}")
        if im.refunded and im.cost == 0:
            problems.append(f"InMail {im.id} free but refunded")
    paid = sum(1 for im in inmails.values() if im.cost)
    check("spend entries = credit-paid InMails, refunds once", problems,
          f"{paid} paid, {len(inmails) - paid} free (Open Profile), "
          f"{sum(1 for im in inmails.values() if im.refunded)} refunded")

    problems = []
    bought: Counter[str] = Counter()
    for e in ledger:
        if e.kind == "purchase":
            pid = (e.ref or "").removeprefix("purchase:")
            p = purchases.get(pid)
            if p is None or p.credits != e.amount or p.member_id != e.member_id:
                problems.append(f"purchase entry {e.id} ref {e.ref!r} has no matching purchase")
            bought[pid] += 1
    problems += [f"purchase {p} has {bought[p]} entries" for p in purchases if bought[p] != 1]
    check("one purchase entry per purchase", problems, f"{len(purchases)} purchases")

    problems = []
    periods = Counter((g.member_id, g.period_start) for g in grants)
    problems += [f"{m} period {p}: {n} grants" for (m, p), n in periods.items() if n > 1]
    grant_refs = Counter((e.member_id, e.ref) for e in ledger if e.kind == "grant")
    problems += [f"{m} {r}: {n} grant entries" for (m, r), n in grant_refs.items() if n > 1]
    for g in grants:
        n = grant_refs[(g.member_id, f"period:{g.period_start.date().isoformat()}")]
        if n != (1 if g.credits else 0):
            problems.append(f"{g.member_id} period {g.period_start}: {g.credits} credits, "
                            f"{n} entries")
    have: dict[str, set[datetime]] = defaultdict(set)
    for g in grants:
        have[g.member_id].add(g.period_start)
    for m in members.values():
        if m.plan == "free" or m.plan_anchor_at is None:
            continue
        want = set(credit_rules.grant_periods_due(m.plan_anchor_at, None, server_now))
        if not want <= have[m.id]:
            problems.append(f"{m.id}: {len(want - have[m.id])} grant periods missing")
    check("one grant per (member, period), none missing", problems,
          f"{len(grants)} grants, {sum(1 for g in grants if g.credits)} with credits")

    # The outbox against what the SMTP server received.
    receipts = mailbox.outbox_ids()
    problems = []
    unsent = [e for e in outbox.values() if e.sent_at is None]
    problems += [f"email {e.id} ({e.template}) sent_at set, never received"
                 for e in outbox.values() if e.sent_at is not None and not receipts[e.id]]
    problems += [f"received {i!r}: no such outbox row" for i in receipts if i not in outbox]
    problems += [f"email {e.id} ({e.template}) received but not marked sent"
                 for e in unsent if receipts[e.id]]
    problems += [f"email {e.id} ({e.template}) not sent after the drain (attempts "
                 f"{e.attempts}, {e.last_error})" for e in unsent if not receipts[e.id]]
    check("every outbox email received, every received email marked sent", problems,
          f"{len(outbox)} rows, {len(receipts)} received")

    problems = []
    new_inmail = Counter(e.dedupe_key for e in outbox.values() if e.template == "new_inmail")
    problems += [f"InMail {i}: {new_inmail[f'inmail:{i}']} new-InMail emails"
                 for i in inmails if new_inmail[f"inmail:{i}"] != 1]
    check("one new-InMail email per InMail", problems, f"{sum(new_inmail.values())} emails")

    dupes = {i: n for i, n in receipts.items() if n > 1}
    # A duplicate is the at-least-once window when its first copy reached the SMTP server just
    # before a kill (the server died before committing `sent_at`), or when the sender recorded
    # a failed attempt for it (a timeout or a dropped connection after the server had the
    # message: SMTP cannot tell the sender, so the row was retried).
    problems, gaps, retried = [], [], 0
    for i in dupes:
        first = mailbox.first_receipt(i)
        gap = min((k - first for k in server.kills if k >= first), default=None)
        if gap is not None and gap <= KILL_WINDOW:
            gaps.append(gap)
        elif i in outbox and outbox[i].last_error:
            retried += 1
        else:
            problems.append(f"email {i} received {dupes[i]} times, first copy not within "
                            f"{KILL_WINDOW:.0f} s before a kill and no failed attempt recorded")
    explained = [f"{len(gaps)} first copies {max(gaps) * 1000:.0f} ms or less before a kill"
                 if gaps else "", f"{retried} after a recorded failed attempt" if retried else ""]
    check("every duplicate delivery explained by a kill or a failed attempt", problems,
          f"{len(dupes)} duplicates" + "".join(f"; {x}" for x in explained if x))
    facts = {
        "members": len(members), "inmails": len(inmails), "purchases": len(purchases),
        "ledger": len(ledger), "grants": len(grants), "lots": len(lots),
        "expiries": sum(1 for e in ledger if e.kind == "expiry"),
        "refunds": sum(1 for e in ledger if e.kind == "refund"),
        "outbox": len(outbox), "outbox_by_template": Counter(e.template for e in outbox.values()),
        "received": mailbox.count(), "distinct_received": len(receipts),
        "duplicate_ids": len(dupes), "duplicate_copies": sum(n - 1 for n in dupes.values()),
        "failed_attempts": sum(e.attempts for e in outbox.values()),
    }
    return checks, facts


# ---------------------------------------------------------------------------------------------
# the run


def kill_schedule(rng: random.Random, seconds: float, kills: int) -> list[float]:
    """Kill i at a random moment within 30% either side of the end of the i-th of kills+1
    equal stretches of load (counted in seconds with the server up): kills are spread out, load
    has built up again after each restart, and the last restart still gets load."""
    span = seconds / (kills + 1)
    return [span * i + rng.uniform(-0.3, 0.3) * span for i in range(1, kills + 1)]


def unsent_emails(url: str) -> int:
    db = Database(url)
    try:
        with db.read() as s:
            return len(s.scalars(select(EmailOutbox.id).where(
                EmailOutbox.sent_at.is_(None))).all())
    finally:
        db.dispose()


def drain(server: Server, url: str, mailbox: Mailbox,
          timeout: float) -> tuple[float, datetime]:
    """Move the clock 3 hours (leases of emails claimed by a killed server expire, failed
    sends come due again), then wait until the outbox is empty, every grant and expiry is
    done and the SMTP server has been quiet for a second. Returns the time it took and the
    server's clock when it found nothing left to do."""
    started = time.monotonic()
    server.advance(3)
    next_note = started + 15
    db = Database(url)
    try:
        while True:
            now = server.now()
            with db.read() as s:
                pending = s.scalar(select(EmailOutbox.id).where(
                    EmailOutbox.sent_at.is_(None), EmailOutbox.attempts < MAX_ATTEMPTS)
                    .limit(1))
                due = s.scalar(select(Member.id).where(
                    (Member.next_grant_at <= now) | (Member.next_expiry_at <= now)).limit(1))
            if pending is None and due is None:
                before = mailbox.count()
                time.sleep(1.0)
                if mailbox.count() == before:
                    return time.monotonic() - started, now
                continue
            if time.monotonic() - started > timeout:
                say(f"drain: gave up after {timeout:.0f} s (pending email {pending}, "
                    f"member with due duties {due})")
                return time.monotonic() - started, now
            if time.monotonic() > next_note:
                say(f"drain: {unsent_emails(url)} emails still waiting")
                next_note += 15
            time.sleep(0.3)
    finally:
        db.dispose()


def machine() -> str:
    m = recording.machine()
    return (f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, "
            f"load {m['load']} at the start")


def summary_lines(args: argparse.Namespace, stats: Stats, checks: list[Check],
                  facts: dict[str, Any], server: Server, wall: float, load_wall: float,
                  drain_s: float) -> list[tuple[str, str]]:
    attempts = sum(v for k, v in stats.attempts.items())
    ok = sum(stats.ok.values())
    refused = sum(stats.refused.values())
    top = ", ".join(f"{k}: {v}" for k, v in stats.refused.most_common(6)) or "none"
    by_op = ", ".join(f"{k} {v}" for k, v in sorted(stats.ok.items()))
    restarts = server.starts[1:]
    return [
        ("database", args.db),
        ("seed", str(args.seed)),
        ("kills (SIGKILL, process group)", str(args.kills)),
        ("load", f"{args.seconds:.0f} s with the server up, {args.threads} threads, "
                 f"{load_wall:.0f} s wall"),
        ("restart to ready",
         f"mean {sum(restarts) / len(restarts):.1f} s, max {max(restarts):.1f} s"
         if restarts else "-"),
        ("requests sent", f"{attempts:,}"),
        ("2xx", f"{ok:,} ({by_op})"),
        ("4xx (by op, status, code)", f"{refused:,} ({top})"),
        ("no response (in flight at a kill, or sent while down)",
         f"{sum(stats.no_response.values()):,} ({dict(stats.no_response)})"),
        ("5xx", f"{sum(stats.server_errors.values()):,} ({dict(stats.server_errors)})"),
        ("operations sent again after no answer (same key)",
         f"{sum(stats.retried_ops.values()):,} ({dict(stats.retried_ops)})"),
        ("replies without answer: found stored / sent again",
         f"{stats.reply_found_stored} / {stats.reply_resent}"),
        ("free messages without answer (no key: not retried)", str(stats.messages_unknown)),
        ("unresolved operations", f"{sum(stats.unresolved.values())}"),
        ("replays of answered keys", str(stats.replays)),
        ("sign-ins again (tokens expire on the test clock)", str(stats.sign_ins)),
        ("stored: InMails, purchases, ledger entries, grants, expiries, refunds",
         f"{facts['inmails']:,}, {facts['purchases']:,}, {facts['ledger']:,}, "
         f"{facts['grants']:,}, {facts['expiries']:,}, {facts['refunds']:,}"),
        ("outbox emails (by template)",
         f"{facts['outbox']:,} ({', '.join(f'{k} {v}' for k, v in sorted(facts['outbox_by_template'].items()))})"),  # noqa: E501
        ("SMTP messages received / distinct Message-IDs",
         f"{facts['received']:,} / {facts['distinct_received']:,}"),
        ("duplicate deliveries (same Message-ID: at-least-once window)",
         f"{facts['duplicate_copies']} extra copies of {facts['duplicate_ids']} emails"),
        ("outbox backlog when the load stopped", f"{facts['backlog']:,} emails"),
        ("drain after the last restart", f"{drain_s:.1f} s"),
        ("checks passed", f"{sum(c.ok for c in checks)}/{len(checks)}"),
        ("wall time", f"{wall:.0f} s"),
    ]


def record(args: argparse.Namespace, lines: list[tuple[str, str]], checks: list[Check],
           machine_text: str) -> None:
    heading = "## Crash safety"
    command = "python bench/crash.py " + shlex.join(sys.argv[1:])
    block = [f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `{command}`", "",
             f"Commit {recording.git_commit()}; {machine_text}.", "",
             "| figure | value |", "|---|---|"]
    block += [f"| {k} | {v.replace('|', '/')} |" for k, v in lines]
    block += ["", "Checks:", ""]
    block += [f"* {'PASS' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in checks]
    recording.append_block(
        heading, "Written by `bench/crash.py --record` (see bench/README.md, \"Crash safety\"): "
        "the server SIGKILLed at random moments under load and restarted, then the database "
        "checked. One block per run, newest last.", "\n".join(block) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=90.0,
                        help="seconds of load with the server up (default 90)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--members", type=int, default=24)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--advance-every", type=float, default=1.5,
                        help="seconds between test-clock moves (1-6 days; a month now and then)")
    parser.add_argument("--duty-interval", type=float, default=0.5,
                        help="INROAD_DUTY_INTERVAL_SECONDS: how often the outbox is sent")
    parser.add_argument("--smtp-latency-ms", type=float, default=10.0,
                        help="the SMTP server's delay before its 250 reply to DATA")
    parser.add_argument("--drain-timeout", type=float, default=600.0,
                        help="seconds to wait for the outbox to empty after the load")
    parser.add_argument("--strict-email", action="store_true",
                        help="fail on duplicate SMTP deliveries of one outbox row too")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("INROAD_CRASH_DATA", "/tmp/inroad-crash")))
    parser.add_argument("--pg-url", default=PG_DEFAULT,
                        help="PostgreSQL server to create the database on")
    parser.add_argument("--pg-name", default="inroad_crash")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--record", action="store_true",
                        help='append the figures to bench/RESULTS.md under "## Crash safety"')
    args = parser.parse_args()
    if args.kills < 1 or args.seconds <= 0:
        parser.error("--kills must be >= 1 and --seconds > 0")
    seed = args.seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    machine_text = machine()
    wall_start = time.monotonic()
    say(f"seed {seed}; {args.db}; {args.kills} kills over {args.seconds:.0f} s of load; "
        f"logs in {args.data_dir}")

    url = make_database(args.db, args.data_dir, args.pg_url, args.pg_name)
    mailbox = Mailbox(args.smtp_latency_ms / 1000)
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    server = Server(url, smtp.port, args.data_dir, args.duty_interval)
    (args.data_dir / "server.log").unlink(missing_ok=True)
    threads: list[threading.Thread] = []
    load: Load | None = None
    try:
        server.start()
        say(f"server up at {server.base} in {server.starts[0]:.1f} s; signing up "
            f"{args.members} members")
        people = sign_up(server.base, args.members, f"{seed}-{uuid.uuid4().hex[:6]}", rng)
        load = Load(server, people, seed)
        threads = [threading.Thread(target=load.worker, args=(i, seed * 100 + i),
                                    name=f"load-{i}", daemon=True)
                   for i in range(args.threads)]
        for t in threads:
            t.start()
        kills = kill_schedule(rng, args.seconds, args.kills)
        up_time = 0.0
        last = time.monotonic()
        load_started = last
        next_advance = args.advance_every
        advances = 0
        while up_time < args.seconds:
            time.sleep(0.05)
            now = time.monotonic()
            up_time += now - last
            last = now
            if up_time >= next_advance:
                advances += 1
                days = 31 if advances % 8 == 2 else rng.uniform(1, 6)
                server.advance(days * 24)
                next_advance += args.advance_every
            if kills and up_time >= kills[0]:
                kills.pop(0)
                server.kill()
                n = args.kills - len(kills)
                say(f"kill {n}/{args.kills} at {up_time:.1f} s of load "
                    f"({sum(load.stats.attempts.values()):,} requests so far)")
                time.sleep(rng.uniform(0.0, 1.0))  # down for a moment
                server.start()
                say(f"restarted in {server.starts[-1]:.1f} s")
                last = time.monotonic()
        load.stop.set()
        say("load stopped; waiting for operations in flight")
        for t in threads:
            t.join(GIVE_UP_AFTER + 30)
        load_wall = time.monotonic() - load_started
        backlog = unsent_emails(url)
        say(f"{backlog} emails waiting in the outbox; draining")
        drain_s, server_now = drain(server, url, mailbox, args.drain_timeout)
        server.stop()
        time.sleep(0.5)
        say(f"drained in {drain_s:.1f} s; checking the database")
        checks, facts = run_checks(url, load, mailbox, server, server_now)
        facts["backlog"] = backlog
        checks.append(Check(
            "no duplicate SMTP delivery" + ("" if args.strict_email else
                                            " (reported; fails only with --strict-email)"),
            not args.strict_email or not facts["duplicate_copies"],
            f"{facts['duplicate_copies']} extra copies with the same Message-ID"))
    finally:
        server.stop()
        smtp.stop()
    wall = time.monotonic() - wall_start
    assert load is not None
    lines = summary_lines(args, load.stats, checks, facts, server, wall, load_wall, drain_s)
    width = max(len(k) for k, _ in lines)
    print()
    for k, v in lines:
        print(f"  {k:<{width}}  {v}")
    print()
    for c in checks:
        print(f"  {'PASS' if c.ok else 'FAIL'}  {c.name}: {c.detail}")
    print()
    if args.record:
        record(args, lines, checks, machine_text)
        say("recorded in bench/RESULTS.md")
    if not args.keep:
        drop_database(url, args.pg_url)
    failed = [c for c in checks if not c.ok]
    if failed or sum(load.stats.unresolved.values()):
        say(f"FAILED: {len(failed)} checks, {sum(load.stats.unresolved.values())} unresolved")
        return 1
    say("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
