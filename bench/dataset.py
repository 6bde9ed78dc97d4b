"""Bulk loader for the benchmark: a realistic Inroad database at a chosen scale, written straight
into the tables (executemany in big transactions on SQLite, COPY on PostgreSQL) of a fresh
database migrated with `inroad.migrate.upgrade`.

    python bench/dataset.py --scale small --db sqlite          # ~10k members
    python bench/dataset.py --scale large --db postgresql      # 1M members, 10M messages
    python bench/dataset.py --members 200000 --db sqlite       # any size in between

What is in it (N regular members; `large`: N = 1M):

* members: 20% Premium (one grant lot each: ledger, lot and `credit_grants` agree with
  `credit_balance`), varied InMail settings, one argon2 hash (`Passwords(1, 1024)`) shared by
  all; ~50 connections each (both directions), mostly among neighbours so that second-degree
  connections and shared connections exist;
* message conversations between connections (avg 4 messages; 5% "heavy" members hold ~30
  conversations each, so their inbox pages are full), InMails (1 per member on average) with
  statuses, opens, responses, refunds, the reply message and both inbox rows;
  `conversations.last_message_id` and the inbox rows match the messages;
* `insight_counts` (per sender and platform, per day, dims all/subject/purpose) summed from
  the InMails exactly as the app counts them, and MinHash signatures (`inmail_fingerprints`,
  in order of sending, as the app numbers them) for every InMail of the last 8 days. The app
  keeps one for every InMail ever delivered, but the bulk check reads a sender's 7-day window
  only, so older ones are never read: leaving them out keeps `small` small;
* growth-curve members: senders with 10, 100, 1,000 and 100,000 past InMails, sent at the
  default daily limit (100 a day) back from now (their inboxes are the 10 / 1,000 /
  100,000-conversation mailboxes; 100 vs 100,000 is the bulk-check curve), a conversation of
  25,000 messages, a connected pair for the SSE test;
* benchmark senders (the first `bench_senders` members): Premium with 10,000,000 credits
  (an `adjustment` lot) and 20 InMails of recent history each;
* bearer tokens (known plaintexts, in the manifest) for the members the load scripts act as.

Credits: each Premium member's ledger holds the current period's grant (plus the benchmark and
growth senders' 10M `adjustment`), with the matching lots, `credit_grants` row and balance, so
ledger, lots and balance agree. The InMail history carries `cost` 1 and `refunded` flags but no
spend or refund ledger rows (as if paid from lots used up before the ledger's first row).

The manifest (JSON, next to the database) lists the tokens and ids the load scripts need.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).parent))
import corpus

from inroad.db import Database
from inroad.domain import credits as credit_rules
from inroad.domain import insights as insight_rules
from inroad.domain import similarity
from inroad.domain.accounts import search_text
from inroad.migrate import upgrade
from inroad.security import Passwords

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
PASSWORD = "bench-password-123"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BASE = "postgresql://postgres@127.0.0.1:5432/"

# Growth-curve sizes (fixed at every scale: the curve is the point).
GROWTH_SENDERS = (10, 100, 1_000, 100_000)  # past InMails each
MAILBOXES = (10, 1_000, 100_000)
BULK_SENDERS = (100, 100_000)
LONG_CONVERSATION = 25_000  # messages: page 1 vs page 1,000 at limit 20
PAGE_DEEP = 1_000
BENCH_HISTORY = 20  # recent InMails of each benchmark sender
GROWTH_PER_DAY = 100  # growth senders' history runs at the default daily limit
BIG_CREDITS = 10_000_000
WINDOW = 200  # connection neighbourhood: member i connects within i +- WINDOW
PLANS = ["free", "career", "business", "sales", "recruiter"]
PLAN_CREDITS = {"career": 5, "business": 15, "sales": 50, "recruiter": 30}
GRANT_LOT_DAYS = 90
FINGERPRINT_WINDOW_DAYS = 8  # signatures are stored for InMails this recent (bulk window 7)
INMAIL_BODY_POOL = 1_000
MESSAGE_BODY_POOL = 2_000

FIRST = [
    "Ada", "Alan", "Amara", "Ana", "Anders", "Anya", "Arjun", "Aya", "Ben", "Bruno", "Carla",
    "Chen", "Chloe", "Dario", "Dev", "Elena", "Emil", "Erin", "Farah", "Felix", "Grace", "Hana",
    "Hugo", "Ines", "Ivan", "Jamal", "Jana", "Jonas", "Julia", "Kai", "Kenji", "Lara", "Leo",
    "Lina", "Luca", "Maya", "Mei", "Mila", "Nadia", "Naomi", "Nia", "Noah", "Omar", "Oscar",
    "Priya", "Rafael", "Rosa", "Ruth", "Sami", "Sara", "Sofia", "Tariq", "Tess", "Theo", "Uma",
    "Vera", "Wei", "Yara", "Yusuf", "Zoe",
]
LAST = [
    "Abbott", "Adeyemi", "Alvarez", "Bauer", "Becker", "Brennan", "Castro", "Chowdhury", "Costa",
    "Dalton", "Dubois", "Eriksen", "Fischer", "Fontaine", "Garcia", "Grant", "Haddad", "Hansen",
    "Ito", "Jensen", "Kaur", "Kim", "Kowalski", "Larsen", "Lopez", "Moreau", "Murphy", "Nakamura",
    "Nguyen", "Novak", "Okafor", "Olsen", "Park", "Patel", "Petrov", "Quinn", "Ramos", "Rossi",
    "Sato", "Schmidt", "Silva", "Singh", "Sousa", "Tanaka", "Torres", "Valdez", "Varga", "Weber",
    "Wong", "Yilmaz", "Zhang",
]
COMPANIES = [
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent",
    "Hooli", "Vandelay", "Wonka", "Gringotts", "Aperture", "Massive", "Dynamic", "Pied", "Piper",
    "Oscorp", "Monarch", "Nakatomi",
]
TITLES = ["Software Engineer", "Product Manager", "Data Scientist", "Recruiter", "Designer",
          "Engineering Manager", "Account Executive", "Analyst", "Consultant", "Founder",
          "Marketing Lead", "Operations Manager", "Researcher", "Architect", "Student"]
LOCATIONS = ["Berlin", "London", "Paris", "Lisbon", "New York", "San Francisco", "Toronto",
             "Bangalore", "Singapore", "Sydney", "Tokyo", "Nairobi", "Lagos", "Madrid",
             "Amsterdam", "Warsaw", "Austin", "Seattle", "Dublin", "Stockholm"]
INDUSTRIES = ["Software", "Finance", "Healthcare", "Education", "Retail", "Logistics",
              "Energy", "Media", "Government", "Manufacturing", "Consulting", "Telecom"]
SKILLS = ["python", "sql", "go", "rust", "react", "kubernetes", "aws", "design", "sales",
          "hiring", "leadership", "finance", "marketing", "research", "analytics", "writing",
          "negotiation", "java", "postgresql", "security", "product", "ux", "ml", "devops"]


@dataclass(frozen=True)
class Scale:
    name: str
    members: int
    messages: int  # regular traffic; growth members come on top
    inmails: int
    bench_senders: int
    max_tokens: int

    @staticmethod
    def of(name: str, members: int | None = None) -> Scale:
        n = members or {"small": 10_000, "large": 1_000_000}[name]
        label = name if members is None else f"m{n}"
        return Scale(label, n, 10 * n, n, bench_senders=500 if n <= 100_000 else 2_000,
                     max_tokens=max(20_000, min(n, 60_000)))


@dataclass
class Layout:
    """Where each kind of member sits in the index space (member ids grow with the index)."""

    n: int  # regular members 0..n-1
    s: int  # bench senders 0..s-1
    history_lo: int  # recipients of the growth / bench senders' history
    history_hi: int
    clean_lo: int  # recipients the benchmark sends to (no history with the bench senders)
    clean_hi: int
    growth: dict[int, int]  # past InMails -> member index
    long_a: int
    long_b: int
    sse_a: int
    sse_b: int
    total: int


def make_layout(scale: Scale) -> Layout:
    n, s = scale.members, scale.bench_senders
    half = n // 2
    nxt = n
    growth = {}
    for size in GROWTH_SENDERS:
        growth[size] = nxt
        nxt += 1
    return Layout(n=n, s=s, history_lo=s + WINDOW + 1, history_hi=half,
                  clean_lo=half, clean_hi=n - WINDOW - 1, growth=growth,
                  long_a=nxt, long_b=nxt + 1, sse_a=nxt + 2, sse_b=nxt + 3, total=nxt + 4)


# ---------------------------------------------------------------------------------------------
# ids and times

_ALPHA = np.frombuffer(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", dtype=np.uint8)


def ulids(ms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """ULIDs (as `S26`) for millisecond times: time-ordered like `inroad.ids.new_id`."""
    ms = np.asarray(ms, dtype=np.uint64)
    out = np.empty((len(ms), 26), dtype=np.uint8)
    for k in range(10):
        out[:, k] = _ALPHA[((ms >> np.uint64(5 * (9 - k))) & np.uint64(31)).astype(np.intp)]
    out[:, 10:] = _ALPHA[rng.integers(0, 32, size=(len(ms), 16))]
    return out.view("S26").ravel()


def ts_text(ms: np.ndarray) -> list[str]:
    """SQLAlchemy's storage format for naive UTC datetimes (also valid PostgreSQL input)."""
    s = np.datetime_as_string(np.asarray(ms, dtype="datetime64[ms]").astype("datetime64[us]"),
                              unit="us")
    return [x.replace("T", " ") for x in s.tolist()]


