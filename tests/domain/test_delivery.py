"""SPEC §3 delivery policy: each rule on its own, then the precedence pairs that matter."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from inroad.domain.delivery import (
    Decision,
    RecipientView,
    Relation,
    SenderView,
    counts_as_rejected,
    decide_delivery,
    open_profile_in_force,
)

# A baseline that is delivered at cost 1 (rule 11): active Premium sender with credits, active
# free recipient open to anyone, 3rd degree, nothing in the way.
SENDER = SenderView(status="active", plan="career", spendable=5)
RECIPIENT = RecipientView(
    exists=True,
    status="active",
    plan="free",
    allow_inmail=True,
    inmail_from="anyone",
    open_profile=False,
)
RELATION = Relation(blocked_either_way=False, stop_requested=False, degree=3)


def decide(
    sender: dict[str, Any] | None = None,
    recipient: dict[str, Any] | None = None,
    relation: dict[str, Any] | None = None,
    compliance_code: str | None = None,
) -> Decision:
    return decide_delivery(
        replace(SENDER, **(sender or {})),
        replace(RECIPIENT, **(recipient or {})),
        replace(RELATION, **(relation or {})),
        compliance_code,
    )


def refused(code: str) -> Decision:
    return Decision(deliverable=False, cost=0, code=code)


DELIVERED = Decision(deliverable=True, cost=1, code=None)
DELIVERED_FREE = Decision(deliverable=True, cost=0, code=None)


def test_baseline_is_rule_11_delivered_cost_1() -> None:
    assert decide() == DELIVERED


# --- one test per rule ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["restricted", "suspended", "terminated"])
def test_rule_1_sender_not_in_good_standing(status: str) -> None:
    assert decide(sender={"status": status}) == refused("account_restricted")


def test_rule_1_unknown_sender_status_fails_closed() -> None:
    assert decide(sender={"status": "pending"}) == refused("account_restricted")


@pytest.mark.parametrize(
    "recipient",
    [
        {"exists": False},
        {"status": "suspended"},
        {"status": "terminated"},
        {"status": "restricted"},
    ],
)
def test_rule_2_recipient_missing_or_not_active(recipient: dict[str, Any]) -> None:
    assert decide(recipient=recipient) == refused("recipient_not_found")


@pytest.mark.parametrize("relation", [{"blocked_either_way": True}, {"stop_requested": True}])
def test_rule_3_block_or_stop_request(relation: dict[str, Any]) -> None:
    assert decide(relation=relation) == refused("recipient_not_accepting")


def test_rule_4_connected() -> None:
    assert decide(relation={"degree": 1}) == refused("already_connected")


def test_rule_5_inmail_turned_off() -> None:
    assert decide(recipient={"allow_inmail": False}) == refused("recipient_not_accepting")


def test_rule_6_open_profile_is_free() -> None:
    assert decide(recipient={"open_profile": True}) == DELIVERED_FREE


@pytest.mark.parametrize(("stored", "plan", "in_force"), [
    (True, "career", True), (True, "free", False), (False, "business", False)])
def test_open_profile_is_in_force_only_on_premium(stored: bool, plan: str, in_force: bool) -> None:
    assert open_profile_in_force(stored, plan) is in_force


def test_rule_7_free_sender_needs_premium() -> None:
    assert decide(sender={"plan": "free"}) == refused("premium_required")


@pytest.mark.parametrize(
    ("inmail_from", "degree", "expected"),
    [
        ("anyone", 2, DELIVERED),
        ("anyone", 3, DELIVERED),
        ("premium_members", 3, DELIVERED),  # the sender is Premium (free ones stop at rule 7)
        ("network", 2, DELIVERED),
        ("network", 3, refused("recipient_not_accepting")),
        ("nobody-knows", 2, refused("recipient_not_accepting")),  # unknown setting fails closed
    ],
)
def test_rule_8_inmail_from_filter(inmail_from: str, degree: int, expected: Decision) -> None:
    assert decide(recipient={"inmail_from": inmail_from}, relation={"degree": degree}) == expected


@pytest.mark.parametrize("plan", ["career", "business", "sales", "recruiter"])
def test_rule_8_premium_sender_passes_filter_to_premium_recipient(plan: str) -> None:
    decision = decide(recipient={"plan": plan, "inmail_from": "network"}, relation={"degree": 3})
    assert decision == DELIVERED


@pytest.mark.parametrize(
    "code", ["bulk_identical", "follow_up_too_soon", "contact_limit", "looks_promotional"]
)
def test_rule_9_compliance_code_is_passed_through(code: str) -> None:
    assert decide(compliance_code=code) == refused(code)


def test_rule_10_insufficient_credits() -> None:
    assert decide(sender={"spendable": 0}) == refused("insufficient_credits")


def test_rule_11_one_credit_is_enough() -> None:
    assert decide(sender={"spendable": 1}) == DELIVERED


# --- precedence: the earlier rule wins -----------------------------------------------------

PRECEDENCE = [
    pytest.param(
        {"sender": {"status": "suspended"}, "recipient": {"exists": False}},
        refused("account_restricted"),
        id="1 beats 2",
    ),
    pytest.param(
        {"recipient": {"status": "suspended"}, "relation": {"blocked_either_way": True}},
        refused("recipient_not_found"),
        id="2 beats 3",
    ),
    pytest.param(
        {"relation": {"blocked_either_way": True, "degree": 1}},
        refused("recipient_not_accepting"),
        id="3 beats 4",
    ),
    pytest.param(
        {"relation": {"degree": 1}, "recipient": {"allow_inmail": False}},
        refused("already_connected"),
        id="4 beats 5",
    ),
    pytest.param(
        {"relation": {"degree": 1}, "recipient": {"open_profile": True}},
        refused("already_connected"),
        id="4 beats 6",
    ),
    pytest.param(
        {"relation": {"blocked_either_way": True}, "recipient": {"open_profile": True}},
        refused("recipient_not_accepting"),
        id="3 (block) beats 6",
    ),
    pytest.param(
        {"relation": {"stop_requested": True}, "recipient": {"open_profile": True}},
        refused("recipient_not_accepting"),
        id="3 (stop) beats 6",
    ),
    pytest.param(
        {"recipient": {"allow_inmail": False, "open_profile": True}},
        refused("recipient_not_accepting"),
        id="5 beats 6",
    ),
    pytest.param(
        {"sender": {"plan": "free", "spendable": 0}, "recipient": {"open_profile": True}},
        DELIVERED_FREE,
        id="6 beats 7 (free sender to open profile)",
    ),
    pytest.param(
        {"recipient": {"open_profile": True, "inmail_from": "network"}, "relation": {"degree": 3}},
        DELIVERED_FREE,
        id="6 beats 8",
    ),
    pytest.param(
        {"sender": {"spendable": 0}, "recipient": {"open_profile": True}},
        DELIVERED_FREE,
        id="6 beats 10 (open profile costs 0 with no credits)",
    ),
    pytest.param(
        {"sender": {"plan": "free"}, "recipient": {"inmail_from": "premium_members"}},
        refused("premium_required"),
        id="7 beats 8 (premium_members)",
    ),
    pytest.param(
        {"sender": {"plan": "free"}, "recipient": {"inmail_from": "network"}},
        refused("premium_required"),
        id="7 beats 8 (network)",
    ),
    pytest.param(
        {"sender": {"plan": "free", "spendable": 0}},
        refused("premium_required"),
        id="7 beats 10",
    ),
    pytest.param(
        {"recipient": {"inmail_from": "network"}, "compliance_code": "bulk_identical"},
        refused("recipient_not_accepting"),
        id="8 beats 9",
    ),
    pytest.param(
        {"sender": {"spendable": 0}, "compliance_code": "looks_promotional"},
        refused("looks_promotional"),
        id="9 beats 10",
    ),
    pytest.param(
        {
            "recipient": {"plan": "business", "inmail_from": "network"},
            "relation": {"blocked_either_way": True},
        },
        refused("recipient_not_accepting"),
        id="premium to premium does not bypass 3",
    ),
    pytest.param(
        {"recipient": {"plan": "business", "allow_inmail": False}},
        refused("recipient_not_accepting"),
        id="premium to premium does not bypass 5",
    ),
    pytest.param(
        {
            "recipient": {"plan": "business", "inmail_from": "network"},
            "compliance_code": "contact_limit",
        },
        refused("contact_limit"),
        id="premium to premium does not bypass 9",
    ),
    pytest.param(
        {"recipient": {"plan": "business"}, "sender": {"spendable": 0}},
        refused("insufficient_credits"),
        id="premium to premium does not bypass 10",
    ),
]


@pytest.mark.parametrize(("case", "expected"), PRECEDENCE)
def test_precedence(case: dict[str, Any], expected: Decision) -> None:
    assert decide(**case) == expected


# --- insights classification ---------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "recipient_not_accepting",
        "bulk_identical",
        "follow_up_too_soon",
        "contact_limit",
        "looks_promotional",
    ],
)
def test_counts_as_rejected(code: str) -> None:
    assert counts_as_rejected(code)


@pytest.mark.parametrize(
    "code",
    [
        "premium_required",
        "insufficient_credits",
        "account_restricted",
        "recipient_not_found",
        "already_connected",
        "rate_limited",
        "validation_error",
    ],
)
def test_does_not_count_as_rejected(code: str) -> None:
    assert not counts_as_rejected(code)
