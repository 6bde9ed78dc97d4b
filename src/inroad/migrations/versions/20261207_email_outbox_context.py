"""email_outbox keeps a template's values, not its rendered text

The InMail send queued its email already rendered: three Jinja templates inside the send's
transaction, and ~3 KB more to write. New rows hold the values (`context`) and the worker renders
them when sending. Rows already queued keep their rendered text, so the rendered columns become
optional; the downgrade renders every row that holds values.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from inroad import mailer

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RENDERED = (("subject", sa.String(length=300)), ("text_body", sa.Text()),
             ("html_body", sa.Text()))


def upgrade() -> None:
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        for name, type_ in _RENDERED:
            batch_op.alter_column(name, existing_type=type_, nullable=True)


def downgrade() -> None:
    outbox = sa.table("email_outbox", sa.column("id"), sa.column("template"),
                      sa.column("context", sa.JSON()), sa.column("subject"),
                      sa.column("text_body"), sa.column("html_body"))
    conn = op.get_bind()
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.template, outbox.c.context)
                        .where(outbox.c.context.is_not(None))).fetchall()
    for id_, template, context in rows:
        email = mailer.render(template, **context)
        conn.execute(sa.update(outbox).where(outbox.c.id == id_).values(
            subject=email.subject, text_body=email.text, html_body=email.html))
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        for name, type_ in _RENDERED:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.drop_column("context")
