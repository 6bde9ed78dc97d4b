"""Small presentation helpers, registered as Jinja filters and globals by `templates()`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

PURPOSES = {
    "job_seeking": "Job seeking",
    "hiring": "Hiring",
    "introduction": "Introduction",
    "networking": "Networking",
    "sales": "Sales",
    "sharing": "Sharing expertise",
    "other": "Other",
}

STATUSES = {
    "delivered": "Delivered",
    "opened": "Opened",
    "accepted": "Accepted",
    "declined": "Declined",
    "replied": "Replied",
    "pending": "Pending",
    "withdrawn": "Withdrawn",
}

LEDGER_KINDS = {
    "grant": "Monthly grant",
    "purchase": "Purchase",
    "spend": "InMail sent",
    "refund": "Refund",
    "expiry": "Expired",
    "adjustment": "Adjustment",
}

LOT_SOURCES = {"grant": "Monthly grant", "purchase": "Purchased", "refund": "Refund",
               "adjustment": "Adjustment"}

DEGREES = {0: "You", 1: "1st", 2: "2nd", 3: "3rd"}


def initials(name: str | None) -> str:
    parts = [p for p in (name or "").split() if p[:1].isalnum()]
    if not parts:
        return "?"
    first, last = parts[0], parts[-1] if len(parts) > 1 else ""
    return (first[:1] + last[:1]).upper()


def avatar_hue(seed: str | None) -> int:
    """A stable colour slot (0-7) per member, so each face keeps its colour everywhere."""
    return sum((seed or "").encode()) % 8


def money(cents: int | None) -> str:
    cents = cents or 0
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def short_date(dt: datetime | None) -> str:
    return f"{dt.day} {dt:%b %Y}" if dt else "—"


def timestamp(dt: datetime | None) -> str:
    return f"{dt.day} {dt:%b %Y, %H:%M} UTC" if dt else ""


def relative(dt: datetime | None, now: datetime) -> str:
    """Inbox-style times: "now", "5m", "3h", "Tue", "26 Nov", "26 Nov 2025"."""
    if dt is None:
        return ""
    delta = now - dt
    if delta < timedelta(minutes=1):
        return "now"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}m"
    if delta < timedelta(hours=24):
        return f"{int(delta.total_seconds() // 3600)}h"
    if delta < timedelta(days=6):
        return f"{dt:%a}"
    if dt.year == now.year:
        return f"{dt.day} {dt:%b}"
    return f"{dt.day} {dt:%b %Y}"


@pass_context
def _relative(context: Any, dt: datetime | None) -> str:
    return relative(dt, context["now"])


def ref_label(ref: str | None) -> str:
    """Ledger references, readable: "inmail:01J…" → "InMail …K3QZ"."""
    if not ref:
        return ""
    kind, _, rest = ref.partition(":")
    if kind == "period":
        try:
            return f"Month from {short_date(datetime.fromisoformat(rest))}"
        except ValueError:
            return ref
    if kind == "admin":
        return "Adjusted by support"
    label = {"inmail": "InMail", "purchase": "Purchase", "lot": "Credit lot"}.get(kind)
    return f"{label} …{rest[-6:]}" if label else ref


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(TEMPLATES))
    env = t.env
    env.auto_reload = False  # templates ship in the package: no stat() per include
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters.update(initials=initials, hue=avatar_hue, money=money, signed=signed,
                       short_date=short_date, timestamp=timestamp, ref=ref_label,
                       relative=_relative,
                       purpose=lambda p: PURPOSES.get(p, p),
                       status=lambda s: STATUSES.get(s, s.replace("_", " ").capitalize()),
                       ledger_kind=lambda k: LEDGER_KINDS.get(k, k),
                       lot_source=lambda s: LOT_SOURCES.get(s, s),
                       degree=lambda d: DEGREES.get(d, ""))
    env.globals.update(PURPOSES=PURPOSES, plural=plural)
    return t
