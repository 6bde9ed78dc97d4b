"""The fingerprints of delivered InMails (bulk-identical rule), and a per-process index of each
recent sender's window of them.

The database holds one row per InMail; the LSH band keys that find near-duplicates live only in
memory (`domain.similarity.SenderWindow`, ~1.4 KB per InMail with its signature). Storing them
took 42 rows per InMail whose random keys dirtied ~72 index pages in every send's commit.

Each process keeps the windows of the senders it served last and, on every check, reads just
the rows committed after the newest it holds (`seq`, `ix_inmail_fingerprints_seq`): the same
rows another process or an earlier transaction wrote, so every process decides as if it had
read them all. A sender's inserts are serialized by the sender's row lock
(`services.inmail.send`), so their `seq` grows in commit order and nothing committed later can
carry a smaller one. A window not in memory is read once through
`ix_inmail_fingerprints_window`: at most the sender's daily limit times the window's days,
never their whole history.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from inroad.domain.similarity import KINDS, SenderWindow, Sent, signature_band_keys
from inroad.models import InMailFingerprint
from inroad.store.driver import Prepared

_fingerprints: Table = InMailFingerprint.__table__  # type: ignore[assignment]
_NEW = Prepared(insert(_fingerprints).values(  # `seq` numbered by the database
    {c.key: bindparam(c.key) for c in _fingerprints.columns if c.key != "seq"}))
_COLUMNS = (_fingerprints.c.seq, _fingerprints.c.created_at, _fingerprints.c.recipient_id,
            _fingerprints.c.signature)
_AFTER = Prepared(select(*_COLUMNS).where(
    _fingerprints.c.sender_id == bindparam("b_sender"),
    _fingerprints.c.seq > bindparam("b_seq")).order_by(_fingerprints.c.seq))
_SINCE = Prepared(select(*_COLUMNS).where(
    _fingerprints.c.sender_id == bindparam("b_sender"),
    _fingerprints.c.created_at >= bindparam("b_since")).order_by(_fingerprints.c.seq))


def add(session: Session, inmail_id: str, sender_id: str, recipient_id: str, signature: bytes,
        now: datetime) -> None:
    _NEW.execute(session, {"inmail_id": inmail_id, "sender_id": sender_id,
                           "recipient_id": recipient_id, "signature": signature,
                           "created_at": now})


class _Entry:
    def __init__(self, window: SenderWindow) -> None:
        self.lock = threading.Lock()
        self.window = window
        self.counted = 0  # len(window) as last added to the index's total


class FingerprintIndex:
    """The windows of up to about `max_inmails` InMails' worth of senders, least recently used
    dropped first. Thread-safe: a lock per window, held while it catches up and answers."""

    def __init__(self, num_perm: int, bands: int, max_inmails: int) -> None:
        self.num_perm, self.bands, self.max_inmails = num_perm, bands, max_inmails
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def candidates(self, session: Session, sender_id: str, band_keys: Sequence[int],
                   since: datetime, exclude_recipient: str) -> list[tuple[str, bytes]]:
        """(recipient_id, signature) of the sender's InMails since `since` sharing a band key
        with `band_keys`, other than those to `exclude_recipient`."""
        with self._lock:
            entry = self._entries.get(sender_id)
            if entry is None or entry.window.since > since:  # never read that far back
                if entry is not None:
                    self._total -= entry.counted
                window = SenderWindow(since, len(KINDS) * self.bands)
                entry = self._entries[sender_id] = _Entry(window)
            self._entries.move_to_end(sender_id)
        with entry.lock:
            window = entry.window
            statement, values = (_SINCE, {"b_sender": sender_id, "b_since": since}) \
                if window.last_seq == 0 else \
                (_AFTER, {"b_sender": sender_id, "b_seq": window.last_seq})
            rows = statement.all(session, values)
            if rows:
                signatures = [bytes(row.signature) for row in rows]
                window.add([Sent(row.seq, row.created_at, row.recipient_id, signature)
                            for row, signature in zip(rows, signatures, strict=True)],
                           signature_band_keys(signatures, self.num_perm, self.bands))
            window.expire(since)
            found = [(sent.recipient_id, sent.signature)
                     for sent in window.candidates(band_keys, exclude_recipient)]
            size = len(window)
        with self._lock:
            if self._entries.get(sender_id) is entry:
                self._total += size - entry.counted
                entry.counted = size
            while self._total > self.max_inmails and len(self._entries) > 1:
                _, oldest = self._entries.popitem(last=False)
                self._total -= oldest.counted
        return found
