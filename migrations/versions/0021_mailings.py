"""mail from the committee to the signers: mailings, their texts per language, one delivery
row per mailing and signature

Revision ID: 0021_mailings
Revises: 0020_exports
Create Date: 2026-11-29 18:13:09

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0021_mailings"
down_revision = "0020_exports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mailings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "sending", "queued", name="mailingstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("started_dt", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_mailings_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_mailings_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailings")),
    )
    op.create_table(
        "mailing_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("released_dt", sa.DateTime(), nullable=True),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("skipped_dt", sa.DateTime(), nullable=True),
        sa.Column("unsubscribed_dt", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_mailing_deliveries_mailing_id_mailings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["mail_outbox.id"],
            name=op.f("fk_mailing_deliveries_outbox_id_mail_outbox"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_mailing_deliveries_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_deliveries")),
        sa.UniqueConstraint(
            "mailing_id", "signature_id", name=op.f("uq_mailing_deliveries_mailing_id_signature_id")
        ),
    )
    with op.batch_alter_table("mailing_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_mailing_deliveries_released", ["released_dt"], unique=False)
        batch_op.create_index("ix_mailing_deliveries_outbox", ["outbox_id"], unique=False)

    op.create_table(
        "mailing_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name=op.f("fk_mailing_texts_mailing_id_mailings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_texts")),
        sa.UniqueConstraint("mailing_id", "locale", name=op.f("uq_mailing_texts_mailing_id_locale")),
    )


def downgrade():
    op.drop_table("mailing_texts")
    with op.batch_alter_table("mailing_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_mailing_deliveries_outbox")
        batch_op.drop_index("ix_mailing_deliveries_released")

    op.drop_table("mailing_deliveries")
    op.drop_table("mailings")
