"""Near-duplicate bodies for the bulk-identical rule (SPEC §4): normalization, shingles, MinHash
signatures and their LSH band keys. Pure computation; the store keeps the bytes and band keys.

Normalization removes what a mail merge fills in per recipient: the recipient's full name, each
part of it, and (beyond the SPEC's "the recipient's name") their company, which mail merges
insert nearly as often; drops salutations ("hi", "hello", "dear", ...); then lower-cases,
strips punctuation and collapses whitespace.

Two signatures per body, both MinHash over `num_perm` permutations with a fixed seed (so
signatures made by different processes compare):

* **shingles** — word 3-shingles taken *within each sentence* (a sentence shorter than 3 words
  is one shingle). Shingles that ran across sentence boundaries would change when a mail-merger
  reorders sentences: a 60-word, 5-sentence body loses about 8 of its ~58 shingles that way,
  Jaccard ~ 0.8, under the 0.85 bar. Kept inside sentences, the shingle *set* does not depend on
  sentence order at all, so reordering gives similarity 1.0 with one signature.
* **words** — the set of words. One changed word costs up to 3 shingles, so two copies of a
  60-word template each with a *different* word changed share only ~0.81 of their shingles,
  but ~0.91 of their words. Word sets ignore order, so they also catch reordering within a
  sentence. Two honest InMails from one sender share fewer words because the personal part
  differs: on the abuse simulation's corpus the median word-set Jaccard between a sender's own
  InMails is 0.27-0.47 (99th percentile 0.56-0.77), and 0.59 (99th percentile 0.87) for a
  recruiter who reuses one job paragraph behind a one-sentence personal opener, the closest to
  the line; the rule needs five such near-copies within the window before it refuses.

A body is a near-duplicate of another when either estimated Jaccard reaches the threshold.

LSH: each signature is cut into `bands` bands of `rows = num_perm // bands` values, and each
band becomes a 64-bit key (a hash of signature kind, band index and values). Two bodies with
Jaccard J share at least one band key with probability 1 - (1 - J^r)^b (the S-curve):

    bands x rows   J=0.30    J=0.50   J=0.70   J=0.80    J=0.85     J=0.90
    32 x 4         0.229     0.873    0.9999   ~1        ~1         ~1
    21 x 6         0.0152    0.282    0.928    0.9983    0.99995    ~1
    16 x 8         0.00105   0.0607   0.613    0.947     0.994      0.9999

Band keys only pick *candidates*; the decision is made on the full signatures, so a stray
collision costs one comparison and a missed one costs recall. The keys are not stored: a
process computes them from stored signatures and keeps each recent sender's window of them in
memory (`SenderWindow`, kept by store/fingerprints). 21 x 6 (threshold
(1/b)^(1/r) ~ 0.60) finds J >= 0.85 pairs with probability 0.99995 while only ~1.5% of
J ~ 0.3 pairs collide; 32 x 4 (threshold ~ 0.42) also finds every J >= 0.85 pair but makes a
candidate of ~23% of unrelated J ~ 0.3 bodies (common with the word-set signature), and
16 x 8 misses 0.6% of pairs at J = 0.85. `settings.minhash_bands` picks the bands (rows follow);
21 is the recommended value: `bench/bulk_check.py` loads 3.6 candidates per check at 21 bands
against 15.2 at 32, with the same detection in `bench/abuse_sim.py` (see `bench/RESULTS.md`).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
from datasketch import MinHash

SHINGLE_SIZE = 3
SEED = 20261126  # never change: stored signatures are only comparable under the same seed
SCHEME = "affine32"  # datasketch's permutation scheme; stored values are uint32
FORMAT_VERSION = 1
KINDS = ("shingles", "words")

# A sentence ends at a line break, or at whitespace after ".", "!", "?" or ";" (the mark goes
# with it: it would be stripped as punctuation anyway). Starting with a character set lets the
# regex engine skip ahead instead of trying the pattern at every character.
_SENTENCE_END = re.compile(r"[.!?;\n](?:(?<=\n)|\s+)")
_WORD = re.compile(r"[^\W_]+")  # a word once punctuation (and "_") is stripped
# Salutations carry nothing and are the first thing a spinner varies ("Hi" / "Hello" / "Hey").
SALUTATIONS = frozenset({"hi", "hello", "hey", "dear", "greetings", "hiya", "howdy"})
# Text outside these characters (Latin-1, Latin Extended-A but for dotted I, dotless i and long
# s, general punctuation, currency signs): there `re.IGNORECASE` equality is not plain
# `str.lower()` equality of single characters (tests/domain/test_fast_equivalence.py checks
# every pair).
_NOT_PLAIN_CASE = re.compile(r"[^\x00-\u012f\u0132-\u017e\u2000-\u206f\u20a0-\u20cf]")
_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))


@dataclass(frozen=True)
class Fingerprint:
    """The stored form of a body: `signature` holds both MinHash signatures (version byte, then
    `len(KINDS) * num_perm` little-endian uint32), `band_keys` the LSH keys of both."""

    signature: bytes
    band_keys: tuple[int, ...]


def _merge_words(recipient_name: str, recipient_company: str) -> list[str]:
    """What a mail merge fills in per recipient, longest first (so the full name goes before
    its parts): the full name and each part of it, and the company as a whole (its parts are too
    often ordinary words: "Blue Harbor")."""
    strip = ".,;:!?()\""
    parts = {recipient_name.strip(), *recipient_name.split(), recipient_company.strip()}
    return sorted({p.strip(strip) for p in parts if len(p.strip(strip)) >= 2},
                  key=len, reverse=True)


@lru_cache(maxsize=1024)
def _merge_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:['\u2019]s)?(?!\w)", re.IGNORECASE)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches in a str pattern


def _lower_without(body: str, words: Sequence[str]) -> str:
    """`body` lower-cased with each merge field (a word of `words`, any case, optionally with
    "'s", not inside a longer word) replaced by a space, leftmost first, at one place the
    earliest of `words`: what `_merge_pattern(words).sub(" ", body).lower()` gives. Compiling
    that pattern costs more than the rest of a fingerprint and every send has a new recipient,
    so plain-case text (nearly all of it) is searched with `str.find` instead."""
    if not words:
        return body.lower()
    if _NOT_PLAIN_CASE.search(body) or any(_NOT_PLAIN_CASE.search(w) for w in words):
        return _merge_pattern(tuple(words)).sub(" ", body).lower()
    low = body.lower()
    n = len(low)
    found: list[tuple[int, int, int]] = []  # (start, rank in words, end)
    for rank, word in enumerate(words):
        word = word.lower()
        start = low.find(word)
        while start != -1:
            if start == 0 or not _is_word(body[start - 1]):
                end = start + len(word)
                if (end + 1 < n and body[end] in "'\u2019" and low[end + 1] == "s"
                        and (end + 2 == n or not _is_word(body[end + 2]))):
                    found.append((start, rank, end + 2))
                elif end == n or not _is_word(body[end]):
                    found.append((start, rank, end))
            start = low.find(word, start + 1)
    if not found:
        return low
    found.sort()
    out: list[str] = []
    pos = 0
    for start, _, end in found:
        if start >= pos:  # not overlapping an earlier match
            out += (low[pos:start], " ")
            pos = end
    out.append(low[pos:])
    return "".join(out)


def sentences(body: str, recipient_name: str = "",
              recipient_company: str = "") -> list[list[str]]:
    """The body's sentences as lists of normalized words: the recipient's full name, each part
    of it, their company and salutations removed, lower-cased, punctuation stripped, whitespace
    collapsed."""
    # Lower-cased whole, not sentence by sentence: the same, as only a final sigma looks at
    # its neighbours and never across the whitespace between sentences.
    text = _lower_without(body, _merge_words(recipient_name, recipient_company))
    # Sentence breaks become "\n" before apostrophes go ("end.' Next" does not break).
    text = _SENTENCE_END.sub("\n", text).replace("'", "").replace("\u2019", "")
    out: list[list[str]] = []
    for raw in text.split("\n"):
        words = [w for w in _WORD.findall(raw) if w not in SALUTATIONS]
        if words:
            out.append(words)
    return out


def normalize(body: str, recipient_name: str = "", recipient_company: str = "") -> str:
    return " ".join(" ".join(words) for words in
                    sentences(body, recipient_name, recipient_company))


def shingles(parts: Sequence[Sequence[str]], k: int = SHINGLE_SIZE) -> set[str]:
    """Word k-shingles inside each sentence; a sentence shorter than k words is one shingle."""
    out: set[str] = set()
    for words in parts:
        if len(words) < k:
            out.add(" ".join(words))
        elif k == 3:  # the one used; a little faster than joining slices
            out.update([f"{a} {b} {c}"
                        for a, b, c in zip(words, words[1:], words[2:], strict=False)])
        else:
            out.update(" ".join(words[i:i + k]) for i in range(len(words) - k + 1))
    return out


def word_set(parts: Sequence[Sequence[str]]) -> set[str]:
    return {w for words in parts for w in words}


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for our seed: building a MinHash costs more than hashing a
    whole InMail."""
    a, b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
    a, b = np.array(a, dtype=np.uint32), np.array(b, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _sha1_32(features: Iterable[str]) -> list[bytes]:
    """datasketch's `sha1_hash32` of each feature, as 4 little-endian bytes; one empty string
    for the empty set, so two empty bodies still count as the same."""
    sha1 = hashlib.sha1
    return [sha1(f.encode()).digest()[:4] for f in features] or [sha1(b"").digest()[:4]]


@lru_cache(maxsize=1 << 14)
def _word_sha1_32(word: str) -> bytes:
    """Cached for words (a few MB at most): most words of an InMail were in earlier ones, while
    its 3-shingles mostly were not."""
    return hashlib.sha1(word.encode()).digest()[:4]


def _minhashes(hashes: Sequence[list[bytes]], num_perm: int) -> list[np.ndarray]:
    """What datasketch's `MinHash(num_perm, SEED, scheme="affine32").update_batch` gives for
    each set of 32-bit feature hashes (the MurmurHash3 finalizer, then a * h + b mod 2^32 for
    each permutation, the minimum over the set), for all sets in one numpy pass."""
    a, b = _permutations(num_perm)
    bounds = [0, *itertools.accumulate(map(len, hashes))]
    hv = np.frombuffer(b"".join(itertools.chain.from_iterable(hashes)),
                       dtype="<u4").astype(np.uint32)
    s1, m1, s2, m2, s3 = _FMIX32
    hv ^= hv >> s1
    hv *= m1
    hv ^= hv >> s2
    hv *= m2
    hv ^= hv >> s3
    phv = hv[:, None] * a + b
    return [phv[lo:hi].min(axis=0) for lo, hi in itertools.pairwise(bounds)]


def minhash(features: Iterable[str], num_perm: int) -> np.ndarray:
    """A MinHash signature (uint32 array) of a feature set. The empty set hashes like a set of
    one empty string, so two empty bodies still count as the same."""
    return _minhashes([_sha1_32(features)], num_perm)[0]


_KEY_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_KEY_FINISH = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """LSH keys of signatures shaped (..., kinds, num_perm): (..., kinds * bands) uint64, each a
    64-bit hash of the kind, the band and the band's `num_perm // bands` values, so that equal
    bands of one kind get equal keys. Vectorized: a window of hundreds of stored signatures gets
    its keys in one pass. A stray collision only adds a candidate, checked on the signatures."""
    *lead, kinds, num_perm = signatures.shape
    rows = num_perm // bands
    values = signatures[..., :bands * rows].reshape(*lead, kinds, bands, rows).astype(np.uint64)
    keys = np.empty((*lead, kinds, bands), dtype=np.uint64)
    keys[...] = (np.arange(1, kinds * bands + 1, dtype=np.uint64) * _KEY_MULTIPLIER).reshape(
        kinds, bands)
    shift, m1, m2 = _KEY_FINISH
    for r in range(rows):
        keys ^= values[..., r]
        keys *= _KEY_MULTIPLIER
        keys ^= keys >> shift
    keys *= m1
    keys ^= keys >> shift
    keys *= m2
    keys ^= keys >> shift
    return keys.reshape(*lead, kinds * bands)


@lru_cache(maxsize=256)
def fingerprint(body: str, recipient_name: str, num_perm: int, bands: int,
                recipient_company: str = "") -> Fingerprint:
    """Cached: send computes it for the check, then again to store it after delivery."""
    if not 1 <= bands <= num_perm:
        raise ValueError("bands must be between 1 and num_perm")
    parts = sentences(body, recipient_name, recipient_company)
    raws = [sig.astype("<u4").tobytes()
            for sig in _minhashes([_sha1_32(shingles(parts)),
                                   list(map(_word_sha1_32, word_set(parts))) or _sha1_32(())],
                                  num_perm)]
    signature = bytes((FORMAT_VERSION,)) + b"".join(raws)
    return Fingerprint(signature=signature,
                       band_keys=tuple(signature_band_keys([signature], num_perm, bands)[0]
                                       .tolist()))


def signature_band_keys(signatures: Sequence[bytes], num_perm: int, bands: int) -> np.ndarray:
    """The band keys of stored signatures, one row each, computed together (`fingerprint` takes
    its body's from here, so the two always agree). A signature made with another format or
    permutation count gets a row of zeros: it can only become a candidate by chance, and then
    compares as not similar."""
    matrices = [unpack(sig, num_perm) for sig in signatures]
    usable = [m is not None for m in matrices]
    keys = np.zeros((len(signatures), len(KINDS) * bands), dtype=np.uint64)
    if any(usable):
        keys[usable] = band_keys(np.stack([m for m in matrices if m is not None]), bands)
    return keys


@dataclass(frozen=True, eq=False)
class Sent:
    """A delivered InMail as the bulk rule remembers it."""

    seq: int  # orders one sender's InMails as they were committed
    created_at: datetime
    recipient_id: str
    signature: bytes


class SenderWindow:
    """One sender's InMails delivered since `since` with their band keys, in memory, so the
    bulk check compares one row of keys against the window's in a single numpy operation.
    `last_seq` is the newest InMail it holds: whoever keeps the window reads only the ones
    after it."""

    def __init__(self, since: datetime, width: int) -> None:
        self.since = since
        self.last_seq = 0
        self._sent: list[Sent] = []
        self._keys = np.empty((0, width), dtype=np.uint64)

    def __len__(self) -> int:
        return len(self._sent)

    def add(self, sent: Sequence[Sent], keys: np.ndarray) -> None:
        """Append InMails (oldest first) with their band keys, one row each."""
        if not sent:
            return
        self._sent.extend(sent)
        self._keys = np.concatenate([self._keys, keys])
        self.last_seq = max(self.last_seq, *(s.seq for s in sent))

    def expire(self, since: datetime) -> None:
        """Forget InMails older than `since` (from the oldest on; `candidates` skips any
        left behind a newer one)."""
        self.since = max(self.since, since)
        old = 0
        while old < len(self._sent) and self._sent[old].created_at < since:
            old += 1
        if old:
            del self._sent[:old]
            self._keys = self._keys[old:]

    def candidates(self, band_keys: Sequence[int], exclude_recipient: str) -> list[Sent]:
        """The InMails sharing a band key with a body (the same band of the same kind), other
        than those to `exclude_recipient`."""
        if not self._sent:
            return []
        probe = np.array(band_keys, dtype=np.uint64)
        hits = np.flatnonzero((self._keys == probe).any(axis=1)).tolist()
        return [sent for sent in map(self._sent.__getitem__, hits)
                if sent.created_at >= self.since and sent.recipient_id != exclude_recipient]


def unpack(signature: bytes, num_perm: int) -> np.ndarray | None:
    """The (kinds x num_perm) matrix of a stored signature, or None when it was made with
    another format or permutation count (not comparable)."""
    width = len(KINDS) * num_perm * 4
    if len(signature) != 1 + width or signature[0] != FORMAT_VERSION:
        return None
    return np.frombuffer(signature, dtype="<u4", offset=1).reshape(len(KINDS), num_perm)


def similarity(a: bytes, b: bytes, num_perm: int) -> float:
    """Estimated similarity of two stored signatures: the larger of the shingle and word-set
    Jaccard estimates (0.0 when they are not comparable)."""
    ma, mb = unpack(a, num_perm), unpack(b, num_perm)
    if ma is None or mb is None:
        return 0.0
    return float((ma == mb).mean(axis=1).max())


def near_duplicates(probe: bytes, candidates: Sequence[bytes], num_perm: int,
                    threshold: float) -> list[bool]:
    """For each candidate signature, whether it is a near-duplicate of `probe`."""
    return [similarity(probe, c, num_perm) >= threshold for c in candidates]
