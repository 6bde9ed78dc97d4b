"""Tables. Per-member rows are keyed by member id and conversation rows by conversation id so the
schema can be distributed by those keys later (docs/scaling.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every backend; always returned timezone-aware.

    On SQLite, where the value is text, each way is one function (`_sqlite_text`,
    `_sqlite_datetime`) instead of SQLAlchemy's processor wrapped in this type's: an inbox page
    reads some 100 datetimes. The text is SQLAlchemy's own, `YYYY-MM-DD HH:MM:SS.ffffff`, which
    sorts and compares as the times do (tests/services/test_types.py checks both ways)."""

    impl = DateTime
    cache_ok = True

    def bind_processor(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return _sqlite_text
        return super().bind_processor(dialect)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return _sqlite_datetime
        return super().result_processor(dialect, coltype)

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else _naive_utc(value)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def _sqlite_text(value: datetime | None) -> str | None:
    return None if value is None else _naive_utc(value).isoformat(" ", "microseconds")


def _sqlite_datetime(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}


Id = String(26)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("credit_balance >= 0", name="balance_not_negative"),
        CheckConstraint(
            "status in ('active','restricted','suspended','terminated','deleted')", name="status"
        ),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(120))
    # Lower-cased "name headline company" for search.
    search_text: Mapped[str] = mapped_column(String(800), default="")
    headline: Mapped[str] = mapped_column(String(220), default="")
    company: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(120), default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    industry: Mapped[str] = mapped_column(String(120), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]

    plan: Mapped[str] = mapped_column(String(32), default="free")
    # Start of the current subscription; grants fall on its monthly anniversaries.
    plan_anchor_at: Mapped[datetime | None]
    next_grant_at: Mapped[datetime | None] = mapped_column(index=True)
    # Denormalized from the ledger under the member's row lock; equals the ledger's sum.
    credit_balance: Mapped[int] = mapped_column(Integer, default=0)
    # Last ledger `seq` for this member, advanced under the member's row lock.
    ledger_seq: Mapped[int] = mapped_column(Integer, default=0)
    next_expiry_at: Mapped[datetime | None] = mapped_column(index=True)

    # Standing (SPEC §4): InMail sending blocked until then (status `restricted`).
    restricted_until: Mapped[datetime | None]
    # Low response rate: at most `inmail_cap_per_day` InMails a day until then.
    inmail_capped_until: Mapped[datetime | None]
    low_response_warned_at: Mapped[datetime | None]

    allow_inmail: Mapped[bool] = mapped_column(Boolean, default=True)
    inmail_from: Mapped[str] = mapped_column(String(20), default="anyone")
    open_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    read_receipts: Mapped[bool] = mapped_column(Boolean, default=True)


class AuthToken(Base):
    __tablename__ = "auth_tokens"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="api")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ConnectionRequest(Base):
    __tablename__ = "connection_requests"
    __table_args__ = (
        # At most one pending request per ordered pair, enforced by the database.
        Index("uq_connection_requests_pending", "from_member_id", "to_member_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("ix_connection_requests_to", "to_member_id", "status", "id"),
        Index("ix_connection_requests_from", "from_member_id", "status", "id"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    from_member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    to_member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]


class Connection(Base):
    """Stored in both directions so "my connections" is one index range."""

    __tablename__ = "connections"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    other_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    created_at: Mapped[datetime]


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # message | inmail
    # For `message` conversations: "<smaller id>:<larger id>", one conversation per pair.
    pair_key: Mapped[str | None] = mapped_column(String(53), unique=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_message_id: Mapped[str | None] = mapped_column(Id)


class InboxEntry(Base):
    """One row per (member, conversation): the member's denormalized inbox."""

    __tablename__ = "inbox_entries"
    __table_args__ = (
        Index("ix_inbox_entries_list", "member_id", "archived", "updated_at", "conversation_id"),
        # The members of a conversation, for the inbox-version triggers (InboxVersion).
        Index("ix_inbox_entries_conversation", "conversation_id"),
    )

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"),
                                                 primary_key=True)
    other_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(8))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    unread_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]


