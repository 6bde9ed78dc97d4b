"""Bulk identical InMail (SPEC §4): normalization, near-duplicates, LSH band keys, the
in-memory index of a sender's window."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from inroad.domain import similarity as sim

PERM, BANDS = 128, 21

TEMPLATE = (
    "Hi {name}, I came across your profile and was impressed by your background in software "
    "engineering. We are a fast-growing fintech startup in Berlin building the next generation "
    "of payment infrastructure. I am looking for senior backend engineers who enjoy Python and "
    "distributed systems. The team is small, experienced and ships to production every day. "
    "Would you be open to a short call next week to hear more about the role? Best, Sam"
)


def fp(body: str, name: str) -> bytes:
    return sim.fingerprint(body, name, PERM, BANDS).signature


def similarity(a: tuple[str, str], b: tuple[str, str]) -> float:
    return sim.similarity(fp(*a), fp(*b), PERM)


def test_normalize_removes_the_name_case_punctuation_and_spacing():
    text = "Hi  DANA,\n\nDana's work at Acme (see https://acme.io/a_b) -- great!  Kim?"
    assert sim.normalize(text, "Dana Kim") == "work at acme see https acme io a b great"
    # Salutations go too: "Hi" / "Hello" / "Dear" is what a spinner varies first.
    assert sim.normalize("Hello O'Neil, thanks", "Pat O'Neil") == "thanks"
    assert sim.normalize("Dear Sir, hey there", "") == "sir there"
    # Parts of one letter are not removed (they would strip every "a").
    assert sim.normalize("A note about a plan for A Smith", "A Smith") == "a note about a plan for"


def test_the_company_is_removed_as_a_whole():
    text = "I admire Blue Harbor and the blue sea."
    assert sim.normalize(text, "Dana Kim", "Blue Harbor") == "i admire and the blue sea"


def test_a_merged_company_does_not_hide_a_duplicate():
    body = TEMPLATE + " I have followed {company} for a while and admire the team."
    a = sim.fingerprint(body.format(name="Dana Kim", company="Stark Analytics"), "Dana Kim",
                        PERM, BANDS, "Stark Analytics")
    b = sim.fingerprint(body.format(name="Li Wei", company="Acme"), "Li Wei", PERM, BANDS,
                        "Acme")
    assert sim.similarity(a.signature, b.signature, PERM) == 1.0


def test_shingles_stay_inside_sentences_and_fall_back_for_short_ones():
    parts = sim.sentences("One two three four. Thanks! Five six seven.")
    assert sim.shingles(parts) == {"one two three", "two three four", "thanks",
                                   "five six seven"}
    assert sim.shingles([["hi", "there"]]) == {"hi there"}


def test_a_name_swap_is_the_same_body():
    assert similarity((TEMPLATE.format(name="Dana Kim"), "Dana Kim"),
                      (TEMPLATE.format(name="Li Wei"), "Li Wei")) == 1.0


def test_reordered_sentences_are_the_same_body():
    sentences = TEMPLATE.split(". ")
    random.Random(3).shuffle(sentences)
    reordered = ". ".join(sentences)
    assert similarity((TEMPLATE.format(name="Dana Kim"), "Dana Kim"),
                      (reordered.format(name="Bo Chan"), "Bo Chan")) == 1.0


def test_light_rewording_is_still_a_near_duplicate():
    base = (TEMPLATE.format(name="Dana Kim"), "Dana Kim")
    one_word = TEMPLATE.replace("impressed", "amazed").format(name="Ann Lee")
    other_word = TEMPLATE.replace("small", "tiny").format(name="Bo Chan")
    assert similarity(base, (one_word, "Ann Lee")) >= 0.85
    # Two copies each with a *different* word changed: the word-set signature catches them.
    assert similarity((one_word, "Ann Lee"), (other_word, "Bo Chan")) >= 0.85


def test_different_honest_messages_are_not_near_duplicates():
    a = ("Hi Dana, I loved your talk at PyCon on async IO and backpressure. I am building a "
         "streaming team at Acme and your point about bounded queues is exactly our problem. "
         "Would you have 20 minutes next week to compare notes?")
    b = ("Hello Li, congratulations on the Series B at Northwind! We met briefly at the Lisbon "
         "meetup. I am moving into product analytics and would value your view on how you "
         "built the data team there. Could I buy you a coffee when I am in town in May?")
    c = ("Hi Bo, your article about migrating payroll to Postgres was the clearest write-up I "
         "have read on logical replication. We are hiring a staff engineer for the same kind of "
         "migration at Fabrikam; the salary range is $180k-$210k. Interested in a chat?")
    for x, y in ((a, b), (a, c), (b, c)):
        assert sim.similarity(fp(x, ""), fp(y, ""), PERM) < 0.5


def test_band_keys_collide_for_duplicates_and_not_for_unrelated_bodies():
    a = sim.fingerprint(TEMPLATE.format(name="Dana Kim"), "Dana Kim", PERM, BANDS)
    b = sim.fingerprint(TEMPLATE.format(name="Li Wei"), "Li Wei", PERM, BANDS)
    c = sim.fingerprint("Completely different words about gardening and tomatoes in spring.",
                        "", PERM, BANDS)
    assert len(a.band_keys) == 2 * BANDS and all(0 <= k < 2**64 for k in a.band_keys)
    assert a.band_keys == b.band_keys
    assert not set(a.band_keys) & set(c.band_keys)


def test_signatures_of_another_size_are_not_comparable():
    small = sim.fingerprint("hello there", "", 64, 16).signature
    big = sim.fingerprint("hello there", "", PERM, BANDS).signature
    assert sim.similarity(small, big, PERM) == 0.0
    assert sim.near_duplicates(big, [big, small], PERM, 0.85) == [True, False]


def test_empty_bodies_after_normalization_are_identical():
    assert similarity(("Dana Kim", "Dana Kim"), ("Li Wei!", "Li Wei")) == 1.0


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10).map(str.title)


@settings(max_examples=60, deadline=None)
@given(first=names, last=names, other_first=names, other_last=names,
       words=st.lists(st.sampled_from(["role", "team", "python", "call", "week", "data",
                                       "growth", "hiring", "remote", "berlin", "chat"]),
                      min_size=1, max_size=40))
def test_a_text_is_identical_to_itself_after_a_name_swap(first, last, other_first, other_last,
                                                         words):
    body = "Hi {name}, " + " ".join(words) + ". Thanks {name}!"
    a, b = f"{first} {last}", f"{other_first} {other_last}"
    # Names that happen to be words of the body would be removed from one text only.
    if {first.lower(), last.lower(), other_first.lower(), other_last.lower()} & set(words):
        return
    assert sim.similarity(fp(body.format(name=a), a), fp(body.format(name=b), b), PERM) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6), st.sampled_from([21, 16, 7]))
def test_stored_signatures_give_back_their_band_keys(bodies, bands):
    fps = [sim.fingerprint(body, "", PERM, bands) for body in bodies]
    stored = [f.signature for f in fps] + [b"\x02" + fps[0].signature[1:], b""]
    keys = sim.signature_band_keys(stored, PERM, bands).tolist()
    assert keys == [list(f.band_keys) for f in fps] + [[0] * 2 * bands] * 2


@given(st.lists(st.integers(0, 2**32 - 1), min_size=2 * PERM, max_size=2 * PERM),
       st.integers(0, 2 * PERM - 1), st.integers(1, 2**32 - 1))
def test_a_band_key_changes_with_any_value_of_its_band_only(values, at, delta):
    a = np.array(values, dtype=np.uint32).reshape(2, PERM)
    b = a.copy()
    b.flat[at] ^= np.uint32(delta)
    ka, kb = sim.band_keys(a, BANDS).tolist(), sim.band_keys(b, BANDS).tolist()
    kind, column = divmod(at, PERM)
    rows = PERM // BANDS
    changed = {kind * BANDS + column // rows} if column < BANDS * rows else set()
    assert {i for i, (x, y) in enumerate(zip(ka, kb, strict=True)) if x != y} == changed
    # The same values in the other kind's band give another key.
    same = sim.band_keys(np.stack([a[0], a[0]]), BANDS).tolist()
    assert same[0] != same[BANDS]


def _sent(seq: int, day: int, recipient: str) -> sim.Sent:
    at = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(days=day)
    return sim.Sent(seq, at, recipient, b"sig%d" % seq)


def test_sender_window_finds_by_band_and_forgets_by_age():
    start = datetime(2026, 12, 1, tzinfo=UTC)
    window = sim.SenderWindow(start, 3)
    window.add([_sent(1, 0, "dana"), _sent(2, 1, "li")],
               np.array([[1, 2, 3], [3, 4, 3]], dtype=np.uint64))
    window.add([_sent(4, 2, "bo")], np.array([[6, 7, 7]], dtype=np.uint64))
    assert window.last_seq == 4 and len(window) == 3
    # A key matches in its own column only (the same band of the same kind).
    assert [s.seq for s in window.candidates((9, 9, 3), "nobody")] == [1, 2]
    assert [s.seq for s in window.candidates((3, 9, 9), "nobody")] == [2]
    assert [s.seq for s in window.candidates((9, 9, 3), "li")] == [1]
    assert [s.seq for s in window.candidates((6, 0, 0), "dana")] == [4]
    window.expire(start + timedelta(days=1))
    assert len(window) == 2 and [s.seq for s in window.candidates((1, 2, 3), "")] == [2]
    window.expire(start + timedelta(days=5))
    assert len(window) == 0 and window.candidates((3, 6, 7), "") == []
    assert window.last_seq == 4  # still where reading resumes