def dec(ids: np.ndarray) -> list[str]:
    return [x.decode() for x in ids.tolist()]


def to_dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def dt_ms(d: datetime) -> int:
    return int(d.timestamp() * 1000)


# ---------------------------------------------------------------------------------------------
# generation (numpy arrays first, rows later)


@dataclass
class InMails:
    sender: np.ndarray
    recipient: np.ndarray
    sent: np.ndarray  # ms
    opened: np.ndarray  # ms or -1
    responded: np.ndarray  # ms or -1
    status: np.ndarray  # 0 delivered 1 opened 2 accepted 3 declined 4 replied
    subject: np.ndarray  # index into subjects
    body: np.ndarray  # index into inmail bodies
    purpose: np.ndarray


STATUS = ["delivered", "opened", "accepted", "declined", "replied"]


def _signature(body: str) -> bytes:
    return similarity.fingerprint(body, "", 128, 21).signature


class Generator:
    def __init__(self, scale: Scale, seed: int = 20261126, now_ms: int | None = None) -> None:
        self.scale = scale
        self.L = make_layout(scale)
        self.rng = np.random.default_rng(seed)
        self.prng = random.Random(seed)
        self.now_ms = now_ms or int(time.time() * 1000)
        self.salt = os.urandom(6).hex()

    # -- members
    def members(self) -> None:
        L, rng = self.L, self.rng
        total = L.total
        start = self.now_ms - 2 * 365 * DAY_MS
        step = max(1, (self.now_ms - 40 * DAY_MS - start) // total)
        self.m_created = start + np.arange(total, dtype=np.int64) * step
        # the special members (growth senders, pairs) joined before their 2.7-year histories
        self.m_created[L.n:] = self.now_ms - 3 * 365 * DAY_MS + np.arange(total - L.n)
        self.m_ids = ulids(self.m_created, rng)
        self.m_id_list = dec(self.m_ids)
        plan = np.zeros(total, dtype=np.int8)
        premium = rng.random(total) < 0.2
        plan[premium] = rng.choice([1, 2, 3, 4], size=int(premium.sum()), p=[.35, .3, .15, .2])
        plan[: L.s] = 3
        for idx in L.growth.values():
            plan[idx] = 3
        plan[[L.long_a, L.long_b, L.sse_a, L.sse_b]] = 0
        self.plan = plan
        self.big = np.zeros(total, dtype=bool)
        self.big[: L.s] = True
        self.big[list(L.growth.values())] = True
        self.allow_inmail = rng.random(total) >= 0.05
        r = rng.random(total)
        self.inmail_from = np.where(r < 0.85, 0, np.where(r < 0.95, 1, 2)).astype(np.int8)
        self.open_profile = (plan > 0) & (rng.random(total) < 0.05)
        self.read_receipts = rng.random(total) >= 0.1
        for idx in [*range(L.s), *L.growth.values(), L.long_a, L.long_b, L.sse_a, L.sse_b]:
            self.allow_inmail[idx], self.inmail_from[idx] = True, 0
        self.open_profile[: L.s] = False
        self.first = rng.integers(0, len(FIRST), total)
        self.last = rng.integers(0, len(LAST), total)
        self.attr = rng.integers(0, 1 << 30, total)
        anchor = self.now_ms - rng.integers(1, 26, total) * DAY_MS - rng.integers(0, DAY_MS, total)
        self.anchor = np.where(plan > 0, anchor, -1)
        self.heavy = (np.arange(total) % 20 == 7) & (np.arange(total) < L.n)
        self.deliverable = (self.allow_inmail & (self.inmail_from <= 1) & ~self.open_profile)

    # -- connections
    def connections(self) -> None:
        L, rng = self.L, self.rng
        n = L.n
        per = 25
        i = np.repeat(np.arange(n, dtype=np.int64), per)
        d = rng.integers(1, WINDOW + 1, size=n * per)
        j = (i + d) % n
        a, b = np.minimum(i, j), np.maximum(i, j)
        und = np.unique(a * n + b)
        ea, eb = und // n, und % n
        extra = np.array([[L.long_a, L.long_b], [L.sse_a, L.sse_b]], dtype=np.int64)
        self.edges = (np.concatenate([ea, extra[:, 0]]), np.concatenate([eb, extra[:, 1]]))
        tot = L.total
        src = np.concatenate([self.edges[0], self.edges[1]])
        dst = np.concatenate([self.edges[1], self.edges[0]])
        key = np.sort(src * tot + dst)
        self.conn_src, self.conn_dst = key // tot, key % tot

    def conn_created(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """The same time in both directions: a hash of the pair."""
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        h = (lo * 2_654_435_761 + hi * 40_503) % (700 * DAY_MS // 1000)
        return self.now_ms - 30 * DAY_MS - h * 1000

    # -- text pools
    def pools(self) -> None:
        p = self.prng
        self.inmail_bodies = [corpus.inmail_body(p) for _ in range(INMAIL_BODY_POOL)]
        self.message_bodies = [corpus.message_body(p) for _ in range(MESSAGE_BODY_POOL)]
        self.subjects = [corpus.subject(p) for _ in range(300)]
        self.subject_keys = [insight_rules.normalize_subject(s) for s in self.subjects]

    def fingerprints(self) -> None:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            self.body_fp = list(pool.map(_signature, self.inmail_bodies, chunksize=50))

    # -- InMails
    def inmails(self) -> None:
        L, rng, now = self.L, self.rng, self.now_ms
        n_reg = self.scale.inmails
        premium = np.flatnonzero((self.plan[: L.n] > 0) & (np.arange(L.n) >= L.s))
        heavy_prem = premium[self.heavy[premium]]
        n_heavy = int(n_reg * 0.4) if len(heavy_prem) else 0
        senders = np.concatenate([rng.choice(heavy_prem, n_heavy) if n_heavy else
                                  np.empty(0, np.int64),
                                  rng.choice(premium, n_reg - n_heavy)])
        recips = rng.integers(0, L.n, n_reg)
        recips = np.where(recips == senders, (recips + 1) % L.n, recips)
        sent = now - rng.integers(HOUR_MS, 180 * DAY_MS, n_reg)
        parts = [(senders, recips, sent, False)]
        # growth senders: at the default daily limit (100 a day) going back from now, so the
        # 100,000-InMail sender has ~700 in the bulk window and 2.7 years behind it; bench
        # senders: 20 in the last 6 days. All to the history pool.
        hist = np.arange(L.history_lo, L.history_hi)
        for size, idx in L.growth.items():
            r = hist[(rng.integers(0, len(hist)) + np.arange(size)) % len(hist)]
            spacing = DAY_MS // GROWTH_PER_DAY
            parts.append((np.full(size, idx), r, now - HOUR_MS - np.arange(size) * spacing
                          - rng.integers(0, spacing // 2, size), True))
        bs = np.repeat(np.arange(L.s), BENCH_HISTORY)
        parts.append((bs, rng.choice(hist, len(bs)),
                      now - rng.integers(HOUR_MS, 6 * DAY_MS, len(bs)), True))
        sender = np.concatenate([p[0] for p in parts]).astype(np.int64)
        recipient = np.concatenate([p[1] for p in parts]).astype(np.int64)
        sent = np.concatenate([p[2] for p in parts]).astype(np.int64)
        special = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
        k = len(sender)
        age = now - sent
        # statuses: responses get likelier with age; special histories never get replies
        r = rng.random(k)
        fresh = age < 3 * DAY_MS
        status = np.select(
            [r < np.where(fresh, .55, .33), r < np.where(fresh, .8, .58),
             r < np.where(fresh, .88, .71), r < np.where(fresh, .94, .82)],
            [0, 1, 2, 3], default=4).astype(np.int8)
        status = np.where(special & (status == 4), 2, status).astype(np.int8)
        opened = np.where(status >= 1,
                          sent + np.minimum(rng.exponential(12 * HOUR_MS, k).astype(np.int64),
                                            np.maximum(age - 2000, 1) // 2), -1)
        responded = np.where(status >= 2,
                             opened + np.minimum(rng.exponential(10 * HOUR_MS, k)
                                                 .astype(np.int64),
                                                 np.maximum(now - opened - 1000, 1)), -1)
        order = np.argsort(sent, kind="stable")
        self.im = InMails(
            sender=sender[order], recipient=recipient[order], sent=sent[order],
            opened=opened[order], responded=responded[order], status=status[order],
            subject=rng.integers(0, len(self.subjects), k)[order],
            body=rng.integers(0, INMAIL_BODY_POOL, k)[order],
            purpose=rng.choice(len(corpus.PURPOSES), k, p=corpus.PURPOSE_WEIGHTS)[order])

    # -- message conversations
    def message_conversations(self) -> None:
        L, rng, now = self.L, self.rng, self.now_ms
        ea, eb = self.edges
        regular = ea < L.n
        ea, eb = ea[regular], eb[regular]
        # the scale's message count includes the regular InMails' bodies and replies (the
        # growth members' histories come on top)
        replies = int((self.im.status == 4).sum())  # only regular InMails get replies
        target_msgs = max(1000, self.scale.messages - self.scale.inmails - replies)
        n_conv = min(len(ea) // 2, target_msgs // 4)
        touching = np.flatnonzero(self.heavy[ea] | self.heavy[eb])
        n_heavy = min(len(touching), int(n_conv * 0.6))
        pick = np.concatenate([rng.choice(touching, n_heavy, replace=False),
                               rng.choice(len(ea), n_conv - n_heavy, replace=False)])
        pick = np.unique(pick)
        a, b = ea[pick], eb[pick]
        # plus the long conversation and the SSE pair's conversation
        a = np.concatenate([a, [L.long_a, L.sse_a]])
        b = np.concatenate([b, [L.long_b, L.sse_b]])
        c = len(a)
        counts = 1 + rng.geometric(1 / 3.5, c) - 1
        counts = np.maximum(counts, 1)
        counts[-2] = LONG_CONVERSATION
        counts[-1] = 3
        start_age = rng.integers(2 * HOUR_MS, 180 * DAY_MS, c)
        start_age[-2] = 60 * DAY_MS
        start_age[-1] = DAY_MS
        start = now - start_age
        total = int(counts.sum())
        conv = np.repeat(np.arange(c), counts)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        gaps = rng.exponential(6 * HOUR_MS, total).astype(np.int64) + 1000
        # the long conversation: evenly spread over its 60 days
        lo = offsets[-2]
        gaps[lo:lo + LONG_CONVERSATION] = (60 * DAY_MS - HOUR_MS) // LONG_CONVERSATION
        cum = np.cumsum(gaps)
        first_gap = cum[offsets]
        rel = cum - np.repeat(first_gap, counts)  # 0 for each conversation's first message
        span = rel[offsets + counts - 1]
        # squeeze conversations that would run into the future
        room = np.maximum(now - 1000 - start, 1)
        factor = np.where(span > room, room / np.maximum(span, 1), 1.0)
        ts = start[conv] + (rel * factor[conv]).astype(np.int64)
        sender_is_a = rng.random(total) < 0.5
        sender_is_a[lo:lo + LONG_CONVERSATION] = np.arange(LONG_CONVERSATION) % 2 == 0
        self.mc = {"a": a, "b": b, "counts": counts, "offsets": offsets, "start": start,
                   "conv": conv, "ts": ts,
                   "sender": np.where(sender_is_a, a[conv], b[conv]),
                   "body": rng.integers(0, MESSAGE_BODY_POOL, total)}

    # -- all conversations and messages, in time order
    def assemble(self) -> None:
        rng, im, mc = self.rng, self.im, self.mc
        n_mc, n_im = len(mc["a"]), len(im.sender)
        # conversations: message ones then InMail ones, sorted by creation time
        created = np.concatenate([mc["start"], im.sent])
        order = np.argsort(created, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self.conv_created = created[order]
        self.conv_ids = ulids(self.conv_created, rng)
        self.conv_is_inmail = order >= n_mc
        self.conv_src = order  # index into (mc then im)
        mc_rank, im_rank = rank[:n_mc], rank[n_mc:]
        self.im_conv = im_rank
        self.mc_conv = mc_rank
        # messages: message conversations, InMail bodies, replies
        replied = np.flatnonzero(im.status == 4)
        m_conv = np.concatenate([mc_rank[mc["conv"]], im_rank, im_rank[replied]])
        m_ts = np.concatenate([mc["ts"], im.sent, im.responded[replied]])
        m_sender = np.concatenate([mc["sender"], im.sender, im.recipient[replied]])
        # body: message pool index, or MESSAGE_BODY_POOL + InMail body index
        m_body = np.concatenate([mc["body"], MESSAGE_BODY_POOL + im.body,
                                 rng.integers(0, MESSAGE_BODY_POOL, len(replied))])
        morder = np.argsort(m_ts, kind="stable")
        self.msg_conv, self.msg_ts = m_conv[morder], m_ts[morder]
        self.msg_sender, self.msg_body = m_sender[morder], m_body[morder]
        self.msg_ids = ulids(self.msg_ts, rng)
        # last message of each conversation: group positions by conversation (a stable sort
        # keeps time order inside each group) and take each group's end
        last = np.full(len(order), -1, dtype=np.int64)
        conv_sorted = np.argsort(self.msg_conv, kind="stable")
        ends = np.flatnonzero(np.diff(np.concatenate([self.msg_conv[conv_sorted], [-1]])) != 0)
        last[self.msg_conv[conv_sorted[ends]]] = conv_sorted[ends]
        self.conv_last = last
        self.conv_updated = self.msg_ts[last]
        self.conv_last_sender = self.msg_sender[last]
        # the InMail each InMail conversation holds, and the message conversation's pair
        self.conv_im = np.full(len(order), -1, dtype=np.int64)
        self.conv_im[im_rank] = np.arange(n_im)
        self.conv_a = np.empty(len(order), dtype=np.int64)
        self.conv_b = np.empty(len(order), dtype=np.int64)
        self.conv_a[mc_rank], self.conv_b[mc_rank] = mc["a"], mc["b"]
        self.conv_a[im_rank], self.conv_b[im_rank] = im.sender, im.recipient
        self.im_ids = ulids(im.sent, rng)
        self.long_conv = int(mc_rank[-2])
        self.sse_conv = int(mc_rank[-1])

    def generate(self, progress: Callable[[str], None]) -> None:
        for name, step in [("members", self.members), ("connections", self.connections),
                           ("text pools", self.pools), ("fingerprints", self.fingerprints),
                           ("InMails", self.inmails),
                           ("conversations", self.message_conversations),
                           ("messages", self.assemble)]:
            progress(name)
            step()


# ---------------------------------------------------------------------------------------------
# rows


CHUNK = 50_000


def _chunks(n: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, size):
        yield lo, min(n, lo + size)


class Rows:
    """Row iterators per table (lists of tuples, CHUNK rows at a time)."""

    def __init__(self, g: Generator, pw_hash: str) -> None:
        self.g = g
        self.pw_hash = pw_hash
        self.ids = g.m_id_list
        self.skill_json = [json.dumps(sorted({SKILLS[(k * 7 + j * 5) % len(SKILLS)]
                                              for j in range(3)}))
                           for k in range(len(SKILLS) * 8)]

    def members(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g, L = self.g, self.g.L
        cols = ["id", "email", "password_hash", "full_name", "search_text", "headline",
                "company", "title", "location", "industry", "skills", "status", "is_admin",
                "created_at", "plan", "plan_anchor_at", "next_grant_at", "credit_balance",
                "ledger_seq", "next_expiry_at", "restricted_until", "inmail_capped_until",
                "low_response_warned_at", "allow_inmail", "inmail_from", "open_profile",
                "email_notifications", "read_receipts"]
        froms = ["anyone", "premium_members", "network"]
        specials = {idx: f"growth-{size}" for size, idx in L.growth.items()}
        specials.update({L.long_a: "long-a", L.long_b: "long-b", L.sse_a: "sse-a",
                         L.sse_b: "sse-b"})

        def it() -> Iterator[list[tuple[Any, ...]]]:
            for lo, hi in _chunks(L.total):
                created = ts_text(g.m_created[lo:hi])
                rows = []
                for k, idx in enumerate(range(lo, hi)):
                    attr = int(g.attr[idx])
                    name = f"{FIRST[g.first[idx]]} {LAST[g.last[idx]]}"
                    company = COMPANIES[attr % len(COMPANIES)]
                    title = TITLES[(attr >> 5) % len(TITLES)]
                    headline = f"{title} at {company}"
                    plan = PLANS[g.plan[idx]]
                    email = (f"{specials[idx]}@bench.inroad.test" if idx in specials
                             else f"m{idx}@bench.inroad.test")
                    if plan == "free":
                        anchor = nxt = expiry = None
                        balance = seq = 0
                    else:
                        a = to_dt(int(g.anchor[idx]))
                        anchor = a.replace(tzinfo=None).isoformat(" ", "microseconds")
                        nxt = credit_rules.next_grant_at(a, to_dt(g.now_ms)).replace(
                            tzinfo=None).isoformat(" ", "microseconds")
                        balance, seq = PLAN_CREDITS[plan], 1
                        exp = a + timedelta(days=GRANT_LOT_DAYS)
                        if g.big[idx]:
                            balance, seq = balance + BIG_CREDITS, 2
                        expiry = exp.replace(tzinfo=None).isoformat(" ", "microseconds")
                    rows.append((
                        self.ids[idx], email, self.pw_hash, name,
                        search_text(name, headline, company, title), headline, company, title,
                        LOCATIONS[(attr >> 9) % len(LOCATIONS)],
                        INDUSTRIES[(attr >> 14) % len(INDUSTRIES)],
                        self.skill_json[(attr >> 18) % len(self.skill_json)], "active", False,
                        created[k], plan, anchor, nxt, balance, seq, expiry, None, None, None,
                        bool(g.allow_inmail[idx]), froms[g.inmail_from[idx]],
                        bool(g.open_profile[idx]), True, bool(g.read_receipts[idx])))
                yield rows
        return cols, L.total, it()

    def credits(self) -> dict[str, tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]]:
        g = self.g
        premium = np.flatnonzero(g.plan > 0)
        lots, ledger, grants = [], [], []
        rng = g.rng
        lot_ids = dec(ulids(g.anchor[premium], rng))
        led_ids = dec(ulids(g.anchor[premium], rng))
        now = to_dt(g.now_ms)
        for k, idx in enumerate(premium.tolist()):
            a = to_dt(int(g.anchor[idx]))
            at = a.replace(tzinfo=None).isoformat(" ", "microseconds")
            exp = (a + timedelta(days=GRANT_LOT_DAYS)).replace(tzinfo=None).isoformat(
                " ", "microseconds")
            amount = PLAN_CREDITS[PLANS[g.plan[idx]]]
            mid = self.ids[idx]
            lots.append((lot_ids[k], mid, "grant", amount, amount, at, exp))
            ledger.append((led_ids[k], mid, 1, "grant", amount, amount, lot_ids[k],
                           f"period:{a.date().isoformat()}", at))
            grants.append((mid, at, amount, at))
            if g.big[idx]:
                lot_id, led_id = dec(ulids(np.array([g.now_ms - DAY_MS]), rng))[0], \
                    dec(ulids(np.array([g.now_ms - DAY_MS]), rng))[0]
                when = now - timedelta(days=1)
                at2 = when.replace(tzinfo=None).isoformat(" ", "microseconds")
                exp2 = (when + timedelta(days=365)).replace(tzinfo=None).isoformat(
                    " ", "microseconds")
                lots.append((lot_id, mid, "adjustment", BIG_CREDITS, BIG_CREDITS, at2, exp2))
                ledger.append((led_id, mid, 2, "adjustment", BIG_CREDITS, amount + BIG_CREDITS,
                               lot_id, "admin:bench:credits", at2))

        def one(rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
            for lo, hi in _chunks(len(rows)):
                yield rows[lo:hi]

        return {
            "credit_lots": (["id", "member_id", "source", "amount", "remaining", "created_at",
                             "expires_at"], len(lots), one(lots)),
            "credit_ledger": (["id", "member_id", "seq", "kind", "amount", "balance_after",
                               "lot_id", "ref", "created_at"], len(ledger), one(ledger)),
            "credit_grants": (["member_id", "period_start", "credits", "created_at"],
                              len(grants), one(grants)),
        }

    def connections(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g = self.g
        n = len(g.conn_src)

        def it() -> Iterator[list[tuple[Any, ...]]]:
            ids = self.ids
            for lo, hi in _chunks(n, 200_000):
                src, dst = g.conn_src[lo:hi], g.conn_dst[lo:hi]
                created = ts_text(g.conn_created(src, dst))
                yield [(ids[a], ids[b], c) for a, b, c in zip(src.tolist(), dst.tolist(),
                                                                created, strict=True)]
        return ["member_id", "other_id", "created_at"], n, it()

    def conversations(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g = self.g
        n = len(g.conv_ids)

        def it() -> Iterator[list[tuple[Any, ...]]]:
            ids = self.ids
            for lo, hi in _chunks(n):
                cids = dec(g.conv_ids[lo:hi])
                created = ts_text(g.conv_created[lo:hi])
                last = dec(g.msg_ids[g.conv_last[lo:hi]])
                rows = []
                for k, c in enumerate(range(lo, hi)):
                    if g.conv_is_inmail[c]:
                        im = g.conv_im[c]
                        rows.append((cids[k], "inmail", None, g.subjects[g.im.subject[im]],
                                     created[k], last[k]))
                    else:
                        a, b = ids[g.conv_a[c]], ids[g.conv_b[c]]
                        key = f"{a}:{b}" if a < b else f"{b}:{a}"
                        rows.append((cids[k], "message", key, None, created[k], last[k]))
                yield rows
        return ["id", "kind", "pair_key", "subject", "created_at", "last_message_id"], n, it()

    def messages(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g = self.g
        n = len(g.msg_ids)
        texts = g.message_bodies + g.inmail_bodies

        def it() -> Iterator[list[tuple[Any, ...]]]:
            ids = self.ids
            for lo, hi in _chunks(n, 100_000):
                mids = dec(g.msg_ids[lo:hi])
                cids = dec(g.conv_ids[g.msg_conv[lo:hi]])
                created = ts_text(g.msg_ts[lo:hi])
                yield [(m, c, ids[s], texts[b], t) for m, c, s, b, t in zip(
                    mids, cids, g.msg_sender[lo:hi].tolist(), g.msg_body[lo:hi].tolist(),
                    created, strict=True)]
        return ["id", "conversation_id", "sender_id", "body", "created_at"], n, it()

    def inbox(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g = self.g
        c = len(g.conv_ids)
        member = np.concatenate([g.conv_a, g.conv_b])
        conv = np.concatenate([np.arange(c), np.arange(c)])
        other = np.concatenate([g.conv_b, g.conv_a])
        order = np.lexsort((conv, member))
        member, conv, other = member[order], conv[order], other[order]
        rng = g.rng
        n = len(member)
        # unread: the recipient of the last message, sometimes; InMails never opened: 1
        last_sender = g.conv_last_sender[conv]
        unread = np.where((last_sender != member) & (rng.random(n) < 0.3),
                          rng.integers(1, 4, n), 0)
        im = g.conv_im[conv]
        is_im = im >= 0
        status = np.where(is_im, g.im.status[np.maximum(im, 0)], -1)
        recipient_side = is_im & (member == g.im.recipient[np.maximum(im, 0)])
        unread = np.where(is_im, np.where(recipient_side & (status == 0), 1, 0), unread)
        archived = rng.random(n) < 0.03
        archived = np.where(is_im & recipient_side & (status == 3), rng.random(n) < 0.5,
                            archived)
        # growth mailboxes stay in the primary folder, so their sizes are what they say
        archived[np.isin(member, list(g.L.growth.values()))] = False

        def it() -> Iterator[list[tuple[Any, ...]]]:
            ids = self.ids
            for lo, hi in _chunks(n, 100_000):
                cids = dec(g.conv_ids[conv[lo:hi]])
                upd = ts_text(g.conv_updated[conv[lo:hi]])
                kinds = np.where(is_im[lo:hi], "inmail", "message").tolist()
                yield [(ids[m], ci, ids[o], k, bool(ar), int(u), t) for m, ci, o, k, ar, u, t in
                       zip(member[lo:hi].tolist(), cids, other[lo:hi].tolist(), kinds,
                           archived[lo:hi].tolist(), unread[lo:hi].tolist(), upd, strict=True)]
        return ["member_id", "conversation_id", "other_id", "kind", "archived", "unread_count",
                "updated_at"], n, it()

    def inmails(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g, im = self.g, self.g.im
        n = len(im.sender)

        def it() -> Iterator[list[tuple[Any, ...]]]:
            ids = self.ids
            for lo, hi in _chunks(n):
                iids = dec(g.im_ids[lo:hi])
                cids = dec(g.conv_ids[g.im_conv[lo:hi]])
                sent = ts_text(im.sent[lo:hi])
                opened = ts_text(np.maximum(im.opened[lo:hi], 0))
                resp = ts_text(np.maximum(im.responded[lo:hi], 0))
                rows = []
                for k, i in enumerate(range(lo, hi)):
                    st = int(im.status[i])
                    rows.append((iids[k], cids[k], ids[im.sender[i]], ids[im.recipient[i]],
                                 g.subjects[im.subject[i]], g.inmail_bodies[im.body[i]],
                                 corpus.PURPOSES[im.purpose[i]], 1, STATUS[st], sent[k],
                                 opened[k] if st >= 1 else None,
                                 resp[k] if st >= 2 else None, st >= 2))
                yield rows
        return ["id", "conversation_id", "sender_id", "recipient_id", "subject", "body",
                "purpose", "cost", "status", "sent_at", "opened_at", "responded_at",
                "refunded"], n, it()

    def recent(self) -> np.ndarray:
        g = self.g
        recent = np.flatnonzero(g.im.sent >= g.now_ms - FINGERPRINT_WINDOW_DAYS * DAY_MS)
        return recent[np.argsort(g.im.sent[recent], kind="stable")]

    def signatures(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        g, im = self.g, self.g.im
        recent = self.recent()

        def it() -> Iterator[list[tuple[Any, ...]]]:
            ids = self.ids
            for lo, hi in _chunks(len(recent)):
                sel = recent[lo:hi]
                iids = dec(g.im_ids[sel])
                sent = ts_text(im.sent[sel])
                yield [(iid, ids[s], ids[r], g.body_fp[b], t) for iid, s, r, b, t in zip(
                    iids, im.sender[sel].tolist(), im.recipient[sel].tolist(),
                    im.body[sel].tolist(), sent, strict=True)]
        return ["inmail_id", "sender_id", "recipient_id", "signature", "created_at"], \
            len(recent), it()

    def insight_counts(self) -> tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]:
        """Exactly what services.insights counts: per sender and day of sending, dims all,
        subject and purpose; platform ("*") rows for all and purpose."""
        g, im = self.g, self.g.im
        day0 = int(im.sent.min()) // DAY_MS
        day = im.sent // DAY_MS - day0
        nd = int(day.max()) + 1
        opened = (im.status >= 1) & g.read_receipts[im.recipient]
        fields = {
            "sent": np.ones(len(day)), "delivered": np.ones(len(day)),
            "rejected": np.zeros(len(day)),
            "opened": opened.astype(float),
            "accepted": (im.status == 2).astype(float),
            "declined": (im.status == 3).astype(float),
            "replied": (im.status == 4).astype(float),
            "credits_spent": np.ones(len(day)),
            "credits_refunded": (im.status >= 2).astype(float),
            "response_hours_total": np.where(im.status >= 2,
                                             (im.responded - im.sent) / HOUR_MS, 0.0),
        }
        n_subj = len(g.subjects)
        n_purp = len(corpus.PURPOSES)
        subj_key = np.array([g.subject_keys.index(k) for k in g.subject_keys])[im.subject]
        groups = [
            ("all", (im.sender * nd + day), lambda k: (k // nd, k % nd, "")),
            ("subject", (im.sender * nd + day) * n_subj + subj_key,
             lambda k: (k // n_subj // nd, k // n_subj % nd, g.subject_keys[k % n_subj])),
            ("purpose", (im.sender * nd + day) * n_purp + im.purpose,
             lambda k: (k // n_purp // nd, k // n_purp % nd, corpus.PURPOSES[k % n_purp])),
            ("p_all", day.copy(), lambda k: (-1, k, "")),
            ("p_purpose", day * n_purp + im.purpose,
             lambda k: (-1, k // n_purp, corpus.PURPOSES[k % n_purp])),
        ]
        names = list(fields)
        out: list[tuple[Any, ...]] = []
        for dim, keys, split in groups:
            uniq, inv = np.unique(keys, return_inverse=True)
            sums = {f: np.bincount(inv, weights=w, minlength=len(uniq))
                    for f, w in fields.items()}
            dim_name = dim.removeprefix("p_")
            days = {}
            for pos, key in enumerate(uniq.tolist()):
                member, d, value = split(key)
                if d not in days:
                    days[d] = ts_text(np.array([(day0 + d) * DAY_MS]))[0]
                mid = "*" if member == -1 else self.ids[member]
                row = [mid, days[d], dim_name, value]
                for f in names:
                    v = sums[f][pos]
                    row.append(float(v) if f == "response_hours_total" else round(float(v)))
                out.append(tuple(row))
        out.sort(key=lambda r: r[:4])

        def it() -> Iterator[list[tuple[Any, ...]]]:
            for lo, hi in _chunks(len(out)):
                yield out[lo:hi]
        return ["member_id", "day", "dim", "dim_value", *names], len(out), it()

    def tokens(self, members: Sequence[int]) -> tuple[list[str], int,
                                                      Iterator[list[tuple[Any, ...]]]]:
        g = self.g
        members = sorted(set(members))
        created = ts_text(np.array([g.now_ms]))[0]
        expires = ts_text(np.array([g.now_ms + 365 * DAY_MS]))[0]
        tids = dec(ulids(np.full(len(members), g.now_ms), g.rng))

        def it() -> Iterator[list[tuple[Any, ...]]]:
            for lo, hi in _chunks(len(members)):
                yield [(tids[k], self.ids[m], hashlib.sha256(token(g, m).encode()).hexdigest(),
                        "api", created, expires) for k, m in enumerate(members[lo:hi], lo)]
        return ["id", "member_id", "token_hash", "kind", "created_at", "expires_at"], \
            len(members), it()


def token(g: Generator, idx: int) -> str:
    return f"bench-{g.salt}-{idx}"


# ---------------------------------------------------------------------------------------------
# writers


class SQLiteWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        c = self.conn
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=OFF")
        c.execute("PRAGMA cache_size=-1000000")
        c.execute("PRAGMA temp_store=MEMORY")
        c.execute("PRAGMA foreign_keys=OFF")
        # Indexes and triggers (the inbox versions: no row reads as version 0) come back
        # after the load.
        self.saved = c.execute("SELECT name, sql, type FROM sqlite_master WHERE type IN "
                               "('index', 'trigger') AND sql IS NOT NULL").fetchall()
        for name, _, kind in self.saved:
            c.execute(f'DROP {kind.upper()} "{name}"')

    def columns(self, table: str) -> list[tuple[str, bool, bool]]:
        # (name, not null, filled without a value: a default, or the rowid alias)
        return [(r[1], bool(r[3]), r[4] is not None or (r[5] == 1 and r[2] == "INTEGER"))
                for r in self.conn.execute(f'PRAGMA table_info("{table}")')]

    def write(self, table: str, cols: list[str], chunks: Iterator[list[tuple[Any, ...]]],
              advance: Callable[[int], None]) -> None:
        sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
        self.conn.execute("BEGIN")
        for rows in chunks:
            self.conn.executemany(sql, rows)
            advance(len(rows))
        self.conn.execute("COMMIT")

    def finish(self, advance: Callable[[str], None]) -> None:
        for name, sql, _ in self.saved:
            advance(name)
            self.conn.execute(sql)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()

    def indexes(self) -> int:
        return len(self.saved)


class PostgresWriter:
    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                    autocommit=True)
        c = self.conn
        c.execute("SET session_replication_role = replica")  # no FK triggers while loading
        c.execute("SET synchronous_commit = off")
        c.execute("SET maintenance_work_mem = '1GB'")
        self.saved = c.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
            "indexname NOT IN (SELECT conname FROM pg_constraint)").fetchall()
        for name, _ in self.saved:
            c.execute(f'DROP INDEX "{name}"')

    def columns(self, table: str) -> list[tuple[str, bool, bool]]:
        rows = self.conn.execute(
            "SELECT column_name, is_nullable = 'NO', column_default IS NOT NULL FROM "
            "information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
            (table,)).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def write(self, table: str, cols: list[str], chunks: Iterator[list[tuple[Any, ...]]],
              advance: Callable[[int], None]) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur, cur.copy(
                f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as cp:
            for rows in chunks:
                for row in rows:
                    cp.write_row(row)
                advance(len(rows))

    def finish(self, advance: Callable[[str], None]) -> None:
        for name, sql in self.saved:
            advance(name)
            self.conn.execute(sql)
        advance("VACUUM ANALYZE")
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()

    def indexes(self) -> int:
        return len(self.saved) + 1


# ---------------------------------------------------------------------------------------------
# building


def db_url(db: str, scale: Scale, data_dir: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{(data_dir / f'{scale.name}.sqlite').resolve()}"
    return f"{PG_BASE}inroad_bench_{scale.name}"


def fresh_database(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _check_columns(writer: Any, table: str, cols: list[str]) -> None:
    """Fail loudly when a migration added a required column this loader does not fill."""
    have = writer.columns(table)
    missing = [name for name, notnull, default in have
               if notnull and not default and name not in cols]
    unknown = [c for c in cols if c not in {h[0] for h in have}]
    if missing or unknown:
        raise SystemExit(f"bench/dataset.py is out of date for table {table}: "
                         f"required columns not filled {missing}, unknown columns {unknown}")


def build(scale: Scale, db: str, data_dir: Path, console: Console | None = None) -> dict[str, Any]:
    """Build the dataset; returns the manifest (also written to `<data_dir>/<scale>-<db>.json`)."""
    console = console or Console(stderr=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    url = db_url(db, scale, data_dir)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    fresh_database(db, url)
    database = Database(url)
    upgrade(database.engine)
    database.dispose()

    g = Generator(scale)
    pw_hash = Passwords(1, 1024).hash(PASSWORD)
    columns = [TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=False) as progress:
        gen_task = progress.add_task("generate", total=7)
        t0 = time.perf_counter()

        def step(name: str) -> None:
            progress.update(gen_task, description=f"generate: {name}", advance=1)
        g.generate(step)
        progress.update(gen_task, description="generate", completed=7)
        timings["generate"] = time.perf_counter() - t0

        rows = Rows(g, pw_hash)
        L = g.L
        token_members = _token_members(g)
        tables: list[tuple[str, tuple[list[str], int, Iterator[list[tuple[Any, ...]]]]]] = [
            ("members", rows.members()), ("auth_tokens", rows.tokens(token_members)),
            ("connections", rows.connections()), *rows.credits().items(),
            ("conversations", rows.conversations()), ("messages", rows.messages()),
            ("inbox_entries", rows.inbox()), ("inmails", rows.inmails()),
            ("inmail_fingerprints", rows.signatures()),
            ("insight_counts", rows.insight_counts())]
        writer: SQLiteWriter | PostgresWriter = (
            SQLiteWriter(Path(url.removeprefix("sqlite:///"))) if db == "sqlite"
            else PostgresWriter(url))
        tasks = {name: progress.add_task(name, total=spec[1], start=False)
                 for name, spec in tables}
        counts: dict[str, int] = {}
        for name, (cols, total, chunks) in tables:
            _check_columns(writer, name, cols)
            progress.start_task(tasks[name])
            t0, cpu0 = time.perf_counter(), time.process_time()
            writer.write(name, cols, chunks,
                         lambda k, task=tasks[name]: progress.advance(task, k))
            timings[name] = time.perf_counter() - t0
            timings[f"{name}_cpu"] = time.process_time() - cpu0
            counts[name] = total
        idx_task = progress.add_task("indexes", total=writer.indexes())
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        writer.finish(lambda name: progress.update(idx_task, advance=1,
                                                   description=f"index {name}"[:22]))
        progress.update(idx_task, description="indexes")
        timings["indexes"] = time.perf_counter() - t0
        timings["indexes_cpu"] = time.process_time() - cpu0

    manifest = _manifest(g, url, db, scale, counts, timings, time.perf_counter() - started, L)
    manifest["long_conversation"]["deep_cursor"] = _deep_cursor(url, manifest)
    path = data_dir / f"{scale.name}-{db}.json"
    path.write_text(json.dumps(manifest))
    return manifest


def _token_members(g: Generator) -> list[int]:
    L = g.L
    members = set(range(L.s))
    members.update(np.flatnonzero(g.heavy).tolist()[: g.scale.max_tokens // 2])
    premium = np.flatnonzero((g.plan[: L.n] > 0) & (np.arange(L.n) >= L.s))
    members.update(premium[: g.scale.max_tokens // 4].tolist())
    members.update(_insight_senders(g))
    members.update([*L.growth.values(), L.long_a, L.long_b, L.sse_a, L.sse_b])
    if L.n <= g.scale.max_tokens:
        members.update(range(L.n))
    return sorted(members)


def _insight_senders(g: Generator, limit: int = 2_000) -> list[int]:
    im, L = g.im, g.L
    recent = im.sent >= g.now_ms - 90 * DAY_MS
    s = im.sender[recent]
    s = s[(s >= L.s) & (s < L.n)]
    counts = np.bincount(s, minlength=L.n)
    top = np.argsort(-counts, kind="stable")[:limit]
    return [int(x) for x in top if counts[x] > 0]


def _manifest(g: Generator, url: str, db: str, scale: Scale, counts: dict[str, int],
              timings: dict[str, float], seconds: float, L: Layout) -> dict[str, Any]:
    rng = random.Random(7)
    ids = g.m_id_list
    tokens = set(_token_members(g))
    clean = [ids[i] for i in range(L.clean_lo, L.clean_hi) if g.deliverable[i]]
    premium_tok = [i for i in tokens if i < L.n and i >= L.s and g.plan[i] > 0]
    heavy_tok = [i for i in np.flatnonzero(g.heavy).tolist() if i in tokens]
    # messages: a heavy member and one of its connections
    pairs = []
    starts = np.searchsorted(g.conn_src, heavy_tok)
    ends = np.searchsorted(g.conn_src, heavy_tok, side="right")
    for m, lo, hi in zip(heavy_tok, starts.tolist(), ends.tolist(), strict=True):
        if hi > lo:
            pairs.append([token(g, m), ids[int(g.conn_dst[rng.randrange(lo, hi)])]])
    rng.shuffle(pairs)
    # conversation pages: heavy members' conversations
    conv_pages = []
    heavy_set = set(heavy_tok)
    for c in rng.sample(range(len(g.conv_ids)), min(len(g.conv_ids), 200_000)):
        a = int(g.conv_a[c])
        if a in heavy_set:
            conv_pages.append([token(g, a), g.conv_ids[c].decode()])
            if len(conv_pages) >= 5_000:
                break
    rng.shuffle(premium_tok)
    growth_tokens = {str(size): {"token": token(g, idx), "id": ids[idx]}
                     for size, idx in L.growth.items()}
    return {
        "scale": asdict(scale), "db": db, "url": url, "built_at": to_dt(g.now_ms).isoformat(),
        "build_seconds": round(seconds, 1), "timings": {k: round(v, 1) for k, v in
                                                        timings.items()},
        "rows": counts, "members": L.total,
        "inmail_senders": [token(g, i) for i in range(L.s)],
        "clean_recipients": clean,
        "message_pairs": pairs[:5_000],
        "inbox_tokens": [token(g, i) for i in heavy_tok[:5_000]],
        "conversation_pages": conv_pages,
        "premium_tokens": [token(g, i) for i in premium_tok[:5_000]],
        "any_members": rng.sample(ids[: L.n], min(L.n, 5_000)),
        "insight_tokens": [token(g, i) for i in _insight_senders(g)],
        "growth": growth_tokens,
        "mailboxes": list(MAILBOXES), "bulk_senders": list(BULK_SENDERS),
        "long_conversation": {"token": token(g, L.long_a),
                              "id": g.conv_ids[g.long_conv].decode(),
                              "messages": LONG_CONVERSATION, "deep_page": PAGE_DEEP},
        "sse": {"sender_token": token(g, L.sse_a), "sender_id": ids[L.sse_a],
                "recipient_token": token(g, L.sse_b), "recipient_id": ids[L.sse_b]},
    }


def _deep_cursor(url: str, manifest: dict[str, Any]) -> str:
    """The cursor the client holds after reading PAGE_DEEP - 1 pages of 20."""
    from sqlalchemy import text

    from inroad.web import cursors

    lc = manifest["long_conversation"]
    database = Database(url)
    with database.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT created_at, id FROM messages WHERE conversation_id = :c "
            "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET :o"),
            {"c": lc["id"], "o": (lc["deep_page"] - 1) * 20 - 1}).one()
    database.dispose()
    created = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(row[0])
    return cursors.encode(created.replace(tzinfo=UTC) if created.tzinfo is None else created,
                          row[1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=["small", "large"], default="small")
    p.add_argument("--members", type=int, help="any number of regular members instead")
    p.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--data-dir", type=Path, default=Path(os.environ.get(
        "INROAD_BENCH_DATA", "/tmp/inroad-bench")))
    args = p.parse_args()
    console = Console(stderr=True)
    m = build(Scale.of(args.scale, args.members), args.db, args.data_dir, console)
    console.print(f"built {m['url']} in {m['build_seconds']} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in m["rows"].items()))


if __name__ == "__main__":
    main()
