"""Promotional content score (SPEC §4, "commercial solicitation"): transparent on purpose.

A body (with its subject) is matched against phrase classes; each class that matches adds its
configured weight (`settings.promo_weights`), more for repeats (half its weight per repeat, a
quarter for links and amounts) and never more than twice its weight. The InMail is refused at
`settings.promo_threshold`, and the sender is shown exactly which phrases counted. With the
default weights no class reaches the threshold alone (the heaviest, 0.45, is capped at 0.9): a
salary range, a job-posting link or one "thanks!" never refuses an InMail; a mix of sales
signals does (a price with a discount and a "buy now", a link with "limited offer" and urgency).

Classes:

* `link` — URLs, `www.` hosts and bare domains (not e-mail addresses);
* `price` — currency amounts; a range ("$150k-$180k") counts once;
* `discount` — "% off", "discount", "coupon", "promo code", "on sale", "special deal", ...;
* `call_to_buy` — "buy now", "order now", "sign up today", "limited offer", "click here",
  "subscribe", ...;
* `urgency` — "act now", "today only", "last chance", "limited time", "hurry", ...;
* `free_offer` — "free trial", "free gift", "for free", "100% free", ... (not "free to chat",
  "feel free" or "are you free next week");
* `shouting` — at least 4 words in capitals making at least 30% of the words;
* `exclamations` — three or more exclamation marks.

The phrase lists were tuned on the honest corpus of `bench/abuse_sim.py` (recruiters quoting
salaries and linking a posting, networking notes, sales introductions without hard-sell
language); see `bench/RESULTS.md`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

# Each repeat of a class adds half its weight, up to twice its weight; repeated links and
# amounts add only a quarter, because honest InMails do carry two of those (a salary range and a
# sign-on bonus, a job posting and a portfolio) while they never repeat sales language.
REPEAT_STEP = 0.5
REPEAT_STEP_NEUTRAL = 0.25
NEUTRAL = frozenset({"link", "price"})
REPEAT_CAP = 2.0
SHOUT_MIN_WORDS = 4
SHOUT_MIN_SHARE = 0.3
EXCLAMATIONS_MIN = 3
MAX_PHRASES = 12

_NOT_TODAYS = r"(?!['\u2019]\w)"  # "sign up today" but not "join today's call"


def _rx(start: str, *alternatives: str) -> re.Pattern[str]:
    """`start` is a zero-width test that every match of the alternatives passes at its first
    character (tests/domain/test_fast_equivalence.py checks it): the regex engine then skips
    most positions of a text with one test instead of trying each alternative there."""
    return re.compile(start + "(?:" + "|".join(f"(?:{a})" for a in alternatives) + ")",
                      re.IGNORECASE)


_TLDS = "com|net|org|io|co|ai|app|shop|store|biz|info|xyz|ly|me|us|online|site|deals"
_AMOUNT = r"\d[\d,]*(?:\.\d+)?(?:\s?[km]\b)?"
_MONEY = (rf"(?:[$€£¥₹]\s?{_AMOUNT}|\b{_AMOUNT}\s?(?:usd|eur|gbp|dollars|euros|bucks)\b"
          rf"|\b(?:usd|eur|gbp)\s?{_AMOUNT})")

PATTERNS: dict[str, re.Pattern[str]] = {
    "link": _rx(
        r"(?<!\w)(?=[a-z0-9-])",
        r"\bhttps?://[^\s<>\"')]+",
        r"\bwww\.[^\s<>\"')]+",
        rf"(?<![@\w.])(?:[a-z0-9-]+\.)+(?:{_TLDS})(?:/[^\s<>\"')]*)?(?![\w@])",
    ),
    # A range ("$150k - $180k", "$150,000 to 180,000") is one match.
    "price": _rx(r"(?=[\d$€£¥₹ueg])",
                 rf"{_MONEY}(?:\s?(?:-|\u2013|\u2014|to)\s?(?:{_MONEY}|{_AMOUNT}))?"),
    "discount": _rx(
        r"(?<!\w)(?=[\dabcdefghijlnopsuv])",
        r"\b\d{1,3}\s?(?:%|percent)\s+off\b",
        r"\bup to \d{1,3}\s?%",
        r"\bsave (?:up to )?(?:\d{1,3}\s?%|[$€£]\s?\d+|big|now)",
        r"(?<!employee )(?<!staff )(?<!team )\bdiscount(?:s|ed)?\b",
        r"\b(?:promo(?:tional)?|discount|coupon|voucher) codes?\b",
        r"\bcoupons?\b",
        r"\buse (?:the )?code\b",
        r"\b(?:on sale|flash sale|big sale|huge sale|clearance|sale ends)\b",
        r"\b(?:special|exclusive|great|best|amazing|unbeatable|hot|incredible) "
        r"(?:deal|offer|price|pricing)s?\b",
        r"\bdeal of the (?:day|week|month)\b",
        r"\bhalf[- ](?:price|off)\b",
        r"\bbuy one,? get one\b",
        r"\bbogo\b",
        r"\blowest prices?\b",
        r"\b(?:only|just|normally) [$€£]\s?\d+(?:[.,]\d+)*",
        r"\b(?:plans|prices|pricing) start(?:s|ing)? at\b",
        r"\bstarting (?:at|from) [$€£]",
        r"\bblack friday\b",
        r"\bcyber monday\b",
    ),
    "call_to_buy": _rx(
        r"(?<!\w)(?=[abcdgloprstuvy])",
        rf"\bbuy (?:now|today{_NOT_TODAYS}|it now)",
        rf"\border (?:now|today{_NOT_TODAYS}|yours)",
        r"\bshop now\b",
        rf"\bsign up (?:today{_NOT_TODAYS}|now|here)",
        rf"\bregister (?:now|today{_NOT_TODAYS})",
        r"\blimited[- ](?:time )?offers?\b",
        r"\bclick (?:here|the link|below|this link)\b",
        r"\bsubscribe\b",
        r"\badd to (?:your )?cart\b",
        rf"\bpurchase (?:now|today{_NOT_TODAYS})",
        r"\bget (?:yours|it now|your copy)\b",
        r"\bclaim (?:a|your|this|it now)\b",
        r"\b(?:check out|visit) our (?:store|shop|website|site|products?|offers?|catalog)\b",
        r"\bvisit (?:www\.|https?://)",
        r"\byour first (?:order|purchase)\b",
        r"\bstart your (?:free )?trial\b",
        rf"\btry it (?:now|today{_NOT_TODAYS})",
        rf"\bupgrade (?:now|today{_NOT_TODAYS})",
        r"\bcall now\b",
        r"\bdon['\u2019]?t wait\b",
    ),
    "urgency": _rx(
        r"(?<!\w)(?=[\dabdefhlnopstw])",
        rf"\bact (?:now|fast|today{_NOT_TODAYS})",
        r"\btoday only\b",
        r"\blast chance\b",
        r"\blimited[- ]time\b",
        r"\b(?:offer|sale|deal|promotion|discount|price)s? (?:ends?|expires?)\b",
        r"\b(?:ends|expires) (?:tonight|at midnight|soon)\b",
        r"\bhurry\b",
        r"\bwhile (?:supplies|stocks?) last\b",
        r"\bonly \d+ (?:spots|seats|places|units|copies|licen[cs]es) (?:left|remaining)\b",
        r"\b(?:spots|seats|places|stocks?) (?:are )?(?:limited|filling up|running out)\b",
        r"\blimited (?:spots|seats|places|availability|stock)\b",
        r"\bbefore (?:midnight|it sells out|they sell out|it['\u2019]s gone)\b",
        r"\bdon['\u2019]?t miss (?:out|this|it)\b",
        r"\bbefore it['\u2019]?s too late\b",
        r"\bfinal hours?\b",
        r"\bnow or never\b",
        r"\b(?:24|48|72)[- ]hours? only\b",
    ),
    "free_offer": _rx(
        r"(?<!\w)(?=[\dacefgnt$€£])",
        r"\bfree (?:trial|gift|shipping|delivery|consultation|consult|demo|sample|e-?book|"
        r"guide|month|week|audit|quote|download|bonus|webinar|course|report|upgrade|"
        r"credits?|ticket|installation|setup)s?\b",
        r"\b(?:100%|totally|absolutely|completely|entirely) free\b",
        r"\bfor free\b",
        r"\bfree of charge\b",
        r"\bat no (?:extra )?cost\b",
        r"\bno cost to you\b",
        r"\bcomplimentary\b",
        r"\bget (?:a |your |one )?free\b",
        r"\b(?:first|1st) (?:month|week|year|lesson|session|order)s? (?:is |are )?"
        r"(?:100% |totally )?free\b",
        r"(?<!\w)[$€£]0(?![\d.,])",
    ),
}

CLASSES = (*PATTERNS, "shouting", "exclamations")

_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


@dataclass(frozen=True)
class Match:
    kind: str  # one of CLASSES
    phrase: str  # as written in the InMail


@dataclass(frozen=True)
class PromoScore:
    score: float
    matches: tuple[Match, ...]
    counts: Mapping[str, int]  # per matched class, how many times (or how strongly) it matched

    def phrases(self) -> list[str]:
        """The triggering phrases, as written, each once, in class order."""
        seen: set[str] = set()
        out: list[str] = []
        for m in self.matches:
            key = m.phrase.lower()
            if key not in seen:
                seen.add(key)
                out.append(m.phrase)
        return out[:MAX_PHRASES]


def _contribution(kind: str, weight: float, count: int) -> float:
    step = REPEAT_STEP_NEUTRAL if kind in NEUTRAL else REPEAT_STEP
    return weight * min(1 + step * (count - 1), REPEAT_CAP)


def score(text: str, weights: Mapping[str, float]) -> PromoScore:
    """Score a subject + body. Unknown classes in `weights` are ignored; classes missing from
    `weights` weigh 0."""
    matches: list[Match] = []
    counts: dict[str, int] = {}
    for kind, pattern in PATTERNS.items():
        found = [m.group(0).strip() for m in pattern.finditer(text)]
        if found:
            counts[kind] = len(found)
            matches.extend(Match(kind, p) for p in found)
    words = _WORD.findall(text)
    shouted = [w for w in words if w.isupper() and sum(c.isalpha() for c in w) >= 2]
    if words and len(shouted) >= SHOUT_MIN_WORDS and len(shouted) / len(words) >= SHOUT_MIN_SHARE:
        share = len(shouted) / len(words)
        counts["shouting"] = 1 + math.floor((share - SHOUT_MIN_SHARE) * 10 + 1e-9)
        matches.extend(Match("shouting", w) for w in dict.fromkeys(shouted))
    bangs = text.count("!")
    if bangs >= EXCLAMATIONS_MIN:
        counts["exclamations"] = bangs - EXCLAMATIONS_MIN + 1
        matches.append(Match("exclamations", f"{bangs} exclamation marks"))
    total = sum(_contribution(kind, weights.get(kind, 0.0), n) for kind, n in counts.items())
    return PromoScore(score=round(total, 6), matches=tuple(matches), counts=counts)


def is_promotional(result: PromoScore, threshold: float) -> bool:
    return result.score >= threshold
