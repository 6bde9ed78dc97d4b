"""Writing review: each check passing and failing on a concrete draft, and the score."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inroad.domain import review as r
from inroad.domain.review import CommonGround, Profile, Promotion


class FakeSpeller:
    """A tiny dictionary: enough to tell typos from words, with no file to load."""

    WORDS = frozenset({
        "hi", "hello", "i", "am", "i'm", "a", "an", "the", "to", "your", "you", "we", "our", "on",
        "in", "at", "for", "of", "and", "or", "be", "would", "could", "open", "call", "next",
        "week", "thanks", "thank", "time", "role", "team", "data", "about", "question", "writing",
        "because", "looking", "job", "advice", "introduction", "want", "sure", "here", "is",
        "this", "that", "with", "my", "it", "was", "will", "can", "suggested", "write",
        "short", "please", "best", "regards", "love", "note", "sent", "link",
    })
    FIXES = {"recieve": "receive", "teh": "the", "wnat": "want", "helo": "hello"}

    def unknown(self, words: Iterable[str]) -> set[str]:
        return {w for w in words if w not in self.WORDS}

    def suggest(self, word: str) -> str | None:
        return self.FIXES.get(word)


DANA = Profile("Dana Whitfield", company="Acme Robotics", title="Head of Data",
               headline="Building data teams", skills=("Python", "Machine Learning"))
ANN = Profile("Ann Lee", company="Acme Robotics", title="Data Engineer", skills=("python", "Go"))
GROUND = r.find_common_ground(ANN, DANA, ["Sam Ortiz"])
CALM = Promotion(0.0, 1.0)
GOOD_BODY = ("Hi Dana,\n\nSam Ortiz suggested I write: I'm looking for a role on your data "
             "team.\n\nWould you be open to a short call next week? Thank you!")


def run(subject: str = "Question about your data team", body: str = GOOD_BODY,
        ground: CommonGround = GROUND, promotion: Promotion = CALM) -> dict[str, r.Check]:
    result = r.review(subject, body, sender=ANN, recipient=DANA, ground=ground,
                      speller=FakeSpeller(), promotion=promotion)
    return {c.id: c for c in result.checks}


def test_a_good_draft_passes_everything():
    result = r.review("Question about your data team", GOOD_BODY, sender=ANN, recipient=DANA,
                      ground=GROUND, speller=FakeSpeller(), promotion=CALM)
    assert result.score == 100
    assert [c.id for c in result.checks] == list(r.WEIGHTS)


def test_common_ground_is_company_skills_and_shared_connections():
    assert CommonGround(("Sam Ortiz",), "Acme Robotics", ("Python",), ()) == GROUND
    assert not r.find_common_ground(Profile("X", company=""), Profile("Y", company=""), [])


@pytest.mark.parametrize(("body", "ok"), [
    ("Hi Dana, quick one.", True),
    ("Dear Ms Whitfield, quick one.", True),
    ("I saw what Acme Robotics ships.", True),
    ("Your work as head of data caught my eye.", True),
    ("I read your machine learning posts.", True),
    ("Sam suggested I write.", True),
    ("Hi there, quick one.", False),
    ("I will dana-style write.", False),  # a lower-case first name is not a greeting
])
def test_personalized(body, ok):
    check = run(body=body)["personalized"]
    assert check.ok is ok
    if not ok:
        assert "Dana" in check.message and "Head of Data at Acme Robotics" in check.message


def test_a_first_name_that_is_a_word_must_be_capitalized():
    will = Profile("Will Smith")
    checks = {c.id: c for c in r.review("Hello", "I will write again.", sender=ANN,
                                        recipient=will, ground=CommonGround(),
                                        speller=FakeSpeller(), promotion=CALM).checks}
    assert not checks["personalized"].ok


def test_common_ground_check():
    mentioned = run(body="We both know Sam Ortiz.")["common_ground"]
    assert mentioned.ok and "you both know Sam Ortiz" in mentioned.details
    missed = run(body="Hi Dana, are you hiring?")["common_ground"]
    assert not missed.ok
    assert "you both know Sam Ortiz" in missed.message
    assert "you both work at Acme Robotics" in missed.message
    nothing = run(body="Hi Dana.", ground=CommonGround())["common_ground"]
    assert nothing.ok and "how you came across Dana's work" in nothing.message


@pytest.mark.parametrize(("body", "ok"), [
    ("I'm looking for a role on your team.", True),
    ("Are you hiring engineers?", True),
    ("Could you introduce me to your CTO?", True),
    ("I'd love your advice on moving into data.", True),
    ("I'm reaching out because we both build robots.", True),
    ("Hi Dana. Nice weather.", False),
])
def test_purpose(body, ok):
    assert run(body=body)["purpose"].ok is ok


@pytest.mark.parametrize(("body", "ok"), [
    ("Would you be open to a call?", True),
    ("Could we talk for 15 minutes next week", True),
    ("Let me know if Tuesday works.", True),
    ("What does your team look for in a data engineer?", True),
    ("How are you?", False),
    ("I like your work.", False),
])
def test_call_to_action(body, ok):
    check = run(body=body)["call_to_action"]
    assert check.ok is ok
    if not ok:
        assert "specific ask" in check.message


def test_length():
    assert run(body="x " * 100)["length"].ok
    assert "22% more" in run(body="Hi Dana.")["length"].message
    medium = ("A short paragraph. " * 12 + "\n\n") * 2
    assert run(body=medium)["length"].ok
    wall = "word " * 120
    assert not run(body=wall)["length"].ok and "paragraphs" in run(body=wall)["length"].message
    wordy = ("Hi there friend. " * 20 + "\n\n") * 3
    assert "words" in run(body=wordy)["length"].message
    long = ("A" * 300 + "\n\n") * 5
    check = run(body=long)["length"]
    assert not check.ok and "11% fewer" in check.message and "1,2" in check.message
    many = "One.\n\nTwo.\n\nThree.\n\nFour."
    assert "4 paragraphs" in run(body=many)["length"].message
    assert not run(body="   ")["length"].ok


@pytest.mark.parametrize(("subject", "ok", "says"), [
    ("Question about your data team", True, "Short"),
    ("", False, "Add a short subject"),
    ("Hi", False, "says nothing"),
    ("A very long subject line that goes on and on about many different things", False,
     "under 60"),
])
def test_subject(subject, ok, says):
    check = run(subject=subject)["subject"]
    assert check.ok is ok and says in check.message


def test_spelling_lists_up_to_five_with_suggestions_and_ignores_names():
    check = run(body="Hi Dana, i recieve teh note. Whitfield Robotics Python ok.")["spelling"]
    assert not check.ok
    assert check.details == ("“recieve” → “receive”", "“teh” → “the”")
    many = run(body="aaa bbb ccc ddd eee fff ggg, thanks")["spelling"]
    assert len(many.details) == 5 and "and 2 more" in many.message
    # Names, capitalized words inside a sentence, acronyms, digits, URLs and e-mail addresses
    # are not checked; a capitalized typo starting a sentence is.
    quiet = run(body="Hi Dana, Zyx sent a https://example.com/xqz link to ann@ex.io for Q3 "
                     "KPIz. Thank you")["spelling"]
    assert quiet.ok
    assert not run(body="Helo Dana")["spelling"].ok


def test_thanks():
    assert run(body="Thanks so much")["thanks"].ok
    assert run(body="I appreciate it")["thanks"].ok
    check = run(body="Call me")["thanks"]
    assert not check.ok and "Thank Dana" in check.message


@pytest.mark.parametrize(("subject", "body", "ok"), [
    ("Question", "I work with AWS and SQL at Acme.", True),
    ("Question", "This is URGENT, reply now.", False),
    ("Question", "PLEASE DO READ this", False),
    ("IMPORTANT QUESTION", "Hi.", False),
    ("Question", "Great to meet you! Thanks!", True),
    ("Question", "Great!! Thanks!", False),
    ("Question", "Wow! Great! Thanks! Bye!", False),
])
def test_shouting(subject, body, ok):
    assert run(subject=subject, body=body)["shouting"].ok is ok


def test_not_promotional():
    assert run(promotion=Promotion(0.2, 1.0))["not_promotional"].ok
    near = run(promotion=Promotion(0.7, 1.0, ("50% off",)))["not_promotional"]
    assert not near.ok and "Close to" in near.message and "“50% off”" in near.message
    over = run(promotion=Promotion(1.4, 1.0, ("buy now", "http link")))["not_promotional"]
    assert not over.ok and "refused" in over.message and over.details == ("buy now",
                                                                           "http link")


def test_score_is_the_weighted_share_of_passed_checks():
    assert sum(r.WEIGHTS.values()) == 100
    checks = [r.Check(i, i in ("personalized", "thanks"), "") for i in r.WEIGHTS]
    assert r.score(checks) == 24
    assert r.score([]) == 0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.text(max_size=600), st.floats(0, 3))
def test_score_is_bounded_and_deterministic(subject, body, promo):
    args = {"sender": ANN, "recipient": DANA, "ground": GROUND, "speller": FakeSpeller(),
            "promotion": Promotion(promo, 1.0)}
    first = r.review(subject, body, **args)  # type: ignore[arg-type]
    assert 0 <= first.score <= 100
    assert r.review(subject, body, **args) == first  # type: ignore[arg-type]
    assert all(c.message for c in first.checks)
