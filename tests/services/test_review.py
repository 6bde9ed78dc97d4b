"""Draft review over the real graph and the real English dictionary."""

from __future__ import annotations

import time

import pytest

from inroad.domain.errors import NotFound
from inroad.services import review
from tests import factories as f


def test_review_finds_common_ground_in_the_graph(ctx):
    ann = f.member(ctx, "Ann Lee", company="Acme", skills=["Python", "Go"])
    dana = f.member(ctx, "Dana Whitfield", company="acme", title="Head of Data",
                    skills=["python", "Rust"])
    sam, zoe = f.member(ctx, "Sam Ortiz"), f.member(ctx, "Zoe Adams")
    for shared in (sam, zoe):
        f.connect(ctx, ann, shared)
        f.connect(ctx, shared, dana)
    result = review.review_draft(
        ctx, ann.id, dana.id, "Question about your data team",
        "Hi Dana,\n\nZoe Adams suggested I write: I'm looking for a role on your team.\n\n"
        "Would you be open to a short call next week? Thank you!")
    assert [m.full_name for m in result.shared_connections] == ["Sam Ortiz", "Zoe Adams"]
    assert (result.company, result.skills, result.groups) == ("acme", ("python",), ())
    assert result.score == 100, [c for c in result.checks if not c.ok]


def test_real_spelling_mistakes_get_suggestions(ctx):
    ann, bob = f.member(ctx, "Ann Lee"), f.member(ctx, "Bob Kowalczyk", company="Zyxtronics")
    result = review.review_draft(ctx, ann.id, bob.id, "Your work at Zyxtronics",
                                 "Hi Bob Kowalczyk, I definately want to recieve your advise "
                                 "on LinkedIn InMail. Thanks!")
    spelling = next(c for c in result.checks if c.id == "spelling")
    assert not spelling.ok
    assert spelling.details == ("“definately” → “definitely”", "“recieve” → “receive”")


def test_unknown_or_closed_recipients_are_not_found(ctx):
    ann, gone = f.member(ctx), f.member(ctx)
    f.set_member(ctx, gone.id, status="terminated")
    for to in ("nobody", gone.id, ann.id):
        with pytest.raises(NotFound) as err:
            review.review_draft(ctx, ann.id, to, "Hi", "Hello")
        assert err.value.code == "recipient_not_found"


def test_the_dictionary_loads_once_and_a_long_draft_is_fast(ctx):
    ann, bob = f.member(ctx, "Ann Lee"), f.member(ctx, "Bob Stone")
    review.speller()
    body = ("Hi Bob, I am writing because your team's work on robotics caught my eye, and I "
            "would love to learn more about the role. Could we talk next week? Thanks! ") * 11
    body = body[:1900]
    review.review_draft(ctx, ann.id, bob.id, "Your robotics team", body)
    start = time.perf_counter()
    for _ in range(5):
        review.review_draft(ctx, ann.id, bob.id, "Your robotics team", body)
    assert (time.perf_counter() - start) / 5 < 0.2  # generous here; bench/review_bench.py
    assert review.speller() is review.speller()