class InboxVersion(Base):
    """How many times what a member's inbox lists has changed. On SQLite, triggers (migration
    0006) bump it with every write to the member's inbox rows, to the conversations, messages
    and InMails those rows show, and to the card fields of the members they show, so an inbox
    page rendered at one version is still right while the version holds (web/inbox_pages). No
    row reads as version 0. PostgreSQL keeps no versions (docs/decisions.md)."""

    __tablename__ = "inbox_versions"
    # On SQLite one B-tree, not a table and its key index: fewer pages written a commit.
    __table_args__ = {"sqlite_with_rowid": False}

    member_id: Mapped[str] = mapped_column(Id, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation", "conversation_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    sender_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class InMail(Base):
    __tablename__ = "inmails"
    __table_args__ = (
        Index("ix_inmails_sender", "sender_id", "sent_at", "id", "responded_at"),
        Index("ix_inmails_recipient", "recipient_id", "sent_at", "id"),
        Index("ix_inmails_pair", "sender_id", "recipient_id", "sent_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    sender_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    recipient_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(20), default="other")
    cost: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="delivered")
    sent_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    refunded: Mapped[bool] = mapped_column(Boolean, default=False)


class InMailRejection(Base):
    """A refused InMail that still counts as `rejected` in the sender's insights."""

    __tablename__ = "inmail_rejections"
    __table_args__ = (Index("ix_inmail_rejections_sender", "sender_id", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    sender_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    recipient_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    code: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20), default="other")
    created_at: Mapped[datetime]


class CreditLot(Base):
    __tablename__ = "credit_lots"
    __table_args__ = (
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
        CheckConstraint("remaining <= amount", name="remaining_within_amount"),
        Index("ix_credit_lots_spend", "member_id", "expires_at", "id"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    source: Mapped[str] = mapped_column(String(10))  # grant | purchase | refund | adjustment
    amount: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class LedgerEntry(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "credit_ledger"
    __table_args__ = (
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        CheckConstraint(
            "kind in ('grant','purchase','spend','refund','expiry','adjustment')", name="kind"
        ),
        UniqueConstraint("member_id", "seq"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    # Per-member sequence; unique so two writers can never both append "the next" entry.
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    lot_id: Mapped[str | None] = mapped_column(Id)
    ref: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]


class CreditGrant(Base):
    """One row per (member, subscription period): the database makes a grant happen once."""

    __tablename__ = "credit_grants"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    credits: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class Purchase(Base):
    __tablename__ = "purchases"

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    credits: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    gateway: Mapped[str] = mapped_column(String(20))
    charge_id: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class Block(Base):
    __tablename__ = "blocks"
    __table_args__ = (Index("ix_blocks_blocked", "blocked_id", "member_id"),)

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    blocked_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    created_at: Mapped[datetime]


class ContactStop(Base):
    """"Stop messages from this member", from declining an InMail; lifted by the recipient."""

    __tablename__ = "contact_stops"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    stopped_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    created_at: Mapped[datetime]


class AppState(Base):
    """Small shared key/value state, e.g. the test clock's offset shared by all processes."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class InMailFingerprint(Base):
    """MinHash signature of a delivered InMail body, for the bulk-identical rule. `seq` orders
    one sender's rows in commit order (their sends are serialized by the sender's row lock), so
    a process's in-memory index of the sender's window (store/fingerprints) reads only the rows
    it has not seen; the window itself is read through `ix_inmail_fingerprints_window`."""

    __tablename__ = "inmail_fingerprints"
    __table_args__ = (Index("ix_inmail_fingerprints_seq", "sender_id", "seq"),
                      Index("ix_inmail_fingerprints_window", "sender_id", "created_at"))

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                     primary_key=True, autoincrement=True)
    inmail_id: Mapped[str] = mapped_column(Id)
    sender_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    recipient_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_queue", "status", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    reporter_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    reported_member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    message_id: Mapped[str | None] = mapped_column(Id)
    inmail_id: Mapped[str | None] = mapped_column(Id)
    conversation_id: Mapped[str | None] = mapped_column(Id)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|dismissed|actioned
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(Id)


class Strike(Base):
    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_member", "member_id", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    source: Mapped[str] = mapped_column(String(20))  # report | compliance | low_response
    reason: Mapped[str] = mapped_column(String(300))
    # What the strike did: warning | restricted_24h | restricted_72h | restricted_1w | suspended
    outcome: Mapped[str] = mapped_column(String(20))
    report_id: Mapped[str | None] = mapped_column(Id)
    # Makes a strike from repeated compliance refusals happen once per window.
    dedupe_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime]
    voided: Mapped[bool] = mapped_column(Boolean, default=False)


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_queue", "status", "created_at"),)

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    # One appeal per strike, enforced by the database.
    strike_id: Mapped[str] = mapped_column(ForeignKey("strikes.id"), unique=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|upheld|granted
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(Id)


class RateCounter(Base):
    """Fixed-window counters shared by every app process (rate limits)."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class InsightCount(Base):
    """Pre-aggregated, exact daily InMail counts per sender and dimension, kept in the same
    transaction as the event they count, so a year of insights is a few hundred rows."""

    __tablename__ = "insight_counts"

    member_id: Mapped[str] = mapped_column(Id, primary_key=True)  # "*" = the whole platform
    day: Mapped[datetime] = mapped_column(primary_key=True)  # 00:00 UTC
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)  # all | subject | purpose
    dim_value: Mapped[str] = mapped_column(String(200), primary_key=True, default="")
    sent: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    opened: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    declined: Mapped[int] = mapped_column(Integer, default=0)
    replied: Mapped[int] = mapped_column(Integer, default=0)
    credits_spent: Mapped[int] = mapped_column(Integer, default=0)
    credits_refunded: Mapped[int] = mapped_column(Integer, default=0)
    # Sum of hours to response, for averages; medians come from `inmails` (see insights).
    response_hours_total: Mapped[float] = mapped_column(Float, default=0.0)


class InMailReminder(Base):
    """One reminder per unanswered InMail, ever: the primary key makes it exactly once."""

    __tablename__ = "inmail_reminders"

    inmail_id: Mapped[str] = mapped_column(ForeignKey("inmails.id"), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(Id)
    created_at: Mapped[datetime]


class EmailOutbox(Base):
    """Emails are queued in the transaction that causes them and sent after commit by the
    worker, with retries: a slow or absent SMTP server never slows or breaks the product.

    A row holds its template and the values to render it with (`context`); the worker renders
    it when sending, so the send that queues it does not pay for rendering. Rows queued before
    revision 0007 hold the rendered `subject`, `text_body` and `html_body` instead."""

    __tablename__ = "email_outbox"
    __table_args__ = (
        Index("ix_email_outbox_due", "sent_at", "send_after"),
        Index("ix_email_outbox_conversation", "member_id", "conversation_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    member_id: Mapped[str] = mapped_column(Id)
    conversation_id: Mapped[str | None] = mapped_column(Id)
    template: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320))
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    subject: Mapped[str | None] = mapped_column(String(300))
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime]
    send_after: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A worker claims a row by moving this forward; another worker skips it until then.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
