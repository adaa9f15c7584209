"""fraud review: bans, block lists, bulk invalidations (undoable), trending alerts; signatures indexed by network and time

Revision ID: 0017_fraud
Revises: 0016_transparency
Create Date: 2026-11-29 18:13:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_fraud"
down_revision = "0016_transparency"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fraud_blocked_networks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_blocked_networks")),
        sa.UniqueConstraint("network", name=op.f("uq_fraud_blocked_networks_network")),
    )
    op.create_table(
        "fraud_domain_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=254), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_domain_rules")),
        sa.UniqueConstraint("domain", name=op.f("uq_fraud_domain_rules_domain")),
    )
    op.create_table(
        "fraud_trend_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=254), nullable=False),
        sa.Column("hour", sa.String(length=13), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_trend_alerts")),
        sa.UniqueConstraint(
            "source_kind", "source", "hour", name=op.f("uq_fraud_trend_alerts_source_kind_source_hour")
        ),
    )
    with op.batch_alter_table("fraud_trend_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fraud_trend_alerts_created_dt"), ["created_dt"], unique=False)

    op.create_table(
        "fraud_bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=254), nullable=False),
        sa.Column("from_signing", sa.Boolean(), nullable=False),
        sa.Column("from_commenting", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("until_dt", sa.DateTime(), nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_dt", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_fraud_bans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_bans")),
    )
    with op.batch_alter_table("fraud_bans", schema=None) as batch_op:
        batch_op.create_index("ix_fraud_bans_kind_value", ["kind", "value"], unique=False)

    op.create_table(
        "fraud_bulk_invalidations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.Column("uncounted", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_dt", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_fraud_bulk_invalidations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_fraud_bulk_invalidations_petition_id_petitions")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["users.id"],
            name=op.f("fk_fraud_bulk_invalidations_undone_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fraud_bulk_invalidations")),
    )
    op.create_table(
        "fraud_bulk_invalidation_items",
        sa.Column("bulk_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("previous_flag", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["bulk_id"],
            ["fraud_bulk_invalidations.id"],
            name=op.f("fk_fraud_bulk_invalidation_items_bulk_id_fraud_bulk_invalidations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_fraud_bulk_invalidation_items_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bulk_id", "signature_id", name=op.f("pk_fraud_bulk_invalidation_items")),
    )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.create_index("ix_signatures_created", ["created_dt"], unique=False)
        batch_op.create_index("ix_signatures_network", ["ip_hash", "created_dt"], unique=False)


def downgrade():
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_signatures_network")
        batch_op.drop_index("ix_signatures_created")

    op.drop_table("fraud_bulk_invalidation_items")
    op.drop_table("fraud_bulk_invalidations")
    with op.batch_alter_table("fraud_bans", schema=None) as batch_op:
        batch_op.drop_index("ix_fraud_bans_kind_value")

    op.drop_table("fraud_bans")
    with op.batch_alter_table("fraud_trend_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fraud_trend_alerts_created_dt"))

    op.drop_table("fraud_trend_alerts")
    op.drop_table("fraud_domain_rules")
    op.drop_table("fraud_blocked_networks")
