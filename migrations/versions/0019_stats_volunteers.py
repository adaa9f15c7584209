"""volunteers: offers of help confirmed by mail, with their consent, for the admins' list

Revision ID: 0019_stats_volunteers
Revises: 0018_admin_petitions
Create Date: 2026-11-29 18:30:00

The statistics page reads existing tables and needs none of its own.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_stats_volunteers"
down_revision = "0018_admin_petitions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "volunteers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "confirmed", name="volunteerstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_canonical", sa.String(length=254), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("helps", sa.String(length=80), nullable=False),
        sa.Column("help_other", sa.String(length=200), nullable=True),
        sa.Column("availability", sa.String(length=500), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("consent_wording", sa.Text(), nullable=False),
        sa.Column("consent_dt", sa.DateTime(), nullable=False),
        sa.Column("robot_signal", sa.String(length=20), nullable=True),
        sa.Column("ip_hash", sa.String(length=64), nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("confirmed_dt", sa.DateTime(), nullable=True),
        sa.Column("contacted_dt", sa.DateTime(), nullable=True),
        sa.Column("contacted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contacted_by_id"],
            ["users.id"],
            name=op.f("fk_volunteers_contacted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteers")),
        sa.UniqueConstraint("token", name=op.f("uq_volunteers_token")),
        sa.UniqueConstraint("email_canonical", name=op.f("uq_volunteers_email_canonical")),
    )
    op.create_index("ix_volunteers_listing", "volunteers", ["status", "created_dt"], unique=False)


def downgrade():
    op.drop_index("ix_volunteers_listing", table_name="volunteers")
    op.drop_table("volunteers")
