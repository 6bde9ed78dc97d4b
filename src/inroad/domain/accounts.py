"""Account rules: who may log in and act, and how profiles are searched."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("active", "restricted", "suspended", "terminated")
# Restricted members keep using the product; only InMail sending is blocked (SPEC §4).
CAN_LOG_IN = frozenset({"active", "restricted"})


def can_log_in(status: str) -> bool:
    return status in CAN_LOG_IN


def normalize_email(email: str) -> str:
    return email.strip().lower()


def search_text(full_name: str, headline: str, company: str, title: str = "") -> str:
    return " ".join(part.lower() for part in (full_name, headline, company, title) if part)


def pair_key(a: str, b: str) -> str:
    """The one key for an unordered pair of members."""
    return f"{a}:{b}" if a < b else f"{b}:{a}"


def degree(connected: bool, shared_connections: int) -> int:
    if connected:
        return 1
    return 2 if shared_connections > 0 else 3


@dataclass
class MemberCard:
    """The public face of a member in lists (inbox rows): what a profile card shows, plus the
    two settings a list needs. Built from query columns, far cheaper than an ORM instance, and
    not frozen, which would make it cost seven times more again (one per inbox row)."""

    id: str
    full_name: str
    headline: str | None
    company: str | None
    title: str | None
    location: str | None
    industry: str | None
    skills: list[str] | None
    plan: str
    open_profile: bool
    status: str
    read_receipts: bool


CARD_FIELDS: tuple[str, ...] = tuple(MemberCard.__dataclass_fields__)
