"""inbox_versions: a version per member's inbox, kept by triggers on SQLite

Every write that changes what a member's inbox lists bumps the member's version, inside the
writing transaction: the member's own inbox rows (insert, update, delete), the conversations
and messages those rows show, the InMails (both members), and the card fields of a member,
for everyone in a conversation with them. An inbox page rendered at one version is served
again while the version holds (web/inbox_pages). Triggers, not service code, so that no
write path can forget. Only on SQLite: see docs/decisions.md for PostgreSQL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# MemberCard's fields but `id` (domain/accounts.py; tests/services/test_inbox_versions.py
# fails when they part).
CARD_COLUMNS = ("full_name", "headline", "company", "title", "location", "industry", "skills",
                "plan", "open_profile", "status", "read_receipts")


def _bump(select_members: str) -> str:
    """Add one to the version of each member the SELECT yields (a row per member)."""
    return (f"INSERT INTO inbox_versions (member_id, version) {select_members} "
            "ON CONFLICT (member_id) DO UPDATE SET version = version + 1;")


def _of_conversation(ref: str) -> str:
    return _bump(f"SELECT member_id, 1 FROM inbox_entries WHERE conversation_id = {ref}")


# name -> (event, body). A member's partners are the `other_id`s of the member's own rows:
# a conversation has one row for each of its two members.
TRIGGERS = {
    "inbox_version_entry_insert": ("AFTER INSERT ON inbox_entries",
                                   _bump("VALUES (NEW.member_id, 1)")),
    "inbox_version_entry_update": ("AFTER UPDATE ON inbox_entries",
                                   _bump("VALUES (NEW.member_id, 1)")),
    "inbox_version_entry_delete": ("AFTER DELETE ON inbox_entries",
                                   _bump("VALUES (OLD.member_id, 1)")),
    "inbox_version_conversation_update": ("AFTER UPDATE ON conversations",
                                          _of_conversation("NEW.id")),
    "inbox_version_message_update": ("AFTER UPDATE ON messages",
                                     _of_conversation("NEW.conversation_id")),
    "inbox_version_message_delete": ("AFTER DELETE ON messages",
                                     _of_conversation("OLD.conversation_id")),
    "inbox_version_inmail_update": ("AFTER UPDATE ON inmails",
                                    _bump("VALUES (NEW.sender_id, 1), (NEW.recipient_id, 1)")),
    "inbox_version_card_update": (
        f"AFTER UPDATE OF {', '.join(CARD_COLUMNS)} ON members WHEN "
        + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in CARD_COLUMNS),
        _bump("SELECT other_id, 1 FROM inbox_entries WHERE member_id = NEW.id")),
}


def upgrade() -> None:
    op.create_table(
        "inbox_versions",
        sa.Column("member_id", sa.String(length=26), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_inbox_versions")),
        sqlite_with_rowid=False,  # one B-tree, not a table and its key index: fewer pages a commit
    )
    op.create_index("ix_inbox_entries_conversation", "inbox_entries", ["conversation_id"])
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, (event, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_inbox_entries_conversation", table_name="inbox_entries")
    op.drop_table("inbox_versions")
