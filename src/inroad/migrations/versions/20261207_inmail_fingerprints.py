"""inmail_fingerprints replaces inmail_signatures and inmail_bands

The bulk-identical rule wrote 42 LSH band rows per delivered InMail, whose random keys touched
~72 index pages per send (the largest part of the send's commit). One fingerprint row per
InMail now, numbered by `seq`; the band index is kept in memory per process
(store/fingerprints) and built from these rows. Signatures are copied in the order they were
made; the band rows are dropped (the downgrade computes them again from the signatures).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 04:30:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import inroad.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default setting when band rows were stored (config.minhash_bands, minhash_permutations).
_BANDS, _PERMUTATIONS = 21, 128


def _signature_columns(table: str) -> list[sa.schema.SchemaItem]:
    """The columns and foreign keys the new table and the old signature table share."""
    return [
        sa.Column("inmail_id", sa.String(length=26), nullable=False),
        sa.Column("sender_id", sa.String(length=26), nullable=False),
        sa.Column("recipient_id", sa.String(length=26), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", inroad.models.UTCDateTime(), nullable=False),
        *(sa.ForeignKeyConstraint([column], ["members.id"],
                                  name=op.f(f"fk_{table}_{column}_members"))
          for column in ("recipient_id", "sender_id")),
    ]


def upgrade() -> None:
    op.create_table(
        "inmail_fingerprints",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        *_signature_columns("inmail_fingerprints"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_inmail_fingerprints")),
    )
    op.execute("INSERT INTO inmail_fingerprints "
               "(inmail_id, sender_id, recipient_id, signature, created_at) "
               "SELECT inmail_id, sender_id, recipient_id, signature, created_at "
               "FROM inmail_signatures ORDER BY created_at, inmail_id")
    op.create_index("ix_inmail_fingerprints_seq", "inmail_fingerprints", ["sender_id", "seq"])
    op.create_index("ix_inmail_fingerprints_window", "inmail_fingerprints",
                    ["sender_id", "created_at"])
    op.drop_index("ix_inmail_bands_lookup", table_name="inmail_bands")
    op.drop_table("inmail_bands")
    op.drop_table("inmail_signatures")


def _old_band_keys(signature: bytes) -> list[str]:
    """The band keys revision 0002 stored: blake2b of kind, band and the band's values."""
    width = 4 * _PERMUTATIONS
    if len(signature) != 1 + 2 * width or signature[0] != 1:
        return []
    step = 4 * (_PERMUTATIONS // _BANDS)
    keys: list[str] = []
    for kind in range(2):
        raw = signature[1 + kind * width:1 + (kind + 1) * width]
        keys.extend(hashlib.blake2b(bytes((kind, band)) + raw[band * step:(band + 1) * step],
                                    digest_size=16).hexdigest() for band in range(_BANDS))
    return keys


def downgrade() -> None:
    op.create_table(
        "inmail_signatures",
        *_signature_columns("inmail_signatures"),
        sa.PrimaryKeyConstraint("inmail_id", name=op.f("pk_inmail_signatures")),
    )
    bands = op.create_table(
        "inmail_bands",
        sa.Column("inmail_id", sa.String(length=26), nullable=False),
        sa.Column("band", sa.String(length=40), nullable=False),
        sa.Column("sender_id", sa.String(length=26), nullable=False),
        sa.Column("created_at", inroad.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["inmail_id"], ["inmail_signatures.inmail_id"],
                                name=op.f("fk_inmail_bands_inmail_id_inmail_signatures")),
        sa.PrimaryKeyConstraint("inmail_id", "band", name=op.f("pk_inmail_bands")),
    )
    op.create_index("ix_inmail_bands_lookup", "inmail_bands", ["sender_id", "band", "created_at"])
    op.execute("INSERT INTO inmail_signatures "
               "(inmail_id, sender_id, recipient_id, signature, created_at) "
               "SELECT inmail_id, sender_id, recipient_id, signature, created_at "
               "FROM inmail_fingerprints")
    conn = op.get_bind()
    fingerprints = sa.table("inmail_fingerprints", sa.column("inmail_id"),
                            sa.column("sender_id"), sa.column("signature", sa.LargeBinary()),
                            sa.column("created_at", inroad.models.UTCDateTime()))
    rows = conn.execute(sa.select(fingerprints))
    for inmail_id, sender_id, signature, created_at in rows.fetchall():
        keys = _old_band_keys(bytes(signature))
        if keys:
            op.bulk_insert(bands, [{"inmail_id": inmail_id, "band": key,
                                    "sender_id": sender_id, "created_at": created_at}
                                   for key in dict.fromkeys(keys)])
    op.drop_index("ix_inmail_fingerprints_window", table_name="inmail_fingerprints")
    op.drop_index("ix_inmail_fingerprints_seq", table_name="inmail_fingerprints")
    op.drop_table("inmail_fingerprints")
