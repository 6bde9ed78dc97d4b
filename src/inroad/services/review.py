"""Review a draft InMail before sending (SPEC §7): load both profiles and what they share in the
graph, then let `domain.review` judge. Read-only; nothing is stored.

The English dictionary (pyspellchecker, ~0.6 s to load) is loaded once per process, on the first
review, behind a lock; every later review only looks words up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from inroad.context import Context
from inroad.domain import promotion as promotion_rules
from inroad.domain import review as rules
from inroad.domain.errors import NotFound
from inroad.models import Member
from inroad.store import members as members_store

SHARED_SHOWN = 10
# Enough shared connections to find the ones a draft names; more would cost without helping.
SHARED_LOADED = 50
# Suggestions use edit distance 1: distance 2 can take seconds on a long unknown word.
SUGGEST_MAX_LEN = 24


@dataclass(frozen=True)
class DraftReview:
    score: int
    checks: tuple[rules.Check, ...]
    shared_connections: list[Member]
    company: str | None
    skills: tuple[str, ...]
    groups: tuple[str, ...]


class _Speller:
    def __init__(self) -> None:
        from spellchecker import SpellChecker

        self._checker = SpellChecker(distance=1)

    def unknown(self, words: Iterable[str]) -> set[str]:
        return set(self._checker.unknown(words))

    def suggest(self, word: str) -> str | None:
        return _suggest(self, word)

    def correction(self, word: str) -> str | None:
        if len(word) > SUGGEST_MAX_LEN:
            return None
        found = self._checker.correction(word)
        return str(found) if found else None


@lru_cache(maxsize=4096)
def _suggest(speller: _Speller, word: str) -> str | None:
    return speller.correction(word)


_speller: _Speller | None = None
_speller_lock = threading.Lock()


def speller() -> rules.Speller:
    """The process's spell checker, built on first use."""
    global _speller
    if _speller is None:
        with _speller_lock:
            if _speller is None:
                _speller = _Speller()
    return _speller


def promotion(ctx: Context, subject: str, body: str) -> rules.Promotion:
    """The compliance scorer's verdict on the same text it judges at send time (SPEC §4), so
    the review warns about exactly what sending would refuse."""
    found = promotion_rules.score(f"{subject}\n{body}", ctx.settings.promo_weights)
    return rules.Promotion(found.score, ctx.settings.promo_threshold, tuple(found.phrases()))


def _profile(m: Member) -> rules.Profile:
    return rules.Profile(full_name=m.full_name, company=m.company or "", title=m.title or "",
                         headline=m.headline or "", skills=tuple(m.skills or ()))


def review_draft(ctx: Context, sender_id: str, to_id: str, subject: str,
                 body: str) -> DraftReview:
    with ctx.db.read() as s:
        sender = members_store.get_member(s, sender_id)
        recipient = members_store.get_member(s, to_id)
        if (sender is None or recipient is None or to_id == sender_id
                or recipient.status in ("terminated", "deleted")):
            raise NotFound("This member cannot be found.", code="recipient_not_found")
        shared_ids = members_store.shared_connection_ids(s, sender_id, to_id, SHARED_LOADED)
        shared = sorted(members_store.get_members(s, shared_ids).values(),
                        key=lambda m: (m.full_name.casefold(), m.id))
    me, them = _profile(sender), _profile(recipient)
    ground = rules.find_common_ground(me, them, [m.full_name for m in shared])
    result = rules.review(subject, body, sender=me, recipient=them, ground=ground,
                          speller=speller(), promotion=promotion(ctx, subject, body))
    return DraftReview(result.score, result.checks, shared[:SHARED_SHOWN], ground.company,
                       ground.skills, ground.groups)
