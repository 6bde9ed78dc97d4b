"""Abuse simulation for the compliance rules (SPEC §4): does Inroad stop bulk, pestering and
promotional InMail while leaving honest InMail alone?

    python bench/abuse_sim.py [--seed N] [--scale small|full] [--database URL] [--show-misses]

Builds a fresh SQLite database (or uses --database) through the real services and a `TestClock`,
then plays four weeks of a synthetic population, every InMail through `services.inmail.send`:

* honest senders (recruiters, job seekers, networkers, founders, soft sales) writing personal
  InMails built from the recipient's profile, in varied structures, sometimes with a salary
  range, one link or an exclamation; "heavy" recruiters reuse one job paragraph with a personal
  opener, ~8 a day; some send one polite follow-up after a week;
* bulk senders mail-merging one template with names swapped (exact), with a word changed per
  message, with sentences reordered, with the recipient's company merged in, or all at once;
* pesterers re-sending to members who never answer, at intervals from an hour to three weeks;
* promoters sending varied sales pitches (discounts, prices, calls to buy, links, urgency).

Recipients answer honest InMail now and then (accept, decline or reply), which also keeps the
low-response rule honest. Prints, per behaviour, what was stopped, and exits 1 when a target is
missed (>= 99% of bulk campaigns stopped by their 6th recipient, 100% of pestering beyond one
follow-up, >= 95% of promotional InMail, <= 0.5% of honest InMail refused).
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import platform
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from inroad.clock import TestClock
from inroad.config import load_settings
from inroad.context import Context
from inroad.db import Database
from inroad.domain import promotion
from inroad.domain.errors import DomainError
from inroad.migrate import upgrade
from inroad.services import accounts, conversations, credits, inmail

START = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
DAYS = 28
PASSWORD = "abuse-sim-password"

# --- vocabulary ---------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Dana Li Bo Ann Raj Eva Tom Sara Omar Mia Noah Zoe Ivan Lena Kofi Aiko Luis Nina Paul "
         "Ines Hugo Maya Emil Rosa Yuki Sam Alex Kim Will Grant May Rose Hope Mark Chase Faith "
         "Joy Dawn Amir Priya Chen Olga Diego Fatima Lars Ngozi Mateo Hana Tariq Elif Jonas "
         "Aisha Pedro Sven Leila Marco Ada Ravi Nora")
LAST = _words(
    "Kim Wei Chan Lee Patel Novak Berg Ortiz Rossi Nakamura Okafor Silva Jensen Dubois Khan "
        "Garcia Smith Brown Young King Hill Green Wood Stone Fox Moreno Ivanova Schmidt Haddad "
        "Tanaka Costa Nilsen Mensah Park Lopez Weber Cohen Ali Santos Muller Fischer Bauer "
        "Kowalski Horvat Popescu Eriksen Lindqvist Reyes Cruz Bianchi")
COMPANIES = ["Acme", "Northwind", "Fabrikam", "Contoso", "Globex", "Initech", "Umbrella Labs",
             "Stark Analytics", "Wayne Logistics", "Hooli", "Pied Piper", "Vandelay Industries",
             "Soylent Foods", "Tyrell Robotics", "Cyberdyne", "Aperture Science", "Oscorp",
             "Blue Harbor", "Redwood Health", "Lumen Energy", "Quantum Freight", "Nimbus Cloud",
             "Bright Path Education", "Helix Bio", "Orbital Maps", "Kestrel Security",
             "Juniper Retail", "Mosaic Media", "Atlas Payroll", "Evergreen Bank"]
TITLES = ["backend engineer", "data scientist", "product designer", "engineering manager",
          "site reliability engineer", "product manager", "machine learning engineer",
          "frontend developer", "security analyst", "data engineer", "UX researcher",
          "solutions architect", "technical writer", "QA lead", "mobile developer",
          "head of growth", "finance analyst", "talent partner", "CTO", "staff engineer"]
SKILLS = ["Python", "Rust", "Kubernetes", "PostgreSQL", "React", "Go", "Kafka", "TypeScript",
          "Terraform", "Spark", "design systems", "user research", "observability",
          "payments", "search ranking", "computer vision", "accessibility", "pricing strategy",
          "incident response", "GraphQL", "data modelling", "Swift", "Android", "dbt",
          "A/B testing", "recommendation systems", "compliance automation", "edge caching"]
CITIES = ["Berlin", "Lisbon", "Toronto", "Austin", "Singapore", "Nairobi", "Warsaw", "Seoul",
          "Dublin", "Sao Paulo", "Melbourne", "Madrid", "Amsterdam", "Denver", "Bangalore"]
EVENTS = ["PyCon", "KubeCon", "a local meetup", "the Data Council conference", "RustConf",
          "the design systems summit", "QCon", "a hackathon", "the SRE summit", "Web Summit"]
DETAILS = ["how you handled backpressure", "the way you phased the migration",
           "your numbers on query latency", "the part about hiring juniors",
           "your take on on-call fatigue", "the cost breakdown", "the failure story",
           "how you measured adoption", "the section on schema changes",
           "your point about small teams", "the diagrams of the pipeline",
           "your lessons on pricing pages", "the chart comparing regions"]
NEWS = ["opened an office in {city}", "shipped the new mobile app", "raised a Series B",
        "open-sourced its scheduler", "won the {city} startup award", "launched in {city}",
        "published its engineering handbook", "passed a million users"]
MONTHS = ["January", "February", "March", "April", "May", "June", "September", "October",
          "November", "December"]
DAYS_OF_WEEK = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


T = TypeVar("T")


def pick(r: random.Random, seq: Sequence[T]) -> T:
    return seq[r.randrange(len(seq))]


@dataclass
class Person:
    id: str
    full_name: str
    company: str
    title: str
    skill: str
    city: str

    @property
    def first(self) -> str:
        return self.full_name.split()[0]


def domain_of(company: str) -> str:
    return re.sub(r"[^a-z]", "", company.lower()) + ".example.com"


# --- honest InMail ------------------------------------------------------------------------------

def hook(r: random.Random, to: Person) -> str:
    options = [
        f"I read your post about {to.skill} at {to.company} and {pick(r, DETAILS)} stuck with me.",
        f"Your work as a {to.title} at {to.company} came up when I was researching "
        f"{to.skill} teams in {to.city}.",
        f"We were both at {pick(r, EVENTS)} in {to.city} last {pick(r, MONTHS)}, though we "
        "never got to talk.",
        f"{pick(r, FIRST)} {pick(r, LAST)} suggested I reach out to you about {to.skill}.",
        f"I saw that {to.company} {pick(r, NEWS).format(city=to.city)}, congratulations to you "
        "and the team.",
        f"Your talk on {to.skill} at {pick(r, EVENTS)} was the clearest I have heard, especially "
        f"{pick(r, DETAILS)}.",
        f"I noticed you moved into a {to.title} role at {to.company} this year and have been "
        f"following what your team does with {to.skill}.",
    ]
    return pick(r, options)


def ask(r: random.Random, to: Person) -> str:
    return pick(r, [
        "Would you be open to a 20-minute call next week?",
        f"Are you free to chat on {pick(r, DAYS_OF_WEEK)} or later that week?",
        "Could I send you two or three questions by message instead?",
        f"Would a coffee in {to.city} work sometime this month?",
        "If it sounds interesting, I'd be glad to share more details on a short call.",
        "No pressure at all, but a quick reply either way would help me a lot.",
        f"Would you have fifteen minutes to tell me how {to.company} approached it?",
    ])


def closing(r: random.Random, me: Person) -> str:
    return pick(r, ["Thanks for reading,", "Thanks so much!", "Best,", "Cheers,",
                    "All the best,", "Kind regards,", "Thank you,"]) + " " + me.first


@dataclass
class Job:
    role: str
    team: str
    city: str
    lo: int
    hi: int
    n: int


def recruiter_body(r: random.Random, me: Person, to: Person, job: Job, heavy: bool) -> str:
    pitch = (f"I'm hiring a {job.role} for the {job.team} team at {me.company}, based in "
             f"{job.city} with flexible remote days.")
    parts = [pitch]
    if heavy or r.random() < 0.5:
        parts.append(f"The base range is ${job.lo}k-${job.hi}k plus equity and a learning "
                     "budget.")
    if heavy or r.random() < 0.4:
        parts.append(f"The full posting is at https://{domain_of(me.company)}/jobs/{job.n}.")
    if heavy:
        parts.append(f"The {job.team} team owns the platform end to end and ships several times "
                     "a day, with a strong culture of written design reviews.")
    else:
        parts.append(f"Given your experience with {to.skill}, I think you would "
                     f"{pick(r, ['enjoy the problems we have', 'fit right in', 'have a real impact', 'find the scale interesting'])}.")  # noqa: E501
    return " ".join(parts)


def seeker_body(r: random.Random, me: Person, to: Person) -> str:
    parts = [f"I'm a {me.title} with {r.randint(2, 12)} years of {me.skill} and I'm exploring "
             f"roles at {to.company} because of {pick(r, ['its engineering culture', 'the product', 'its work in ' + to.skill, 'the mission'])}."]  # noqa: E501
    if r.random() < 0.4:
        parts.append(f"My portfolio is at https://{me.first.lower()}{r.randint(1, 99)}.dev if "
                     "you want a look.")
    parts.append(f"I'd value your advice on how the {to.title} team hires.")
    return " ".join(parts)


def networker_body(r: random.Random, me: Person, to: Person) -> str:
    return (f"I'm working on {pick(r, ['a side project', 'an internal tool', 'a talk', 'a research piece'])} "  # noqa: E501
            f"about {to.skill} and would love your perspective on "
            f"{pick(r, ['what broke first at scale', 'how you chose the tooling', 'what you would do differently', 'how you onboard new people'])}.")  # noqa: E501


def founder_body(r: random.Random, me: Person, to: Person) -> str:
    return (f"I'm building {pick(r, ['a small tool', 'an open-source library', 'a startup'])} "
            f"for {to.skill} teams at {me.company} and I'm looking for people who have felt the "
            f"pain of {pick(r, DETAILS)}.")


def sales_body(r: random.Random, me: Person, to: Person) -> str:
    # Soft sales outreach is allowed InMail: no prices, discounts or calls to buy.
    return (f"I lead partnerships at {me.company}; we help teams like yours with {to.skill}, "
            f"and {pick(r, COMPANIES)} cut their {pick(r, ['incident count', 'cloud bill', 'review time', 'onboarding time'])} "  # noqa: E501
            f"by a third last year. Happy to share what worked for them, whether or not we end "
            "up working together.")


def honest_inmail(r: random.Random, me: Person, to: Person, persona: str,
                  job: Job | None) -> tuple[str, str]:
    greet = pick(r, ["Hi {first},", "Hello {first},", "Dear {first},", "Good morning {first},",
                     "Hi {first}!"]).format(first=to.first)
    if persona == "recruiter" or persona == "heavy":
        assert job is not None
        body = recruiter_body(r, me, to, job, persona == "heavy")
        subject = pick(r, [f"{job.role} role at {me.company}", f"Question about {to.skill}",
                           f"{to.first}, a role you might like"])
    elif persona == "seeker":
        body, subject = seeker_body(r, me, to), f"Advice about {to.company}"
    elif persona == "founder":
        body, subject = founder_body(r, me, to), f"{to.skill} question"
    elif persona == "sales":
        body, subject = sales_body(r, me, to), f"Idea for {to.company}"
    else:
        body, subject = networker_body(r, me, to), f"Hello from {me.city}"
    middle = [hook(r, to), body]
    if r.random() < 0.3:
        middle.reverse()
    text = " ".join([greet, *middle, ask(r, to)])
    return subject, text + "\n\n" + closing(r, me)


def honest_follow_up(r: random.Random, me: Person, to: Person) -> tuple[str, str]:
    # People copy-paste follow-ups too; the honest ones here still say something personal (six
    # copies of one follow-up in a week would rightly be refused as bulk).
    opener = pick(r, [f"Hi {to.first}, following up once on my note from last week.",
                      f"Hello {to.first}, a gentle nudge on my earlier message.",
                      f"{to.first}, I know inboxes get busy, so one short follow-up."])
    personal = pick(r, [
        f"I'm still keen to hear how {to.company} approaches {to.skill}, "
        f"especially {pick(r, DETAILS)}.",
        f"Since then I saw that {to.company} {pick(r, NEWS).format(city=to.city)}, which makes "
        "the question even more timely.",
        f"Your background as a {to.title} in {to.city} is exactly the perspective I am missing.",
    ])
    out = pick(r, ["If the timing is wrong, no worries at all; I won't write again.",
                   "Either way, thanks for reading.", "A one-line answer would already help."])
    return "Following up", f"{opener} {personal} {out} {closing(r, me)}"


# --- bulk templates -----------------------------------------------------------------------------

BULK_TEMPLATES = [
    "Hi {first}, I hope this message finds you well. I'm reaching out because I'm expanding my "
    "professional network with talented people in the technology industry. I believe we could "
    "create great value together. I'd love to connect and learn more about your journey. "
    "Looking forward to hearing from you.",
    "Hi {first}, I have an exciting opportunity that matches your profile perfectly. Our client "
    "is a leading company in the industry and is looking for experienced professionals like "
    "you. The role offers competitive compensation and great growth potential. Please reply "
    "with your updated CV and a good time to talk.",
    "Hello {first}, I came across your profile and was impressed by your experience. We are a "
    "growing agency that partners with ambitious teams to deliver digital products. I would "
    "like to introduce our team and explore how we might collaborate in the coming months. "
    "Would you have some time for a brief introduction?",
    "Dear {first}, I am organizing a private roundtable for senior leaders to discuss the future "
    "of work and leadership. The session is small and focused on practical lessons from peers. "
    "Your perspective would be a valuable addition to the group. Let me know if you would like "
    "to receive an invitation.",
    "Hi {first}, quick question for you. Are you the right person to talk to about hiring and "
    "team growth at your company? We work with many fast-growing organizations and help them "
    "find strong candidates quickly. If not, could you point me to the right colleague?",
    "Hey {first}, I noticed we share several interests and work in similar fields. I am always "
    "keen to meet thoughtful people and exchange ideas about careers and industry trends. "
    "Perhaps we could set up a short virtual coffee sometime soon. Let me know what works for "
    "you.",
    "Hi {first}, I help professionals like you build a stronger personal brand online. Many of "
    "my clients have doubled their visibility within a few months. I would be glad to walk you "
    "through the approach and see whether it fits your goals. When would be a good moment for "
    "a short conversation?",
    "Hello {first}, our research team is studying how people in your role make decisions "
    "about new tools. We are interviewing a small number of experienced professionals this "
    "month. The conversation takes about thirty minutes and your answers stay anonymous. "
    "Would you be willing to take part?",
]
COMPANY_LINE = "I have been following {company} for a while and really admire the team."
SYNONYMS = {"great": "real", "talented": "skilled", "love": "like", "exciting": "interesting",
            "leading": "top", "experienced": "seasoned", "growing": "expanding",
            "brief": "short", "small": "compact", "practical": "useful", "strong": "solid",
            "quickly": "fast", "thoughtful": "smart", "short": "quick", "glad": "happy",
            "stronger": "better", "visibility": "reach", "anonymous": "private",
            "willing": "happy", "valuable": "useful", "ambitious": "driven",
            "impressed": "struck", "keen": "eager", "good": "convenient"}
BULK_VARIANTS = ["exact", "word", "reorder", "company", "mixed"]


def split_sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.?!])\s+", text)


def bulk_inmail(r: random.Random, template: str, variant: str, to: Person, me: Person) -> str:
    sentences = split_sentences(template)
    greeting, rest = sentences[0], sentences[1:]
    if variant in ("company", "mixed"):
        rest.insert(1, COMPANY_LINE.format(company=to.company))
    if variant in ("reorder", "mixed"):
        r.shuffle(rest)
    text = " ".join([greeting, *rest])
    if variant in ("word", "mixed"):
        words = [w for w in SYNONYMS if re.search(rf"\b{w}\b", text)]
        if words:
            w = pick(r, words)
            text = re.sub(rf"\b{w}\b", SYNONYMS[w], text, count=1)
    if variant == "mixed":
        text = text.replace("Hi {first},", pick(r, ["Hello {first},", "Hey {first},",
                                                    "Hi {first},"]), 1)
    return text.format(first=to.first) + f"\n\nBest regards, {me.full_name}"


# --- promotional --------------------------------------------------------------------------------

PRODUCTS = ["our CRM", "the SEO growth package", "our premium supplements", "the crypto "
            "trading course", "our VPN", "the resume writing service", "our cloud hosting plan",
            "the leadership masterclass", "our follower growth tool", "the dropshipping kit",
            "our conference pass", "the sales automation suite", "our coaching program"]
PROMO_FEATURES: dict[str, list[str]] = {
    "discount": ["Get {pct}% off {product} this week.", "Use promo code {code} for a "
                 "{pct}% discount.", "{product} is on sale for members.", "An exclusive deal on "
                 "{product} just for you.", "Save {pct}% on {product}."],
    "price": ["Plans start at only ${price}/month.", "It is just ${price} for the full year.",
              "Normally ${hi}, now ${price}.", "All for a one-time fee of ${price}."],
    "cta": ["Buy now before it sells out.", "Click here to claim your spot.", "Sign up today "
            "and start right away.", "Order now and get started.", "Subscribe to unlock "
            "everything.", "This is a limited offer for selected members."],
    "link": ["Details at https://{site}/offer.", "Visit www.{site} to learn more.",
             "Check {site}/deal for details."],
    "urgency": ["Act now, this is the last chance.", "Today only!", "Hurry, spots are "
                "limited.", "The offer ends tonight.", "Don't miss out on this."],
    "free": ["Start your free trial today.", "Claim a free consultation.", "Your first month "
             "is 100% free.", "Get a free gift with your first order."],
}


def promo_inmail(r: random.Random, to: Person) -> tuple[str, str]:
    product = pick(r, PRODUCTS)
    kinds = r.sample(list(PROMO_FEATURES), r.randint(2, 4))
    values = {"product": product, "pct": r.choice([15, 20, 25, 30, 40, 50, 70]),
              "code": r.choice(["SAVE20", "VIP50", "WELCOME", "LINKED10"]),
              "price": r.choice([9, 19, 29, 49, 99, 199]), "hi": r.choice([299, 499, 999]),
              "site": r.choice(["growfast.example.com", "bestdeals.example.net",
                                "promo.example.io", "shop.example.co"])}
    lines = [pick(r, PROMO_FEATURES[k]).format(**values) for k in kinds]
    intro = pick(r, [f"Hi {to.first}, I wanted to tell you about {product}.",
                     f"Hello {to.first}! Professionals like you love {product}.",
                     f"{to.first}, quick one: {product} could help you grow."])
    body = " ".join([intro, *lines])
    if r.random() < 0.2:
        body = body.upper()
    elif r.random() < 0.3:
        body += " Don't wait!!!"
    subject = pick(r, ["Special offer for you", "Quick question", f"{product.title()}",
                       "You're invited", "Limited time"])
    return subject, body


# --- the simulation -----------------------------------------------------------------------------

@dataclass
class Tally:
    attempts: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str]] = field(default_factory=list)  # refused
    passed: list[str] = field(default_factory=list)  # delivered

    def add(self, code: str | None, text: str = "") -> None:
        self.attempts += 1
        if code is None:
            if len(self.passed) < 20:
                self.passed.append(text)
            return
        self.refused[code] += 1
        if len(self.examples) < 20:
            self.examples.append((code, text))

    @property
    def stopped(self) -> int:
        return sum(self.refused.values())


@dataclass
class PesterState:
    first: datetime | None = None  # when the first InMail was delivered
    follow: bool = False  # whether the one follow-up was delivered


class Sim:
    def __init__(self, ctx: Context, clock: TestClock, seed: int) -> None:
        self.ctx, self.clock = ctx, clock
        self.r = random.Random(seed)
        self.queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self.seq = itertools.count()
        self.emails = itertools.count(1)
        self.admin = accounts.create_admin(ctx, email="admin@sim.example", password=PASSWORD)
        self.honest = Tally()
        self.promo = Tally()
        self.bulk_abusive = Tally()  # the 6th and later InMail of each campaign
        self.bulk_first5 = Tally()
        self.campaign_stops: list[tuple[str, int | None]] = []  # (variant, stop index)
        self.campaign_codes: Counter[str] = Counter()
        self.pester_early = Tally()  # a second InMail before 7 days
        self.pester_beyond = Tally()  # anything after a delivered follow-up
        self.pester_allowed = Tally()  # firsts and on-time follow-ups (should pass)
        self.responses = 0
        # The scorer alone, on every honest and promotional text (whatever else refused it).
        self.scored: dict[str, list[int]] = {"honest": [0, 0], "promo": [0, 0]}

    # members
    def person(self, premium: bool = False) -> Person:
        r = self.r
        name = f"{pick(r, FIRST)} {pick(r, LAST)}"
        p = Person("", name, pick(r, COMPANIES), pick(r, TITLES), pick(r, SKILLS),
                   pick(r, CITIES))
        created = accounts.signup(self.ctx, email=f"u{next(self.emails)}@sim.example",
                                  password=PASSWORD, full_name=name, company=p.company,
                                  title=p.title, headline=f"{p.title} at {p.company}",
                                  location=p.city, skills=[p.skill])
        p.id = created.member.id
        if premium:
            credits.change_plan(self.ctx, p.id, "sales", "tok_visa")
            credits.adjust(self.ctx, self.admin.id, p.id, 2000, "abuse simulation")
        return p

    # events
    def at(self, when: datetime, fn: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (when, next(self.seq), fn))

    def run(self) -> None:
        while self.queue:
            when, _, fn = heapq.heappop(self.queue)
            if when > self.clock.now():
                self.clock.advance(when - self.clock.now())
            fn()

    def send(self, me: Person, to: Person, subject: str, body: str,
             respond_p: float = 0.0) -> tuple[str | None, str | None]:
        """(refusal code or None, InMail id or None)."""
        try:
            view, _ = inmail.send(self.ctx, me.id, to.id, subject[:200], body[:1900])
        except DomainError as exc:
            return exc.code, None
        if self.r.random() < respond_p:
            delay = timedelta(hours=self.r.uniform(1, 24 * 5))
            self.at(self.clock.now() + delay, lambda: self.respond(to, view.id,
                                                                   view.conversation_id))
        return None, view.id

    def respond(self, who: Person, inmail_id: str, conv_id: str) -> None:
        how = self.r.random()
        try:
            if how < 0.5:
                conversations.post_message(self.ctx, who.id, conv_id,
                                           "Thanks for reaching out, happy to talk.")
            else:
                inmail.respond(self.ctx, who.id, inmail_id, "accept" if how < 0.8 else "decline")
            self.responses += 1
        except DomainError:
            pass

    def score(self, kind: str, subject: str, body: str) -> None:
        found = promotion.score(f"{subject}\n{body}", self.ctx.settings.promo_weights)
        self.scored[kind][0] += promotion.is_promotional(found, self.ctx.settings.promo_threshold)
        self.scored[kind][1] += 1

    def when(self, day: float) -> datetime:
        return START + timedelta(days=day)

    # behaviours
    def honest_sender(self, recipients: list[Person], persona: str, count: int) -> None:
        r = self.r
        me = self.person(premium=True)
        jobs = [Job(pick(r, TITLES), pick(r, ["platform", "payments", "data", "mobile",
                                              "growth", "search"]), pick(r, CITIES),
                    lo, lo + r.choice([20, 30, 40]), r.randint(100, 999))
                for lo in (r.choice([90, 110, 130, 150, 170]) for _ in range(3))]
        targets = r.sample(recipients, count)
        heavy = persona == "heavy"
        for i, to in enumerate(targets):
            day = (i / 8 + r.uniform(0, 0.3)) if heavy else r.uniform(0, DAYS - 8)
            day = min(day, DAYS - 1)
            job = jobs[i % 3]

            def go(to: Person = to, job: Job = job) -> None:
                subject, body = honest_inmail(r, me, to, persona, job)
                self.score("honest", subject, body)
                code, inmail_id = self.send(me, to, subject, body, respond_p=0.3)
                self.honest.add(code, body)
                if code is None and not heavy and r.random() < 0.25:
                    # One polite follow-up a week or more later, if still no answer.
                    self.at(self.clock.now() + timedelta(days=r.uniform(7, 10)),
                            lambda: self.honest_follow(me, to, inmail_id))

            self.at(self.when(day), go)

    def honest_follow(self, me: Person, to: Person, inmail_id: str | None) -> None:
        if inmail_id is None or inmail.get(self.ctx, me.id, inmail_id).responded_at is not None:
            return
        subject, body = honest_follow_up(self.r, me, to)
        self.score("honest", subject, body)
        code, _ = self.send(me, to, subject, body, respond_p=0.2)
        self.honest.add(code, body)

    def bulk_sender(self, recipients: list[Person], campaigns: int) -> None:
        r = self.r
        me = self.person(premium=True)
        start = r.uniform(0, DAYS - 4)
        for c in range(campaigns):
            template, variant = pick(r, BULK_TEMPLATES), pick(r, BULK_VARIANTS)
            targets = r.sample(recipients, r.randint(12, 25))
            stops: list[int] = []
            t = self.when(start + c * 2)
            for i, to in enumerate(targets, start=1):
                t += timedelta(minutes=r.uniform(1, 90))

                def go(to: Person = to, i: int = i, stops: list[int] = stops,
                       template: str = template, variant: str = variant) -> None:
                    body = bulk_inmail(r, template, variant, to, me)
                    code, _ = self.send(me, to, "Connecting", body, respond_p=0.05)
                    (self.bulk_abusive if i > 5 else self.bulk_first5).add(code, body)
                    if code is not None and not stops:
                        stops.append(i)
                        self.campaign_codes[code] += 1

                self.at(t, go)
            def done(stops: list[int] = stops, variant: str = variant) -> None:
                self.campaign_stops.append((variant, stops[0] if stops else None))

            self.at(t + timedelta(seconds=1), done)

    def pesterer(self, recipients: list[Person], targets: int) -> None:
        r = self.r
        me = self.person(premium=True)
        gaps_hours = [1, 5, 24, 72, 144, 167, 168, 169, 192, 240, 336, 500]
        for to in r.sample(recipients, targets):
            t = self.when(r.uniform(0, 6))
            state = PesterState()
            for n in range(r.randint(3, 6)):
                if n:
                    t += timedelta(hours=r.choice(gaps_hours))

                def go(to: Person = to, state: PesterState = state, n: int = n) -> None:
                    now = self.clock.now()
                    first = state.first
                    if first is None:
                        kind = self.pester_allowed
                    elif state.follow:
                        kind = self.pester_beyond
                    elif now - first < timedelta(days=7):
                        kind = self.pester_early
                    else:
                        kind = self.pester_allowed
                    body = (f"Hi {to.first}, {pick(r, ['just checking in', 'following up again', 'bumping this', 'any thoughts'])} "  # noqa: E501
                            f"on my note about {to.skill} at {to.company}? Attempt {n + 1}.")
                    code, _ = self.send(me, to, "Following up", body)
                    kind.add(code, body)
                    if code is None:
                        if first is None:
                            state.first = now
                        else:
                            state.follow = True

                self.at(min(t, self.when(DAYS)), go)

    def promoter(self, recipients: list[Person], count: int) -> None:
        r = self.r
        me = self.person(premium=True)
        day = r.uniform(0, DAYS - 3)
        for to in r.sample(recipients, count):
            day += r.uniform(0.01, 0.3)

            def go(to: Person = to) -> None:
                subject, body = promo_inmail(r, to)
                self.score("promo", subject, body)
                code, _ = self.send(me, to, subject, body, respond_p=0.02)
                self.promo.add(code, subject + " | " + body)

            self.at(self.when(day), go)


SCALES = {
    # recipients, honest senders (per persona), heavy recruiters, bulk senders, pesterers,
    # promoters
    "small": (400, 4, 1, 12, 8, 8),
    "full": (2500, 14, 5, 50, 30, 30),
}
PERSONAS = ["recruiter", "seeker", "networker", "founder", "sales"]


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "0/0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON",
                        help="override a setting, e.g. --set minhash_bands=21 or "
                             "--set 'promo_weights={\"link\": 0.35, ...}'")
    parser.add_argument("--show-misses", action="store_true",
                        help="print refused honest InMails and promotional ones let through")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="inroad-abuse-")
    url = args.database or f"sqlite:///{Path(tmp.name) / 'sim.db'}"
    overrides = {name: json.loads(value) for name, value in
                 (item.split("=", 1) for item in args.set)}
    settings = load_settings(database_url=url, secret_key="abuse-sim", argon2_time_cost=1,
                             argon2_memory_kib=1024, run_duties_in_process=False,
                             test_clock=True, **overrides)
    db = Database(url)
    upgrade(db.engine)
    clock = TestClock(start=START - timedelta(days=1))
    ctx = Context(settings=settings, db=db, clock=clock)
    sim = Sim(ctx, clock, args.seed)
    n_recipients, per_persona, heavy, n_bulk, n_pest, n_promo = SCALES[args.scale]
    recipients = [sim.person() for _ in range(n_recipients)]
    for persona in PERSONAS:
        for _ in range(per_persona):
            sim.honest_sender(recipients, persona, sim.r.randint(15, 40))
    for _ in range(heavy):
        sim.honest_sender(recipients, "heavy", 160)
    for _ in range(n_bulk):
        sim.bulk_sender(recipients, sim.r.choice([1, 1, 2]))
    for _ in range(n_pest):
        sim.pesterer(recipients, 4)
    for _ in range(n_promo):
        sim.promoter(recipients, sim.r.randint(6, 12))
    sim.run()
    elapsed = time.perf_counter() - started

    stops = [s for _, s in sim.campaign_stops]
    by_sixth = sum(1 for s in stops if s is not None and s <= 6)
    dist = Counter("never" if s is None else str(s) for s in stops)
    late = Counter(v for v, s in sim.campaign_stops if s is None or s > 6)
    honest_refused = sim.honest.stopped
    total = (sim.honest.attempts + sim.promo.attempts + sim.bulk_abusive.attempts
             + sim.bulk_first5.attempts + sim.pester_early.attempts
             + sim.pester_beyond.attempts + sim.pester_allowed.attempts)
    if overrides:
        print(f"settings overridden: {overrides}")
    print(f"Inroad abuse simulation: seed {args.seed}, scale {args.scale}, {DAYS} simulated days, "
          f"{len(recipients)} recipients, {total} InMails attempted, {sim.responses} responses, "
          f"{elapsed:.0f} s wall ({platform.python_version()}, {db.engine.dialect.name})")
    print(f"honest       refused {pct(honest_refused, sim.honest.attempts)}  "
          f"{dict(sim.honest.refused)}")
    print(f"bulk         campaigns stopped by their 6th recipient {pct(by_sixth, len(stops))}; "
          f"stop index {dict(sorted(dist.items(), key=lambda kv: (len(kv[0]), kv[0])))}; "
          f"first refusal codes {dict(sim.campaign_codes)}; variants stopped late "
          f"{dict(late)}")
    print(f"             6th-and-later InMails stopped "
          f"{pct(sim.bulk_abusive.stopped, sim.bulk_abusive.attempts)}; first five refused "
          f"{pct(sim.bulk_first5.stopped, sim.bulk_first5.attempts)}")
    print(f"pestering    beyond one follow-up stopped "
          f"{pct(sim.pester_beyond.stopped, sim.pester_beyond.attempts)} "
          f"{dict(sim.pester_beyond.refused)}; follow-ups under 7 days stopped "
          f"{pct(sim.pester_early.stopped, sim.pester_early.attempts)}; first InMails and "
          f"on-time follow-ups refused {pct(sim.pester_allowed.stopped, sim.pester_allowed.attempts)}")  # noqa: E501
    print(f"promotional  stopped {pct(sim.promo.stopped, sim.promo.attempts)} "
          f"{dict(sim.promo.refused)}")
    print(f"promo scorer alone: promotional texts flagged {pct(*sim.scored['promo'])}, "
          f"honest texts flagged {pct(*sim.scored['honest'])}")
    targets = [
        ("bulk campaigns stopped by the 6th recipient >= 99%",
         len(stops) > 0 and by_sixth / len(stops) >= 0.99),
        ("pestering beyond one follow-up stopped = 100%",
         sim.pester_beyond.stopped == sim.pester_beyond.attempts),
        ("promotional InMails stopped >= 95%",
         sim.promo.attempts > 0 and sim.promo.stopped / sim.promo.attempts >= 0.95),
        ("honest InMails refused <= 0.5%",
         sim.honest.attempts > 0 and honest_refused / sim.honest.attempts <= 0.005),
    ]
    for name, ok in targets:
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    if args.show_misses:
        for code, text in sim.honest.examples:
            print(f"honest refused ({code}): {text}")
        for text in sim.promo.passed:
            print(f"promotional delivered: {text}")
    db.dispose()
    tmp.cleanup()
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
