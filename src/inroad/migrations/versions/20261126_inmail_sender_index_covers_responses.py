"""ix_inmails_sender covers responded_at

The low-response rule counts, after every delivery, the sender's InMails of the last 14 days and
those answered; with `responded_at` in the index both counts are index-only (no row lookups for
a busy sender's ~1,400 InMails). Its (sender_id, sent_at, id) prefix still serves the sent list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 13:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_inmails_sender", table_name="inmails")
    op.create_index("ix_inmails_sender", "inmails", ["sender_id", "sent_at", "id", "responded_at"])


def downgrade() -> None:
    op.drop_index("ix_inmails_sender", table_name="inmails")
    op.create_index("ix_inmails_sender", "inmails", ["sender_id", "sent_at", "id"])
