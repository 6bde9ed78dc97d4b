"""The fast per-send computations (similarity, promotion, subject keys) give exactly what the
straightforward versions they replaced gave: stored fingerprints must stay comparable, scores and
subject keys must not move. The old versions are kept here verbatim as the reference."""

# ruff: noqa: RUF001  (look-alike characters, curly quotes and dotless i are the point here)

from __future__ import annotations

import importlib.util
import math
import random
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from re import _compiler as sre_compiler  # type: ignore[attr-defined]
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from inroad.config import Settings
from inroad.domain import promotion, similarity
from inroad.domain.insights import NAME_TOKEN, SUBJECT_MAX, name_variants, normalize_subject

# --- The old similarity.py, verbatim (fingerprint's lru_cache dropped: it only memoizes) ---

SHINGLE_SIZE = 3
SEED = 20261126
SCHEME = "affine32"
FORMAT_VERSION = 1

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*")
_APOSTROPHE = re.compile(r"['\u2019]")
_NOT_WORD = re.compile(r"[^\w\s]+|_")
SALUTATIONS = frozenset({"hi", "hello", "hey", "dear", "greetings", "hiya", "howdy"})


@lru_cache(maxsize=1024)
def _old_merge_fields(recipient_name: str, recipient_company: str) -> re.Pattern[str] | None:
    strip = ".,;:!?()\""
    parts = {recipient_name.strip(), *recipient_name.split(), recipient_company.strip()}
    # Longest first, so the full name goes before its parts.
    words = sorted({p.strip(strip) for p in parts if len(p.strip(strip)) >= 2},
                   key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:['\u2019]s)?(?!\w)", re.IGNORECASE)


def _old_sentences(body: str, recipient_name: str = "",
                   recipient_company: str = "") -> list[list[str]]:
    pattern = _old_merge_fields(recipient_name, recipient_company)
    if pattern is not None:
        body = pattern.sub(" ", body)
    out: list[list[str]] = []
    for raw in _SENTENCE_END.split(body):
        text = _NOT_WORD.sub(" ", _APOSTROPHE.sub("", raw.lower()))
        words = [w for w in text.split() if w not in SALUTATIONS]
        if words:
            out.append(words)
    return out


def _old_normalize(body: str, recipient_name: str = "", recipient_company: str = "") -> str:
    return " ".join(" ".join(words) for words in
                    _old_sentences(body, recipient_name, recipient_company))


def _old_shingles(parts: Sequence[Sequence[str]], k: int = SHINGLE_SIZE) -> set[str]:
    out: set[str] = set()
    for words in parts:
        if len(words) < k:
            out.add(" ".join(words))
            continue
        out.update(" ".join(words[i:i + k]) for i in range(len(words) - k + 1))
    return out


def _old_word_set(parts: Sequence[Sequence[str]]) -> set[str]:
    return {w for words in parts for w in words}


_local = threading.local()


def _old_hasher(num_perm: int) -> MinHash:
    cache: dict[int, MinHash] = _local.__dict__.setdefault("hashers", {})
    m = cache.get(num_perm)
    if m is None:
        m = cache[num_perm] = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME)
    m.clear()
    return m


def _old_minhash(features: Iterable[str], num_perm: int) -> np.ndarray:
    m = _old_hasher(num_perm)
    m.update_batch([f.encode() for f in features] or [b""])
    return np.array(m.hashvalues, dtype=np.uint32)


def _old_fingerprint(body: str, recipient_name: str, num_perm: int, bands: int,
                     recipient_company: str = "") -> bytes:
    if not 1 <= bands <= num_perm:
        raise ValueError("bands must be between 1 and num_perm")
    parts = _old_sentences(body, recipient_name, recipient_company)
    sigs = [_old_minhash(_old_shingles(parts), num_perm),
            _old_minhash(_old_word_set(parts), num_perm)]
    return bytes((FORMAT_VERSION,)) + b"".join(s.astype("<u4").tobytes() for s in sigs)


# --- The old promotion.score, verbatim ---

def _old_score(text: str, weights: Mapping[str, float]) -> promotion.PromoScore:
    matches: list[promotion.Match] = []
    counts: dict[str, int] = {}
    for kind, pattern in _OLD_PATTERNS.items():
        found = [m.group(0).strip() for m in pattern.finditer(text)]
        if found:
            counts[kind] = len(found)
            matches.extend(promotion.Match(kind, p) for p in found)
    words = _OLD_WORD.findall(text)
    shouted = [w for w in words if sum(c.isalpha() for c in w) >= 2 and w.isupper()]
    if words and len(shouted) >= promotion.SHOUT_MIN_WORDS and \
            len(shouted) / len(words) >= promotion.SHOUT_MIN_SHARE:
        share = len(shouted) / len(words)
        counts["shouting"] = 1 + math.floor((share - promotion.SHOUT_MIN_SHARE) * 10 + 1e-9)
        matches.extend(promotion.Match("shouting", w) for w in dict.fromkeys(shouted))
    bangs = text.count("!")
    if bangs >= promotion.EXCLAMATIONS_MIN:
        counts["exclamations"] = bangs - promotion.EXCLAMATIONS_MIN + 1
        matches.append(promotion.Match("exclamations", f"{bangs} exclamation marks"))
    total = sum(promotion._contribution(kind, weights.get(kind, 0.0), n)
                for kind, n in counts.items())
    return promotion.PromoScore(score=round(total, 6), matches=tuple(matches), counts=counts)


_OLD_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")

# The old PATTERNS, verbatim (renamed).

_OLD_NOT_TODAYS = r"(?!['\u2019]\w)"  # "sign up today" but not "join today's call"


def _old_rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


_OLD_TLDS = "com|net|org|io|co|ai|app|shop|store|biz|info|xyz|ly|me|us|online|site|deals"
_OLD_AMOUNT = r"\d[\d,]*(?:\.\d+)?(?:\s?[km]\b)?"
_OLD_MONEY = (rf"(?:[$€£¥₹]\s?{_OLD_AMOUNT}"
              rf"|\b{_OLD_AMOUNT}\s?(?:usd|eur|gbp|dollars|euros|bucks)\b"
              rf"|\b(?:usd|eur|gbp)\s?{_OLD_AMOUNT})")

_OLD_PATTERNS: dict[str, re.Pattern[str]] = {
    "link": _old_rx(
        r"\bhttps?://[^\s<>\"')]+",
        r"\bwww\.[^\s<>\"')]+",
        rf"(?<![@\w.])(?:[a-z0-9-]+\.)+(?:{_OLD_TLDS})(?:/[^\s<>\"')]*)?(?![\w@])",
    ),
    # A range ("$150k - $180k", "$150,000 to 180,000") is one match.
    "price": _old_rx(
        rf"{_OLD_MONEY}(?:\s?(?:-|\u2013|\u2014|to)\s?(?:{_OLD_MONEY}|{_OLD_AMOUNT}))?"),
    "discount": _old_rx(
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
    "call_to_buy": _old_rx(
        rf"\bbuy (?:now|today{_OLD_NOT_TODAYS}|it now)",
        rf"\border (?:now|today{_OLD_NOT_TODAYS}|yours)",
        r"\bshop now\b",
        rf"\bsign up (?:today{_OLD_NOT_TODAYS}|now|here)",
        rf"\bregister (?:now|today{_OLD_NOT_TODAYS})",
        r"\blimited[- ](?:time )?offers?\b",
        r"\bclick (?:here|the link|below|this link)\b",
        r"\bsubscribe\b",
        r"\badd to (?:your )?cart\b",
        rf"\bpurchase (?:now|today{_OLD_NOT_TODAYS})",
        r"\bget (?:yours|it now|your copy)\b",
        r"\bclaim (?:a|your|this|it now)\b",
        r"\b(?:check out|visit) our (?:store|shop|website|site|products?|offers?|catalog)\b",
        r"\bvisit (?:www\.|https?://)",
        r"\byour first (?:order|purchase)\b",
        r"\bstart your (?:free )?trial\b",
        rf"\btry it (?:now|today{_OLD_NOT_TODAYS})",
        rf"\bupgrade (?:now|today{_OLD_NOT_TODAYS})",
        r"\bcall now\b",
        r"\bdon['\u2019]?t wait\b",
    ),
    "urgency": _old_rx(
        rf"\bact (?:now|fast|today{_OLD_NOT_TODAYS})",
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
    "free_offer": _old_rx(
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

# --- The old insights.normalize_subject, verbatim ---

_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw)\s*:\s*)+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_SPACE = re.compile(r"\s+")
_TRIM = " \t.,;:!?-'\"()[]\u2013\u2014\u2018\u2019\u201c\u201d"


def _old_normalize_subject(subject: str, names: Iterable[str] = ()) -> str:
    text = _REPLY_PREFIX.sub("", subject)
    text = _SPACE.sub(" ", text).strip().casefold()
    names = {n.casefold().strip() for n in names
             if len(n.strip()) > 1 and any(ch.isalpha() for ch in n)}
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_TOKEN, text)
    text = _NUMBER.sub("#", text)
    return text.strip(_TRIM)[:SUBJECT_MAX]


# --- Realistic InMails (bench/corpus.py), a different recipient each ---

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("_bench_corpus", ROOT / "bench" / "corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

WEIGHTS = Settings().promo_weights
FIRST = ["Dana", "Li", "Ana", "José", "Ann", "Bo", "Priya", "Sven", "Chloé", "Kim", "Pat",
         "Zoë", "Anna", "Al", "Σοφία", "İlker", "Sam"]
LAST = ["Kim", "Wei", "Smith", "O'Neil", "O’Neil", "García", "Chan", "Müller", "Lee",
        "van der Berg", "Yıldız", "Straße", "J. R. Smith"]
COMPANIES = ["", "Acme", "Blue Harbor", "Stark Analytics", "AT&T", "C3.ai", "Kim & Co",
             "Yahoo!", "(Stealth)", "Procter & Gamble", "Ana"]
PROMO = ["Get 50% off today only!", "Use promo code SAVE20 at www.shop.example.com",
         "Only $49 a month, buy now", "Start your FREE TRIAL", "LIMITED-TIME OFFER!!!",
         "Salary $150k-$180k plus bonus", "see https://jobs.example.io/123", "Act now",
         "don’t miss out", "Sign up today", "join today's call", "100% free", "$0 setup",
         "ACT NOW AND SAVE BIG", "clearance sale ends tonight", "bit.ly/xyz", "dana@acme.io"]


def inmails(n: int, seed: int = 11) -> list[tuple[str, str, str, str]]:
    """(subject, body, recipient name, company): 400-1,200 characters, the name, its parts
    and the company merged in, straight and curly apostrophes, now and then a sales pitch."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        first = name.split()[0]
        company = rng.choice(COMPANIES)
        apo = rng.choice("'\u2019")
        parts = [f"{rng.choice(['Hi', 'Hello', 'Dear', 'HEY'])} {first},",
                 corpus.inmail_body(rng),
                 f"I{apo}ve followed {company or 'you'} and {first}{apo}s work at "
                 f"{company.upper()}. {name.split()[-1]}{apo}s talk stood out."]
        while sum(map(len, parts)) < rng.randint(400, 1100):
            parts.append(corpus.inmail_body(rng))
            if rng.random() < 0.2:
                parts.append(rng.choice(PROMO))
        parts.append(f"Best, Sam\n\nPS: {name}, {rng.choice(PROMO)}")
        subject = corpus.subject(rng)
        if rng.random() < 0.5:
            subject = f"Re: {rng.choice([first, name, first.upper()])}, {subject} 2026"
        out.append((subject, " ".join(parts)[:1200], name, company))
    return out


CASES = inmails(300)


@pytest.mark.parametrize(("num_perm", "bands"), [(128, 21), (128, 32), (128, 7), (64, 16)])
def test_fingerprints_of_inmails_are_unchanged(num_perm, bands):
    for _, body, name, company in CASES[:100]:
        new = similarity.fingerprint.__wrapped__(body, name, num_perm, bands, company)
        assert new.signature == _old_fingerprint(body, name, num_perm, bands, company)


def test_normalization_of_inmails_is_unchanged():
    for _, body, name, company in CASES:
        assert similarity.sentences(body, name, company) == \
            _old_sentences(body, name, company)
        assert similarity.sentences(body) == _old_sentences(body)
        assert similarity.normalize(body, name) == _old_normalize(body, name)


def test_promotion_scores_of_inmails_are_unchanged():
    for subject, body, _, _ in CASES:
        text = f"{subject}\n{body}"
        assert promotion.score(text, WEIGHTS) == _old_score(text, WEIGHTS)
    for phrase in PROMO:
        assert promotion.score(phrase, WEIGHTS) == _old_score(phrase, WEIGHTS)


def test_subject_keys_of_inmails_are_unchanged():
    for subject, _, name, _ in CASES:
        names = name_variants(name)
        assert normalize_subject(subject, names) == _old_normalize_subject(subject, names)


# --- Generated text: names and bodies built to hit the edge cases ---

NAMES = ["", " ", "Dana Kim", "dana", "A Smith", "J. R. Smith", "Pat O'Neil", "Pat O’Neil",
         "Ana", "Ana Ana", "Anna Ana", "Li", "C++ Dev", "a.b*c (x)", "[Bob]", "Bob|Alice",
         "$Money", "^Start$", "Dana\nKim", "Dana\tKim", "  Dana   Kim  ", "José García", "ZOË",
         "Müller", "İlker Yıldız", "Σοφία Παπαδοπούλου", "ΟΔΥΣΣΕΑΣ", "Straße", "ſam",
         "Kelvin", "_under_", "Dana_Kim", "Ann-Marie Lee", "Mary-Jane van der Berg",
         "\"Quoted\"", "(Paren)", "Dana's", "O'", "’s", "'s Dana", "Ab. Cd", "an", "na"]
COMPANY_NAMES = ["", "Acme", "Blue Harbor", "AT&T", "Procter & Gamble", "C3.ai",
                 "Dana Kim Consulting", "Ana", "Kim", "(Stealth)", "A", "Ab", "Yahoo!",
                 "Ω Corp", "acme, inc.", "KIM"]
PIECES = [" ", "  ", ", ", ". ", ".", "\n", "\n\n", " \n ", "\r\n", "\t", "\u00a0", "\u2028",
          "'s", "’s", "'S", "'", "’", "!", "?", ";", ":", "_", "-", "(", ")", "\"",
          "Hi", "hello", "DEAR", "hey", "Σ", "ς", "σ", "İ", "ı", "ſ", "K", "Å", "ß", "é", "É",
          "ǅ", "1,000", "www.acme.io", "Ana's", "Anabel", "banana", "xDana", "Dana1", "🙂",
          "word", "Word", "WORD", "naïve", "café", "the", "Kim’s", "ΑΣ", "µ", "μ"]


def _variants(text: str) -> list[str]:
    return [text, text.lower(), text.upper(), text.swapcase(), text.title()]


@st.composite
def merged(draw: st.DrawFn) -> tuple[str, str, str]:
    """(body, recipient name, company): a body made of the name, its parts and the company in
    any case, with or without "'s", among awkward characters."""
    name = draw(st.one_of(st.sampled_from(NAMES), st.text(max_size=12)))
    company = draw(st.one_of(st.sampled_from(COMPANY_NAMES), st.text(max_size=8)))
    fields = [p for f in [name, *name.split(), company] for p in _variants(f) if p]
    pool = st.one_of(st.sampled_from(PIECES + fields), st.text(max_size=4))
    return "".join(draw(st.lists(pool, max_size=40))), name, company


@settings(max_examples=1000, deadline=None)
@given(merged())
def test_sentences_are_unchanged(case):
    body, name, company = case
    assert similarity.sentences(body, name, company) == _old_sentences(body, name, company)


@settings(max_examples=300, deadline=None)
@given(merged(), st.sampled_from([(128, 21), (16, 5), (8, 8)]))
def test_fingerprints_are_unchanged(case, shape):
    body, name, company = case
    num_perm, bands = shape
    new = similarity.fingerprint.__wrapped__(body, name, num_perm, bands, company)
    assert new.signature == _old_fingerprint(body, name, num_perm, bands, company)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(PIECES)), max_size=30))
def test_minhash_and_shingles_are_unchanged(features):
    assert similarity.minhash(features, 32).tolist() == _old_minhash(features, 32).tolist()
    assert similarity.minhash(set(features), 128).tolist() == \
        _old_minhash(set(features), 128).tolist()
    parts = [features[i:i + 5] for i in range(0, len(features), 5)]
    for k in (1, 2, 3, 4):
        assert similarity.shingles(parts, k) == _old_shingles(parts, k)


PROMO_PIECES = [p for phrase in PROMO for p in _variants(phrase)] + [
    " ", "\n", "!", "$", "€", "£", "¥", "₹", "%", "-", "–", "to", "k", "m", "1", "150", ",",
    ".", "/", "@", "'", "’", "s", "today", "today's", "ſale", "İ", "K", "٣", "free", "off",
    "www.", ".com", "http://", "usd", "eur", "gbp", "employee ", "discount", "code", "AND",
    "NOW", "HURRY", "x", "_", "e-book", "don't", "dont", "it's", "limited", "time", "offer"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PROMO_PIECES), st.text(max_size=3)), max_size=30))
def test_promotion_scores_are_unchanged(pieces):
    text = "".join(pieces)
    assert promotion.score(text, WEIGHTS) == _old_score(text, WEIGHTS)


@st.composite
def subjects(draw: st.DrawFn) -> tuple[str, list[str]]:
    full = draw(st.one_of(st.sampled_from(NAMES), st.text(max_size=12)))
    names = draw(st.one_of(st.just(list(name_variants(full))),
                           st.lists(st.text(max_size=6), max_size=3)))
    fields = [p for n in names for p in _variants(n) if p]
    pool = st.one_of(st.sampled_from(PIECES + fields + ["Re:", "FWD: ", " aw :", "re", "3.5",
                                                        "{name}", "name", "2026-01-05"]),
                     st.text(max_size=4))
    return "".join(draw(st.lists(pool, max_size=25))), names


@settings(max_examples=1000, deadline=None)
@given(subjects())
def test_subject_keys_are_unchanged(case):
    subject, names = case
    assert normalize_subject(subject, names) == _old_normalize_subject(subject, names)


EDGE_CASES = [
    ("Ana Ana Ana Ana's", "Ana Ana", ""), ("anana Ana.Ana", "Ana", ""),
    ("Hi Dana Kim's, dana-kim DANA_KIM danakim Dana\nKim", "Dana Kim", "Kim"),
    ("Dana Kim Consulting's team, Dana Kim, Kim", "Dana Kim", "Dana Kim Consulting"),
    ("O'Neil O’Neil o'neil's Pat's", "Pat O'Neil", ""),
    ("Ana’s, Ana'S, Ana'sx, Ana's_, Ana''s", "Ana", ""),
    ("C++ Dev: c++ devs C++", "C++ Dev", "AT&T"), ("x{name}x name {name}", "name", ""),
    ("İlker, ilker, ILKER, ılker", "İlker Yıldız", ""), ("ſam SAM sam's", "Sam", ""),
    ("ΣΟΦΊΑΣ. ΟΔΥΣΣΕΑΣ ΑΣ\nΣ", "Σοφία", ""), ("Dear Sir. Hey! Hello; hi\n\n", "", ""),
    ("end.' Next. ’Quote’ ends.\u2028Next", "", ""),
]


@pytest.mark.parametrize(("text", "name", "company"), EDGE_CASES)
def test_edge_cases_are_unchanged(text, name, company):
    assert similarity.sentences(text, name, company) == _old_sentences(text, name, company)
    for names in (name_variants(name), [name, company], [company, *name.split()]):
        assert normalize_subject(text, names) == _old_normalize_subject(text, names)
    assert promotion.score(text, WEIGHTS) == _old_score(text, WEIGHTS)


# --- What the fast paths rely on, checked over all of Unicode ---

ALL = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)


def test_word_characters_are_alnum_or_underscore():
    """`_is_word` (similarity, insights) is what `\\w` matches in a str pattern."""
    assert re.findall(r"\w", ALL) == [c for c in ALL if c.isalnum() or c == "_"]


def test_plain_case_characters_match_ignoring_case_exactly_when_lower_is_equal():
    """In text and names without other characters, an IGNORECASE match of a name is a
    `str.find` of the lower-cased name in the lower-cased text."""
    plain = [c for c in ALL[:0x2100] if not similarity._NOT_PLAIN_CASE.match(c)]
    assert len(plain) > 500
    text = "".join(plain)
    for c in plain:
        assert len(c.lower()) == 1
        matched = re.findall(re.escape(c), text, re.IGNORECASE)
        assert matched == [x for x in plain if x.lower() == c.lower()], repr(c)


def test_lowering_around_whitespace_is_lowering_each_side():
    """Sentences are lower-cased whole instead of one by one: only a final sigma looks at its
    neighbours, and never across whitespace."""
    for w in (c for c in ALL if c.isspace()):
        for a, b in [("ΑΣ", "Α"), ("Α", "Σ"), ("ΑΣ", "Σ"), ("Σ", "ΑΣ")]:
            assert (a + w + b).lower() == a.lower() + w + b.lower(), (a, w, b)


def _first_characters(items: list, boundary: bool = False, behind: bool = False) -> list:
    """(at a \\b, after a lookbehind excluding \\w, first consuming item) for each way a parsed
    pattern can start; raises when it can start with an optional part."""
    for op, av in items:
        if op is C.AT:
            boundary = boundary or av is C.AT_BOUNDARY
        elif op is C.ASSERT_NOT and av[0] == -1:
            body = list(av[1])
            behind = behind or (len(body) == 1 and body[0][0] is C.IN
                                and (C.CATEGORY, C.CATEGORY_WORD) in body[0][1])
        elif op in (C.ASSERT, C.ASSERT_NOT):
            continue
        elif op is C.SUBPATTERN:
            return _first_characters(list(av[3]), boundary, behind)
        elif op is C.BRANCH:
            return [x for b in av[1] for x in _first_characters(list(b), boundary, behind)]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            assert av[0] > 0, "a pattern starting with an optional part"
            return _first_characters(list(av[2]), boundary, behind)
        elif op in (C.LITERAL, C.IN, C.NOT_LITERAL, C.ANY):
            return [(boundary, behind, (op, av))]
        else:
            raise AssertionError(f"unexpected {op}")
    raise AssertionError("a pattern that can match nothing")


def _matching(item: tuple, flags: int) -> set[str]:
    state = sre_parser.State()
    state.flags = flags
    return set(sre_compiler.compile(sre_parser.SubPattern(state, [item]), flags).findall(ALL))


@pytest.mark.parametrize("kind", list(promotion.PATTERNS))
def test_promotion_start_tests_pass_every_match(kind):
    """Each class's pattern is its start test in front of the old alternatives, unchanged, and
    every character an alternative can start with passes the start test (as does the
    character before: not a word character, where the start test asks for it)."""
    new, old = promotion.PATTERNS[kind], _OLD_PATTERNS[kind]
    assert new.flags == old.flags
    start, rest = new.pattern.split("(?:", 1)
    assert rest == old.pattern + ")"
    guard = sre_parser.parse(start, new.flags)
    assert [op for op, _ in guard][-1] is C.ASSERT
    allowed = _matching(next(iter(guard[-1][1][1])), new.flags)
    nonword_before = [op for op, _ in guard] == [C.ASSERT_NOT, C.ASSERT]
    word = set(re.findall(r"\w", ALL))
    for boundary, behind, item in _first_characters(list(sre_parser.parse(old.pattern,
                                                                           old.flags))):
        chars = _matching(item, old.flags)
        assert chars <= allowed, (item, sorted(chars - allowed)[:10])
        if nonword_before:
            assert behind or (boundary and chars <= word), item
