"""InMail delivery policy (SPEC §3): whether an InMail reaches its recipient and what it costs.

One pure function walks the rules in the spec's order and the first matching rule wins, so the
precedence is readable top to bottom. Send and preflight both call it, which is what makes a
preflight answer a promise. Compliance (rule 9) needs history the domain does not hold, so the
caller computes it and passes only the resulting code in.
"""

from __future__ import annotations

from dataclasses import dataclass

FREE_PLAN = "free"

# Refusals caused by the recipient's settings or blocks (rules 3, 5, 8) or by compliance (rule 9)
# are still InMails the sender tried to send: insights count them as `rejected` (API.md).
# Refusals for the sender's own state or input are not InMails and are not counted.
REJECTED_CODES = frozenset(
    {
        "recipient_not_accepting",
        "bulk_identical",
        "follow_up_too_soon",
        "contact_limit",
        "looks_promotional",
    }
)


@dataclass(frozen=True)
class SenderView:
    status: str  # active | restricted | suspended | terminated
    plan: str  # "free" or a premium plan id
    spendable: int  # credits the sender can spend now


@dataclass(frozen=True)
class RecipientView:
    exists: bool
    status: str
    plan: str
    allow_inmail: bool
    inmail_from: str  # anyone | premium_members | network
    open_profile: bool


@dataclass(frozen=True)
class Relation:
    blocked_either_way: bool
    stop_requested: bool  # the recipient asked this sender to stop
    degree: int  # 1, 2 or 3


@dataclass(frozen=True)
class Decision:
    deliverable: bool
    cost: int  # 0 or 1 when deliverable, always 0 when refused: a refused InMail costs nothing
    code: str | None  # None when deliverable, else the refusal code


def is_premium(plan: str) -> bool:
    return plan != FREE_PLAN


def open_profile_in_force(open_profile: bool, plan: str) -> bool:
    """Open Profile is a Premium feature: after a downgrade to free it reads as off and lets
    no InMail in for free, though the stored flag is kept for a return to Premium."""
    return open_profile and is_premium(plan)


def _refuse(code: str) -> Decision:
    return Decision(deliverable=False, cost=0, code=code)


def _deliver(cost: int) -> Decision:
    return Decision(deliverable=True, cost=cost, code=None)


def _matches_inmail_from(inmail_from: str, sender: SenderView, degree: int) -> bool:
    if inmail_from == "anyone":
        return True
    if inmail_from == "premium_members":
        # Free senders never get here (rule 7 refuses them first), so this always holds today;
        # it stays so the rule reads as the spec states it and survives a reordering.
        return is_premium(sender.plan)
    if inmail_from == "network":
        return degree == 2
    return False  # an unknown setting fails closed: the recipient stays in control


def decide_delivery(
    sender: SenderView,
    recipient: RecipientView,
    relation: Relation,
    compliance_code: str | None = None,
) -> Decision:
    # 1. Any sender status but active (restricted, suspended, terminated, or unknown) blocks
    #    sending InMail; replies in existing conversations are another path.
    if sender.status != "active":
        return _refuse("account_restricted")
    # 2.
    if not recipient.exists or recipient.status != "active":
        return _refuse("recipient_not_found")
    # 3. Same code as rule 5 so the sender cannot tell a block from a closed inbox.
    if relation.blocked_either_way or relation.stop_requested:
        return _refuse("recipient_not_accepting")
    # 4.
    if relation.degree == 1:
        return _refuse("already_connected")
    # 5.
    if not recipient.allow_inmail:
        return _refuse("recipient_not_accepting")
    # 6. Open Profile: free to anyone, whatever the sender's plan. As the spec orders the rules,
    #    this also comes before the inmail_from filter (8), compliance (9) and credits (10).
    if recipient.open_profile:
        return _deliver(0)
    # 7.
    if not is_premium(sender.plan):
        return _refuse("premium_required")
    # 8. Premium to Premium gets past the inmail_from filter, but not past rules 3 and 5 above.
    premium_to_premium = is_premium(sender.plan) and is_premium(recipient.plan)
    if not premium_to_premium and not _matches_inmail_from(
        recipient.inmail_from, sender, relation.degree
    ):
        return _refuse("recipient_not_accepting")
    # 9.
    if compliance_code is not None:
        return _refuse(compliance_code)
    # 10.
    if sender.spendable < 1:
        return _refuse("insufficient_credits")
    # 11.
    return _deliver(1)


def counts_as_rejected(code: str) -> bool:
    """Whether a refusal with this code counts as a `rejected` InMail in the sender's insights."""
    return code in REJECTED_CODES
