"""Queries behind the compliance rules. Each reads a bounded slice through an index; none scans a
sender's history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from inroad.models import InMail, InMailBand, InMailRejection, InMailSignature
from inroad.store.driver import Prepared


def pair_history(s: Session, sender_id: str,
                 recipient_id: str) -> list[tuple[datetime, datetime | None]]:
    """(sent_at, responded_at) of every InMail from sender to recipient (`ix_inmails_pair`).
    Small by construction: without a response a pair holds at most two."""
    return [(row.sent_at, row.responded_at)
            for row in _PAIR_HISTORY.all(s, {"b_sender": sender_id, "b_to": recipient_id})]


def add_fingerprint(s: Session, inmail_id: str, sender_id: str, recipient_id: str,
                    signature: bytes, band_keys: Sequence[str], now: datetime) -> None:
    _NEW_SIGNATURE.execute(s, {"inmail_id": inmail_id, "sender_id": sender_id,
                               "recipient_id": recipient_id, "signature": signature,
                               "created_at": now})
    _NEW_BAND.executemany(s, [
        {"inmail_id": inmail_id, "band": key, "sender_id": sender_id, "created_at": now}
        for key in dict.fromkeys(band_keys)])


def similar_candidates(s: Session, sender_id: str, band_keys: Collection[str], since: datetime,
                       exclude_recipient: str) -> list[tuple[str, bytes]]:
    """(recipient_id, signature) of the sender's InMails since `since` that share at least one
    band key, other than those to `exclude_recipient`. One range seek per band key on
    `ix_inmail_bands_lookup` (sender_id, band, created_at), then primary-key reads."""
    if not band_keys:
        return []
    rows = s.connection().execute(_SIMILAR, {"b_sender": sender_id, "b_bands": list(band_keys),
                                             "b_since": since, "b_exclude": exclude_recipient})
    return [(rid, bytes(sig)) for rid, sig in rows]


def refusals_since(s: Session, sender_id: str, codes: Collection[str], since: datetime) -> int:
    """Recorded refusals with these codes (`ix_inmail_rejections_sender`)."""
    return s.scalar(select(func.count()).select_from(InMailRejection).where(
        InMailRejection.sender_id == sender_id, InMailRejection.created_at > since,
        InMailRejection.code.in_(list(codes)))) or 0


def sent_since(s: Session, sender_id: str, since: datetime) -> int:
    """Delivered InMails since `since`: an index-only count on `ix_inmails_sender`."""
    return int(_SENT_SINCE.scalar(s, {"b_sender": sender_id, "b_since": since}))


def responded_since(s: Session, sender_id: str, since: datetime) -> int:
    """Of those, the answered ones: index-only too (`ix_inmails_sender` holds responded_at)."""
    return int(_RESPONDED_SINCE.scalar(s, {"b_sender": sender_id, "b_since": since}))


# Statements on every send, built once and run on the driver (store/driver).
_PAIR_HISTORY = Prepared(select(InMail.sent_at, InMail.responded_at).where(
    InMail.sender_id == bindparam("b_sender"), InMail.recipient_id == bindparam("b_to")))
_signatures: Table = InMailSignature.__table__  # type: ignore[assignment]
_bands: Table = InMailBand.__table__  # type: ignore[assignment]
_NEW_SIGNATURE = Prepared(insert(_signatures))
_NEW_BAND = Prepared(insert(_bands))
_SIMILAR = select(InMailSignature.recipient_id, InMailSignature.signature).where(
    InMailSignature.inmail_id.in_(
        select(InMailBand.inmail_id).where(
            InMailBand.sender_id == bindparam("b_sender"),
            InMailBand.band.in_(bindparam("b_bands", expanding=True)),
            InMailBand.created_at >= bindparam("b_since")).distinct().scalar_subquery()),
    InMailSignature.recipient_id != bindparam("b_exclude"))
_SENT_SINCE_STATEMENT = select(func.count()).select_from(InMail).where(
    InMail.sender_id == bindparam("b_sender"), InMail.sent_at > bindparam("b_since"))
_SENT_SINCE = Prepared(_SENT_SINCE_STATEMENT)
_RESPONDED_SINCE = Prepared(_SENT_SINCE_STATEMENT.where(InMail.responded_at.is_not(None)))
