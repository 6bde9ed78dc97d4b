"""`inroad demo`: about six months of believable history, made through the services.

Nothing is inserted behind the services' backs: members sign up, subscribe, connect, message and
send InMail with a `TestClock` that starts ~200 days ago and is moved forward event by event, so
monthly grants, 90-day expiries, refunds and purchases happen for real and leave a real ledger.
Scheduled credit duties run once per simulated day, as the worker would. The story ends a few
minutes before the real now, because the demo server then runs on a clock starting at real now.

The story is a queue of timed events; an event may schedule later ones (an InMail schedules its
opening and response, a reply the next message). `random.Random(SEED)` makes it reproducible.
Refusals (insufficient credits, a stop request, a compliance rule) are skipped, as a person
would: they are part of the history too.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from inroad import demo_people as cast
from inroad import migrate
from inroad.clock import TestClock
from inroad.config import Settings
from inroad.context import Context
from inroad.db import Database
from inroad.demo_people import Person
from inroad.domain.errors import DomainError
from inroad.models import Member
from inroad.security import Passwords
from inroad.services import accounts, connections, conversations, credits, inmail, privacy
from inroad.store import members as members_store

PASSWORD = "inroad-demo-2026"
ADMIN_EMAIL = "admin@demo.inroad"
SEED = 2026
DAYS = 200

LOGINS: list[tuple[str, str]] = [
    ("alex.morgan@demo.inroad", "Recruiter Lite recruiter: 6 months of InMail history, unread"),
    ("sam.lee@demo.inroad", "Free member: connections, messages, InMails and requests"),
    ("priya.raman@demo.inroad", "Premium Career job seeker who bought a credit pack"),
    ("jordan.rivera@demo.inroad", "Premium Business with Open Profile (InMail to them is free)"),
    (ADMIN_EMAIL, "Administrator"),
]

# Members who subscribe later in the story, and one who cancels (keeping their lots).
LATE_SUBSCRIBERS = {"Ben Carter": 70, "Luca Moretti": 95}
DOWNGRADES = {"Ethan Price": 150}
# A few members who guard their inbox, so senders meet real refusals (Open Profile is on Person).
PRIVACY: dict[str, dict[str, Any]] = {
    "Fatima Al-Sayed": {"allow_inmail": False},
    "David Kim": {"inmail_from": "network"},
    "Brian O'Connor": {"inmail_from": "premium_members"},
    "Isabella Rossi": {"read_receipts": False},
    "Carlos Mendoza": {"email_notifications": False},
}
# Average number of InMail sending occasions over the story, by plan.
OCCASIONS = {"recruiter": 8, "sales": 6, "business": 3, "career": 3}
ALEX_OCCASIONS = 70


def load(settings: Settings) -> list[tuple[str, str]]:
    """Fill the database with the demo, unless it is already there. Returns the logins."""
    db = Database(settings.database_url)
    try:
        migrate.upgrade(db.engine)
        if _already_loaded(db):
            return list(LOGINS)
        end = datetime.now(UTC) - timedelta(minutes=5)
        clock = TestClock(start=end - timedelta(days=DAYS))
        ctx = Context(settings=settings, db=db, clock=clock)
        ctx.passwords = _HashOnce(ctx.passwords)
        columns = (TextColumn("{task.description}"), BarColumn(),
                   TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True)) as progress:
            _Story(ctx, clock, end, progress).run()
    finally:
        db.dispose()
    return list(LOGINS)


def _already_loaded(db: Database) -> bool:
    with db.read() as s:
        if members_store.get_member_by_email(s, ADMIN_EMAIL) is not None:
            return True
        # The admin is created last, so demo members without it mean a build that stopped.
        partial_build = s.scalar(select(Member.id).where(Member.email.like("%@demo.inroad"))
                                 .limit(1))
    if partial_build is not None:
        raise RuntimeError("This database holds an unfinished demo. Start again with "
                           "`inroad demo --reset` (or delete the database file).")
    return False


class _HashOnce(Passwords):
    """Every demo member has the same, published password, so one argon2 hash (a deliberately
    slow ~0.1-0.5 s each) serves them all: the demo starts in seconds, not a minute."""

    def __init__(self, inner: Passwords) -> None:  # no super().__init__: it would hash again
        self._inner = inner
        self._hashes: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = self._inner.hash(password)
        return self._hashes[password]

    def verify(self, password_hash: str | None, password: str) -> bool:
        return self._inner.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._inner.needs_rehash(password_hash)


@dataclass
class _Sent:
    id: str
    conv_id: str
    sender: str
    recipient: str
    subject: str
    role: str
    purpose: str
    sent_at: datetime
    follow_up: bool
    responded_at: datetime | None = None
    stopped: bool = False


class _Story:
    def __init__(self, ctx: Context, clock: TestClock, end: datetime, progress: Progress) -> None:
        self.ctx, self.clock, self.end = ctx, clock, end
        self.rng = random.Random(SEED)
        self.start = clock.now()
        self.day0 = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        self.next_duty = self.day0 + timedelta(days=1, hours=3)
        self.events: list[tuple[datetime, int, Callable[[], Any]]] = []
        self.seq = itertools.count()
        self.progress = progress
        self.members_task = progress.add_task("Creating members", total=len(cast.PEOPLE))
        self.days_task = progress.add_task("Simulating 6 months", total=DAYS, start=False)
        self.person: dict[str, Person] = {}
        self.id: dict[str, str] = {}  # full name -> member id
        self.connected: set[frozenset[str]] = set()
        self.pending: set[frozenset[str]] = set()
        self.forbidden: set[frozenset[str]] = set()  # pairs the script needs unconnected
        self.reserved: set[tuple[str, str]] = set()  # (sender, recipient) InMails the script sends
        self.sent: dict[tuple[str, str], list[_Sent]] = {}
        self.bought: set[str] = set()
        self.logins: set[str] = set()  # member ids of the advertised demo logins
        self.subscribed: dict[str, float] = {}  # member id -> day of the story they subscribe
        self.refused: Counter[str] = Counter()  # refusal code -> times, for the summary
        self.last_refusal = ""
        self.turned_away: set[tuple[str, str]] = set()  # refused once: the sender moves on

    # -- time and events -------------------------------------------------------------------

    def at(self, when: datetime, action: Callable[[], Any]) -> None:
        when = max(when, self.clock.now() + timedelta(seconds=1))
        if when <= self.end:  # what would happen after "now" simply has not happened yet
            heapq.heappush(self.events, (when, next(self.seq), action))

    def advance_to(self, when: datetime) -> None:
        while self.next_duty <= when:
            self._move(self.next_duty)
            credits.run_due_duties(self.ctx)
            self.next_duty += timedelta(days=1)
            self.progress.update(self.days_task, completed=(self.next_duty - self.day0).days - 1)
        self._move(when)

    def _move(self, when: datetime) -> None:
        delta = when - self.clock.now()
        if delta > timedelta(0):
            self.clock.advance(delta)

    def work_time(self, day: float) -> datetime:
        """A moment in (US) working hours on the given day of the story; most weekend work
        moves to a weekday of that week (the next week's if that one is already past)."""
        date = self.day0 + timedelta(days=int(day))
        # Draw the same numbers whatever the weekday, so the story does not depend on the date.
        keep, weekday, hours = self.rng.random(), self.rng.randint(0, 4), self.rng.uniform(14, 23)
        if date.weekday() >= 5 and keep < 0.85:
            date += timedelta(days=weekday - date.weekday())
            if date < self.clock.now():
                date += timedelta(days=7)
        return date + timedelta(hours=hours)

    def later(self, short: float = 0.6, medium: float = 0.3) -> timedelta:
        """A human delay: mostly minutes to hours, sometimes days."""
        r = self.rng.random()
        if r < short:
            return timedelta(minutes=self.rng.uniform(5, 180))
        if r < short + medium:
            return timedelta(hours=self.rng.uniform(3, 48))
        return timedelta(days=self.rng.uniform(2, 10))

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self.ctx, *args, **kwargs)
        except DomainError as exc:
            self.refused[exc.code] += 1
            self.last_refusal = exc.code
            return None

    def run(self) -> None:
        self._signups()
        self._graph()
        self._inmail_occasions()
        self._scripted()
        self.progress.start_task(self.days_task)
        while self.events:
            when, _, action = heapq.heappop(self.events)
            self.advance_to(when)
            action()
        self.advance_to(self.end)
        accounts.create_admin(self.ctx, email=ADMIN_EMAIL, password=PASSWORD,
                              full_name="Demo Administrator")
        self.progress.update(self.days_task, completed=DAYS)
        sent = sum(len(lst) for lst in self.sent.values())
        skipped = ", ".join(f"{n} {code}" for code, n in sorted(self.refused.items()))
        self.progress.console.print(
            f"Demo: {len(self.person)} members, {len(self.connected)} connections, {sent} InMails"
            + (f" (refused and skipped: {skipped})" if skipped else ""), soft_wrap=True)

    # -- members ---------------------------------------------------------------------------

    def _signups(self) -> None:
        for p in cast.PEOPLE:
            self.advance_to(self.clock.now() + timedelta(minutes=self.rng.uniform(5, 40)))
            industry = cast.COMPANIES[p.company][0]
            session = accounts.signup(
                self.ctx, email=p.email, password=PASSWORD, full_name=p.full_name,
                headline=p.headline or f"{p.title} at {p.company}", company=p.company,
                title=p.title, location=p.location, industry=industry, skills=list(p.skills))
            member_id = session.member.id
            self.id[p.full_name], self.person[member_id] = member_id, p
            if p.email in dict(LOGINS):
                self.logins.add(member_id)
            if p.full_name in PRIVACY:
                privacy.update_settings(self.ctx, member_id, PRIVACY[p.full_name])
            if p.plan != "free":
                # Subscriptions spread over the first weeks, so grants fall on different days.
                day = LATE_SUBSCRIBERS.get(p.full_name, 0.0 if member_id in self.logins
                                           else self.rng.uniform(1, 25))
                self.subscribed[member_id] = day
                if day:
                    self.at(self.work_time(day), partial(self._subscribe, member_id))
                else:
                    self._subscribe(member_id)
            if p.full_name in DOWNGRADES:
                self.at(self.work_time(DOWNGRADES[p.full_name]),
                        partial(self.call, credits.change_plan, member_id, "free", None))
            self.progress.advance(self.members_task)

    def _subscribe(self, member_id: str) -> None:
        p = self.person[member_id]
        if self.call(credits.change_plan, member_id, p.plan, "tok_visa") and p.open_profile:
            privacy.update_settings(self.ctx, member_id, {"open_profile": True})

    def values(self, writer: str, reader: str, **extra: str) -> dict[str, str]:
        w, r = self.person[writer], self.person[reader]
        return {"first": r.first, "me": w.first, "company": r.company, "my_company": w.company,
                "title": r.title, "my_title": w.title, "skill": self.rng.choice(r.skills),
                "my_skill": self.rng.choice(w.skills), "city": r.location.split(",")[0],
                "my_city": w.location.split(",")[0],
                "industry": cast.COMPANIES[r.company][0].lower(),
                "dept": cast.COMPANIES[r.company][1],
                "a": w.first, "b": r.first, "a_company": w.company, "b_company": r.company,
                **extra}

    # -- connections -----------------------------------------------------------------------

    def _graph(self) -> None:
        """Clusters by company, then cross links favouring shared industry, city and skills,
        until each member has 5-10 connections (never more than 15)."""
        ids = list(self.person)
        edges: set[frozenset[str]] = {frozenset((self.id["Alex Morgan"], self.id["Mei Chen"])),
                                      frozenset((self.id["Sam Lee"], self.id["Priya Raman"]))}
        for a, b in itertools.combinations(ids, 2):
            if self.person[a].company == self.person[b].company and self.rng.random() < 0.65:
                edges.add(frozenset((a, b)))
        edges -= self._keep_apart()
        degree = Counter(x for e in edges for x in e)
        for a in self.rng.sample(ids, len(ids)):
            target = {"Alex Morgan": 9, "Sam Lee": 7}.get(self.person[a].full_name,
                                                         self.rng.randint(5, 10))
            while degree[a] < target:
                options = [b for b in ids if b != a and degree[b] < 14
                           and frozenset((a, b)) not in edges | self.forbidden]
                if not options:
                    break
                b = self.rng.choices(options, [self._affinity(a, b) for b in options])[0]
                edges.add(frozenset((a, b)))
                degree[a] += 1
                degree[b] += 1
        # Ids are random; names give the story the same order on every run.
        for edge in sorted(edges, key=self._names):
            a, b = self.rng.sample(sorted(edge, key=lambda x: self.person[x].full_name), 2)
            day = self.rng.uniform(1, 35) if self.rng.random() < 0.8 else self.rng.uniform(35, 190)
            self.at(self.work_time(day), partial(self.request, a, b, "accept"))
        others = [(a, b) for a, b in itertools.combinations(ids, 2)
                  if frozenset((a, b)) not in edges | self.forbidden]
        for a, b in self.rng.sample(others, 8):  # some requests go nowhere
            self.at(self.work_time(self.rng.uniform(5, 180)),
                    partial(self.request, a, b, self.rng.choice(["decline", "withdraw"])))

    def _names(self, pair: frozenset[str]) -> list[str]:
        return sorted(self.person[x].full_name for x in pair)

    def _keep_apart(self) -> set[frozenset[str]]:
        """Pairs the script sends InMail between, which needs them unconnected."""
        alex, sam = self.id["Alex Morgan"], self.id["Sam Lee"]
        for name in ("Sam Lee", "Marcus Johnson", "Tomás Herrera", "Zoe Mitchell", "Luca Moretti"):
            self.forbidden.add(frozenset((alex, self.id[name])))
        self.forbidden.add(frozenset((sam, self.id["Jordan Rivera"])))
        return self.forbidden

    def _affinity(self, a: str, b: str) -> float:
        pa, pb = self.person[a], self.person[b]
        weight = 1.0
        if cast.COMPANIES[pa.company][0] == cast.COMPANIES[pb.company][0]:
            weight *= 4
        if pa.location.split(",")[-1] == pb.location.split(",")[-1]:
            weight *= 2
        if set(pa.skills) & set(pb.skills):
            weight *= 2
        return weight

    def request(self, a: str, b: str, outcome: str | None, note: str | None = None) -> None:
        pair = frozenset((a, b))
        if pair in self.connected or pair in self.pending:
            return
        if note is None:
            note = (self.rng.choice(cast.CONNECTION_NOTES).format(**self.values(a, b))
                    if self.rng.random() < 0.4 else "")
        req = self.call(connections.request_connection, a, b, note)
        if req is None:
            return
        self.pending.add(pair)
        if outcome is not None:
            actor = a if outcome == "withdraw" else b
            self.at(self.clock.now() + self.later(0.3, 0.6),
                    partial(self._answer_request, actor, req.id, outcome, a, b))

    def _answer_request(self, actor: str, request_id: str, action: str, a: str, b: str) -> None:
        if self.call(connections.respond, actor, request_id, action) is None:
            return
        self.pending.discard(frozenset((a, b)))
        if action != "accept":
            return
        self.connected.add(frozenset((a, b)))
        demo_login = {self.id["Alex Morgan"], self.id["Sam Lee"]} & {a, b}
        for _ in range(2 if demo_login else 1):
            if self.rng.random() < (0.95 if demo_login else 0.25):
                day = (self.clock.now() - self.day0).days + self.rng.uniform(0.5, 120)
                first, second = self.rng.sample([a, b], 2)
                script = self.rng.choice(cast.THREADS)
                count = min(len(script), self.rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8]))
                values = self.values(first, second)
                lines = [line.format(**values) for line in script[:count]]
                self.at(self.work_time(day), partial(self._thread, first, second, lines))

    def _degree(self, member_id: str) -> int:
        return sum(1 for pair in self.connected if member_id in pair)

    def _thread(self, speaker: str, listener: str, lines: list[str], replying: bool = False,
                ) -> None:
        message = self.call(conversations.send_message, speaker, listener, lines[0])
        if message is None:
            return
        # The demo logins read each message as it comes; others catch up once the thread goes
        # quiet (the same from the outside, and a transaction less per message).
        last = len(lines) == 1
        readers = [listener] if last or listener in self.logins else []
        if last and replying and speaker not in self.logins:
            readers.append(speaker)
        for reader in readers:
            self._read_later(reader, message.conversation_id)
        if not last:
            self.at(self.clock.now() + self.later(0.6, 0.35),
                    partial(self._thread, listener, speaker, lines[1:], True))

    # -- reading ---------------------------------------------------------------------------

    def _read_later(self, reader: str, conv_id: str) -> None:
        self.at(self.clock.now() + self.later(0.5, 0.45),
                partial(self.call, conversations.mark_read, reader, conv_id))

    # -- InMail ----------------------------------------------------------------------------

    def _inmail_occasions(self) -> None:
        for member_id, p in self.person.items():
            if p.plan == "free":
                continue
            count = (ALEX_OCCASIONS if p.full_name == "Alex Morgan"
                     else max(1, round(OCCASIONS[p.plan] * self.rng.uniform(0.7, 1.3))))
            # A week's margin: a weekend subscription may move to later in the week.
            first_day = self.subscribed[member_id] + (7 if self.subscribed[member_id] else 3)
            last_day = DOWNGRADES.get(p.full_name, DAYS)
            for _ in range(count):
                self.at(self.work_time(self.rng.uniform(first_day, last_day)),
                        partial(self.occasion, member_id))
        # A month of job search: Priya sends about one a day, runs low, and buys a pack.
        priya = self.id["Priya Raman"]
        for day in range(95, 120):
            self.at(self.work_time(day), partial(self._job_search, priya))
        # Alex buys credits ahead of a hiring push.
        alex = self.id["Alex Morgan"]
        self.at(self.work_time(120), partial(self.buy, alex, 25))
        for day in range(121, 135, 2):
            self.at(self.work_time(day), partial(self.occasion, alex))

    def _job_search(self, member_id: str) -> None:
        if member_id not in self.bought and credits.summary(self.ctx, member_id).spendable <= 2:
            self.buy(member_id, 10)
        self.occasion(member_id)

    def buy(self, member_id: str, pack: int) -> None:
        self.bought.add(member_id)
        key = f"demo-{self.person[member_id].email}-{len(self.bought)}"
        self.call(credits.purchase, member_id, pack, "tok_visa", key)

    def _purpose(self, sender: str) -> str:
        plan = self.person[sender].plan
        if plan == "recruiter":
            return "hiring"
        options = {"sales": ["sales"] * 6 + ["networking"],
                   "career": ["job_seeking"] * 3 + ["networking"],
                   }.get(plan, ["networking", "introduction", "sharing", "hiring"])
        return self.rng.choice(options)

    def occasion(self, sender: str) -> None:
        """One sitting at the InMail composer: a follow-up, a first contact, or (for a busy
        recruiter) a new role for someone who answered months ago."""
        now = self.clock.now()
        follow_ups = [lst[0] for (s, r), lst in self.sent.items() if s == sender
                      and len(lst) == 1 and lst[0].responded_at is None
                      and self._may_contact(s, r) and now - lst[0].sent_at >= timedelta(days=7)]
        timely = [f for f in follow_ups if now - f.sent_at <= timedelta(days=30)]
        if timely and self.rng.random() < 0.3:
            first = self.rng.choice(timely)
            self.send(first.recipient, sender, first.purpose, follow_up_of=first)
            return
        purpose = self._purpose(sender)
        fresh = [r for r in self.person if self._may_contact(sender, r)
                 and (sender, r) not in self.sent]
        if fresh:
            weights = [self._interest(sender, r, purpose) for r in fresh]
            self.send(self.rng.choices(fresh, weights)[0], sender, purpose)
            return
        again = [lst[-1] for (s, r), lst in self.sent.items() if s == sender
                 and self._may_contact(sender, r) and lst[-1].responded_at is not None
                 and not lst[-1].stopped and now - lst[-1].responded_at > timedelta(days=30)]
        if again:
            self.send(self.rng.choice(again).recipient, sender, purpose)
        elif follow_ups:
            late = self.rng.choice(follow_ups)
            self.send(late.recipient, sender, late.purpose, follow_up_of=late)

    def _may_contact(self, sender: str, recipient: str) -> bool:
        return (recipient != sender and frozenset((sender, recipient)) not in self.connected
                and (sender, recipient) not in self.reserved | self.turned_away)

    def _interest(self, sender: str, recipient: str, purpose: str) -> float:
        s, r = self.person[sender], self.person[recipient]
        if r.plan == "recruiter" and purpose == "hiring":
            return 0.05
        if purpose == "hiring":
            return 0.3 + 3 * _role_score(r)[1]
        if purpose in ("sales", "job_seeking"):
            senior = any(w in r.title for w in ("Head", "Director", "VP", "Manager", "Chief",
                                                "Partner", "Recruit", "Talent"))
            return 3.0 if senior else 0.5
        return 3.0 if cast.COMPANIES[s.company][0] == cast.COMPANIES[r.company][0] else 1.0

    def send(self, recipient: str, sender: str, purpose: str = "hiring",
             follow_up_of: _Sent | None = None, outcome: str | None = None,
             respond_after: timedelta | None = None) -> None:
        values = self.values(sender, recipient)
        if follow_up_of is not None:
            role = follow_up_of.role
            subject = cast.FOLLOW_UP_SUBJECT.format(subject=follow_up_of.subject)[:200]
            bodies = cast.FOLLOW_UP_BODIES["hiring" if role else "other"]
            body = self.rng.choice(bodies).format(**values, role=role)
        else:
            role, team = _role_score(self.person[recipient])[0] if purpose == "hiring" else ("", "")
            values.update(role=role, team=team)
            subject = self.rng.choice(cast.SUBJECTS[purpose]).format(**values)
            opening = (f"{self.rng.choice(cast.HOOKS[purpose])} "
                       f"{self.rng.choice(cast.PITCHES[purpose])}")
            parts = [self.rng.choice(cast.GREETINGS), opening,
                     self.rng.choice(cast.ASKS[purpose]), self.rng.choice(cast.CLOSES)]
            body = "\n\n".join(parts).format(**values)
        result = self.call(inmail.send, sender, recipient, subject, body, purpose)
        if result is None:
            self.turned_away.add((sender, recipient))
            if (self.last_refusal == "insufficient_credits" and sender == self.id["Priya Raman"]
                    and sender not in self.bought):
                self.at(self.clock.now() + timedelta(hours=2), partial(self.buy, sender, 10))
            return
        view = result[0]
        sent = _Sent(view.id, view.conversation_id, sender, recipient, subject, role, purpose,
                     view.sent_at, follow_up_of is not None)
        self.sent.setdefault((sender, recipient), []).append(sent)
        self._plan_response(sent, outcome, respond_after)

    def _plan_response(self, sent: _Sent, outcome: str | None,
                       respond_after: timedelta | None) -> None:
        if outcome is None:
            r = self.rng.random()
            respond_p = 0.42 if sent.follow_up else 0.32
            outcome = ("none" if r > 0.64 else "open" if r > respond_p else
                       self.rng.choice(["accept", "accept", "reply", "reply", "decline"]))
        if outcome == "none":
            return
        now = self.clock.now()
        opened = now + self.later(0.4, 0.5)
        if respond_after is not None:
            opened = min(opened, now + respond_after / 2)
        self.at(opened, partial(self.call, conversations.mark_read, sent.recipient,
                                sent.conv_id))
        if outcome != "open":
            when = now + respond_after if respond_after else opened + self.later(0.5, 0.35)
            self.at(when, partial(self._respond, sent, outcome))

    def _respond(self, sent: _Sent, outcome: str) -> None:
        s, r = sent.sender, sent.recipient
        sender_says: list[str] = []
        if outcome == "reply":
            positive = self.rng.random() < 0.7
            text = self.rng.choice(cast.REPLIES_POSITIVE if positive else cast.REPLIES_NEGATIVE)
            if self.call(conversations.post_message, r, sent.conv_id,
                         text.format(**self.values(r, s))) is None:
                return
            self._read_later(s, sent.conv_id)
            sender_says = cast.AFTER_REPLY_POSITIVE if positive else []
        else:
            sent.stopped = outcome == "decline" and self.rng.random() < 0.1
            if self.call(inmail.respond, r, sent.id, outcome,
                         stop_contact=sent.stopped) is None:
                return
            sender_says = cast.AFTER_ACCEPT if outcome == "accept" else cast.AFTER_DECLINE
            if (outcome == "accept" and frozenset((s, r)) not in self.forbidden
                    and max(self._degree(s), self._degree(r)) < 15
                    and self.rng.random() < 0.2):
                note = f"Great to be in touch, {self.person[r].first}. Let us stay connected."
                self.at(self.clock.now() + timedelta(days=self.rng.uniform(1, 3)),
                        partial(self.request, s, r, "accept", note))
        sent.responded_at = self.clock.now()
        if sender_says and self.rng.random() < (0.85 if outcome != "decline" else 0.3):
            lines = [self.rng.choice(sender_says), self.rng.choice(cast.THREAD_WRAP_UP)]
            if outcome == "decline" or self.rng.random() < 0.5:
                lines = lines[:1]
            self.at(self.clock.now() + self.later(0.6, 0.4),
                    partial(self._converse, sent.conv_id, s, r, lines))

    def _converse(self, conv_id: str, speaker: str, listener: str, lines: list[str]) -> None:
        text = lines[0].format(**self.values(speaker, listener))
        if self.call(conversations.post_message, speaker, conv_id, text) is None:
            return
        self._read_later(listener, conv_id)
        if len(lines) > 1:
            self.at(self.clock.now() + self.later(0.6, 0.4),
                    partial(self._converse, conv_id, listener, speaker, lines[1:]))

    # -- the scenes the demo logins are built around ---------------------------------------

    def _scripted(self) -> None:
        n = self.id
        alex, sam = n["Alex Morgan"], n["Sam Lee"]
        end = self.end
        scenes: list[tuple[datetime, str, str, str, str, timedelta | None]] = [
            (self.work_time(18), alex, sam, "hiring", "reply", timedelta(days=1, hours=2)),
            (self.work_time(40), n["Marcus Johnson"], alex, "sales", "decline", None),
            (self.work_time(88), sam, n["Jordan Rivera"], "networking", "reply", None),
            (self.work_time(118), n["Luca Moretti"], alex, "job_seeking", "reply", None),
            (self.work_time(150), n["Hannah Schmidt"], sam, "hiring", "open", None),
            (self.work_time(172), n["Zoe Mitchell"], alex, "sales", "open", None),
            (end - timedelta(hours=20), n["Rachel Goldberg"], sam, "hiring", "none", None),
            (end - timedelta(hours=5), n["Tomás Herrera"], alex, "sales", "none", None),
        ]
        for when, sender, recipient, purpose, outcome, respond_after in scenes:
            self.reserved.add((sender, recipient))
            self.at(when, partial(self.send, recipient, sender, purpose, None, outcome,
                                  respond_after))
        # A candidate answers Alex's latest InMail an hour and a half before "now": unread.
        self.at(end - timedelta(days=2), partial(self._late_reply, alex))
        self.at(end - timedelta(hours=3), partial(self._recent_message, n["Mei Chen"], alex))
        self.at(end - timedelta(hours=2), partial(self._recent_message, n["Priya Raman"], sam))
        pending = [  # (senders, recipients: the first unconnected pair; hours before the end)
            (["Alex Morgan"], ["Ben Carter", "Rahul Mehta", "Yuki Tanaka", "Lucia Romano"], 50),
            (["Sam Lee"], ["Jordan Rivera"], 30),
            (["Noah Williams", "Diego Navarro", "Gabriel Santos"], ["Alex Morgan"], 70),
            (["Lily Zhang", "Amara Diallo", "Carlos Mendoza"], ["Alex Morgan"], 10),
            (["Diego Navarro", "Leah Cohen", "Michael Brown"], ["Sam Lee"], 60),
            (["Ana Costa", "Emma Thompson", "Ahmed Hassan"], ["Sam Lee"], 8),
        ]
        for senders, recipients, hours in pending:
            self.at(end - timedelta(hours=hours), partial(self._pending, senders, recipients))

    def _late_reply(self, alex: str) -> None:
        fresh = [r for r in self.person if self._may_contact(alex, r)
                 and (alex, r) not in self.sent and _role_score(self.person[r])[1]]
        if fresh:
            self.send(self.rng.choice(fresh), alex, "hiring", None, "reply",
                      timedelta(days=2) - timedelta(minutes=90))

    def _recent_message(self, sender: str, recipient: str) -> None:
        text = self.rng.choice(cast.RECENT_MESSAGES).format(**self.values(sender, recipient))
        self.call(conversations.send_message, sender, recipient, text)

    def _pending(self, senders: list[str], recipients: list[str]) -> None:
        for sender, recipient in itertools.product([self.id[x] for x in senders],
                                                   [self.id[x] for x in recipients]):
            pair = frozenset((sender, recipient))
            if pair not in self.connected and pair not in self.pending:
                values = self.values(sender, recipient)
                note = self.rng.choice(cast.CONNECTION_NOTES).format(**values)
                self.request(sender, recipient, None, note)
                return


def _role_score(p: Person) -> tuple[tuple[str, str], int]:
    """The best-matching open role for a candidate, and how many of its keywords matched."""
    phrases = {s.lower() for s in p.skills} | {p.title.lower()}
    words = {w.strip(",") for phrase in phrases for w in phrase.split()}
    best, score = ("Technical Program Manager", "operations"), 0
    for role, team, keywords in cast.ROLES:
        hits = sum(1 for k in keywords if k in words or any(k in ph for ph in phrases
                                                            if " " in k))
        if hits > score:
            best, score = (role, team), hits
    return best, score

