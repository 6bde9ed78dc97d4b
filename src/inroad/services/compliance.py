"""Compliance (SPEC §4, delivery rule 9) as part of sending an InMail: loads what the rules in
`domain/` need, and writes what they leave behind (signatures, strikes, low-response state).

Every function runs inside the caller's write transaction with the sender's row locked
(`services.inmail.send`), so two sends from one sender are judged one after the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from inroad.context import Context
from inroad.domain import compliance as rules
from inroad.domain import followup, promotion, similarity
from inroad.domain import standing as standing_rules
from inroad.domain.compliance import ComplianceResult
from inroad.models import Member
from inroad.services import standing
from inroad.store import compliance as store
from inroad.store import fingerprints


def check(ctx: Context, s: Session, sender: Member, recipient_id: str, recipient_name: str,
          subject: str, body: str, now: datetime,
          recipient_company: str = "") -> ComplianceResult | None:
    """The first compliance rule this InMail breaks, or None. Cheapest first: the pair's
    history, then the text itself, then the sender's recent near-duplicates."""
    return (follow_up(ctx, s, sender.id, recipient_id, now)
            or promotional(ctx, subject, body)
            or bulk(ctx, s, sender.id, recipient_id, recipient_name, body, now,
                    recipient_company))


def follow_up(ctx: Context, s: Session, sender_id: str, recipient_id: str,
              now: datetime) -> ComplianceResult | None:
    """Also used by preflight, which has no body: read-only."""
    refusal = followup.check_follow_up(store.pair_history(s, sender_id, recipient_id), now,
                                       timedelta(days=ctx.settings.follow_up_after_days))
    return rules.follow_up_result(refusal, now) if refusal is not None else None


def promotional(ctx: Context, subject: str, body: str) -> ComplianceResult | None:
    found = promotion.score(f"{subject}\n{body}", ctx.settings.promo_weights)
    if promotion.is_promotional(found, ctx.settings.promo_threshold):
        return rules.promotional_result(found)
    return None


def _fingerprint(ctx: Context, body: str, recipient_name: str,
                 recipient_company: str) -> similarity.Fingerprint:
    return similarity.fingerprint(body, recipient_name, ctx.settings.minhash_permutations,
                                  ctx.settings.minhash_bands, recipient_company)


def bulk(ctx: Context, s: Session, sender_id: str, recipient_id: str, recipient_name: str,
         body: str, now: datetime, recipient_company: str = "") -> ComplianceResult | None:
    """Near-duplicates of this body that the sender delivered to other members within the
    window, found through their LSH band keys in the process's index of the sender's window
    (store/fingerprints): the work depends on how many of the sender's recent InMails share a
    band, not on how many they ever sent."""
    settings = ctx.settings
    fp = _fingerprint(ctx, body, recipient_name, recipient_company)
    candidates = ctx.fingerprints.candidates(s, sender_id, fp.band_keys,
                                             now - timedelta(days=settings.bulk_window_days),
                                             recipient_id)
    similar = similarity.near_duplicates(fp.signature, [sig for _, sig in candidates],
                                         settings.minhash_permutations, settings.bulk_similarity)
    recipients = {rid for (rid, _), near in zip(candidates, similar, strict=True) if near}
    if rules.bulk_refused(len(recipients), settings.bulk_max_recipients):
        return rules.bulk_result(len(recipients), settings.bulk_window_days)
    return None


def remember_delivery(ctx: Context, s: Session, inmail_id: str, sender_id: str,
                      recipient_id: str, recipient_name: str, body: str, now: datetime,
                      recipient_company: str = "") -> None:
    """Store the delivered body's signature, for later bulk checks."""
    fp = _fingerprint(ctx, body, recipient_name, recipient_company)
    fingerprints.add(s, inmail_id, sender_id, recipient_id, fp.signature, now)


def after_refusal(ctx: Context, s: Session, sender_id: str, now: datetime) -> None:
    """Called once a compliance refusal is recorded (and flushed): every
    `compliance_refusals_per_strike`-th refusal within the window earns a strike."""
    days = ctx.settings.compliance_strike_window_days
    since = now - timedelta(days=days)
    count = store.refusals_since(s, sender_id, rules.CODES, since)
    if standing_rules.compliance_strike_due(count, ctx.settings.compliance_refusals_per_strike):
        standing.add_strike(s, sender_id, "compliance",
                            f"{count} compliance refusals in {days} days", now,
                            dedupe_key=rules.strike_dedupe_key(sender_id, count, since.date()))


def review_response_rate(ctx: Context, s: Session, sender: Member, now: datetime) -> str | None:
    """LinkedIn's low-response rule after a delivery: warn, then cap. Returns "warn", "cap" or
    None. Only counts responses when the sender reached the volume that makes the rule apply:
    one index-only count for everyone else."""
    settings = ctx.settings
    window = timedelta(days=settings.low_response_window_days)
    if sender.inmail_capped_until is not None and sender.inmail_capped_until > now:
        return None
    since = now - window
    sent = store.sent_since(s, sender.id, since)
    if sent < settings.low_response_min_inmails:
        return None
    responded = store.responded_since(s, sender.id, since)
    low = standing_rules.low_response(sent, responded, settings.low_response_min_inmails,
                                      settings.low_response_rate)
    step = rules.low_response_step(low, sender.low_response_warned_at,
                                   sender.inmail_capped_until, now, window)
    if step == "warn":
        sender.low_response_warned_at = now
    elif step == "cap":
        sender.inmail_capped_until = now + timedelta(days=settings.low_response_cap_days)
    return step
