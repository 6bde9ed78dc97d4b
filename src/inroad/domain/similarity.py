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
band becomes a key (hash of signature kind, band index and values). Two bodies with Jaccard J
share at least one band key with probability 1 - (1 - J^r)^b (the S-curve):

    bands x rows   J=0.30    J=0.50   J=0.70   J=0.80    J=0.85     J=0.90
    32 x 4         0.229     0.873    0.9999   ~1        ~1         ~1
    21 x 6         0.0152    0.282    0.928    0.9983    0.99995    ~1
    16 x 8         0.00105   0.0607   0.613    0.947     0.994      0.9999

Band keys only pick *candidates*; the decision is made on the full signatures, so a stray
collision costs one signature load and a missed one costs recall. 21 x 6 (threshold
(1/b)^(1/r) ~ 0.60) finds J >= 0.85 pairs with probability 0.99995 while only ~1.5% of
J ~ 0.3 pairs collide; 32 x 4 (threshold ~ 0.42) also finds every J >= 0.85 pair but makes a
candidate of ~23% of unrelated J ~ 0.3 bodies (common with the word-set signature), and
16 x 8 misses 0.6% of pairs at J = 0.85. `settings.minhash_bands` picks the bands (rows follow);
21 is the recommended value: `bench/bulk_check.py` loads 3.6 candidates per check at 21 bands
against 15.2 at 32, with the same detection in `bench/abuse_sim.py` (see `bench/RESULTS.md`).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

SHINGLE_SIZE = 3
SEED = 20261126  # never change: stored signatures are only comparable under the same seed
SCHEME = "affine32"  # datasketch's permutation scheme; stored values are uint32
FORMAT_VERSION = 1
KINDS = ("shingles", "words")

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*")
_APOSTROPHE = re.compile(r"['\u2019]")
_NOT_WORD = re.compile(r"[^\w\s]+|_")
# Salutations carry nothing and are the first thing a spinner varies ("Hi" / "Hello" / "Hey").
SALUTATIONS = frozenset({"hi", "hello", "hey", "dear", "greetings", "hiya", "howdy"})


@dataclass(frozen=True)
class Fingerprint:
    """The stored form of a body: `signature` holds both MinHash signatures (version byte, then
    `len(KINDS) * num_perm` little-endian uint32), `band_keys` the LSH keys of both."""

    signature: bytes
    band_keys: tuple[str, ...]


@lru_cache(maxsize=1024)
def _merge_fields(recipient_name: str, recipient_company: str) -> re.Pattern[str] | None:
    """What a mail merge fills in per recipient: the full name and each part of it, and the
    company as a whole (its parts are too often ordinary words: "Blue Harbor")."""
    strip = ".,;:!?()\""
    parts = {recipient_name.strip(), *recipient_name.split(), recipient_company.strip()}
    # Longest first, so the full name goes before its parts.
    words = sorted({p.strip(strip) for p in parts if len(p.strip(strip)) >= 2},
                   key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:['\u2019]s)?(?!\w)", re.IGNORECASE)


def sentences(body: str, recipient_name: str = "",
              recipient_company: str = "") -> list[list[str]]:
    """The body's sentences as lists of normalized words: the recipient's full name, each part
    of it, their company and salutations removed, lower-cased, punctuation stripped, whitespace
    collapsed."""
    pattern = _merge_fields(recipient_name, recipient_company)
    if pattern is not None:
        body = pattern.sub(" ", body)
    out: list[list[str]] = []
    for raw in _SENTENCE_END.split(body):
        text = _NOT_WORD.sub(" ", _APOSTROPHE.sub("", raw.lower()))
        words = [w for w in text.split() if w not in SALUTATIONS]
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
            continue
        out.update(" ".join(words[i:i + k]) for i in range(len(words) - k + 1))
    return out


def word_set(parts: Sequence[Sequence[str]]) -> set[str]:
    return {w for words in parts for w in words}


_local = threading.local()


def _hasher(num_perm: int) -> MinHash:
    """One reusable MinHash per thread and size: building one (permutations from the seed,
    checks) costs more than hashing a whole InMail."""
    cache: dict[int, MinHash] = _local.__dict__.setdefault("hashers", {})
    m = cache.get(num_perm)
    if m is None:
        m = cache[num_perm] = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME)
    m.clear()
    return m


def minhash(features: Iterable[str], num_perm: int) -> np.ndarray:
    """A MinHash signature (uint32 array) of a feature set. The empty set hashes like a set of
    one empty string, so two empty bodies still count as the same."""
    m = _hasher(num_perm)
    m.update_batch([f.encode() for f in features] or [b""])
    return np.array(m.hashvalues, dtype=np.uint32)


def band_keys(kind_index: int, signature: np.ndarray, bands: int) -> list[str]:
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        chunk = signature[band * rows:(band + 1) * rows].astype("<u4").tobytes()
        digest = hashlib.blake2b(bytes((kind_index, band)) + chunk, digest_size=16)
        keys.append(digest.hexdigest())
    return keys


@lru_cache(maxsize=256)
def fingerprint(body: str, recipient_name: str, num_perm: int, bands: int,
                recipient_company: str = "") -> Fingerprint:
    """Cached: send computes it for the check, then again to store it after delivery."""
    if not 1 <= bands <= num_perm:
        raise ValueError("bands must be between 1 and num_perm")
    parts = sentences(body, recipient_name, recipient_company)
    sigs = [minhash(shingles(parts), num_perm), minhash(word_set(parts), num_perm)]
    keys: list[str] = []
    for i, sig in enumerate(sigs):
        keys.extend(band_keys(i, sig, bands))
    blob = bytes((FORMAT_VERSION,)) + b"".join(s.astype("<u4").tobytes() for s in sigs)
    return Fingerprint(signature=blob, band_keys=tuple(keys))


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
