"""the public log of the count: events, the sealer's state, signed checkpoints

Revision ID: 0016_transparency
Revises: 0015_updates
Create Date: 2026-11-29 18:40:00

Signatures that counted before the log existed enter it as "confirmed" events (sealed by the
next checkpoint), each with its receipt, so that the log's count starts equal to the public
count. The receipt rule is the one of petition/transparency/chain.py, copied so that the
revision never changes.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = "0016_transparency"
down_revision = "0015_updates"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _receipt_hash(secret: str, token: str) -> str:
    digest = hmac.new(secret.encode(), b"transparency-receipt\0" + token.encode(), hashlib.sha256).digest()
    return hashlib.sha256(base64.b32encode(digest[:15])).hexdigest()


def upgrade():
    events = op.create_table(
        "transparency_events",
        sa.Column("id", BigId, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("petition", sa.String(length=80), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.Column("signature_id", BigId, nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_transparency_events_signature_id_signatures"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transparency_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_transparency_events_seq")),
    )
    op.create_index("ix_transparency_events_unsealed", "transparency_events", ["seq", "id"])
    op.create_index("ix_transparency_events_receipt_hash", "transparency_events", ["receipt_hash"])
    op.create_index("ix_transparency_events_signature_id", "transparency_events", ["signature_id"])
    state = op.create_table(
        "transparency_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transparency_state")),
    )
    op.create_table(
        "transparency_checkpoints",
        sa.Column("id", BigId, nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("time", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transparency_checkpoints")),
    )
    op.bulk_insert(state, [{"id": 1, "length": 0, "head": "0" * 64, "counts": {}}])

    connection = op.get_bind()
    signatures = sa.table(
        "signatures",
        sa.column("id", sa.BigInteger),
        sa.column("petition_id", sa.Integer),
        sa.column("token", sa.String),
        sa.column("country", sa.String),
        sa.column("status", sa.String),
        sa.column("flag_reason", sa.String),
        sa.column("confirmed_dt", sa.DateTime),
    )
    petitions = sa.table("petitions", sa.column("id", sa.Integer), sa.column("slug", sa.String))
    counted = (
        sa.select(
            signatures.c.id,
            signatures.c.token,
            signatures.c.country,
            signatures.c.confirmed_dt,
            petitions.c.slug,
        )
        .join(petitions, petitions.c.id == signatures.c.petition_id)
        .where(signatures.c.status == "confirmed", signatures.c.flag_reason.is_(None))
        .order_by(signatures.c.confirmed_dt, signatures.c.id)
    )
    secret = current_app.config["SECRET_KEY"]
    today = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "petition": slug,
            "event": "confirmed",
            "receipt_hash": _receipt_hash(secret, token),
            "country": country,
            "day": (confirmed_dt or today).date(),
            "signature_id": signature_id,
            "created_dt": today,
        }
        for signature_id, token, country, confirmed_dt, slug in connection.execute(counted)
    ]
    for start in range(0, len(rows), 1000):
        connection.execute(events.insert(), rows[start : start + 1000])


def downgrade():
    op.drop_table("transparency_checkpoints")
    op.drop_table("transparency_state")
    op.drop_index("ix_transparency_events_signature_id", table_name="transparency_events")
    op.drop_index("ix_transparency_events_receipt_hash", table_name="transparency_events")
    op.drop_index("ix_transparency_events_unsealed", table_name="transparency_events")
    op.drop_table("transparency_events")
