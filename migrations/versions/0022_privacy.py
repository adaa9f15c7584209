"""signers' rights: consent records, requests for one's data, tallies of the retention rules

Revision ID: 0022_privacy
Revises: 0021_mailings
Create Date: 2026-11-29 18:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_privacy"
down_revision = "0021_mailings"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "consent_records",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("given_dt", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_dt", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index("ix_consent_records_subject", "consent_records", ["subject", "purpose"], unique=False)
    op.create_table(
        "data_requests",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_requests")),
    )
    op.create_index("ix_data_requests_created", "data_requests", ["created_dt"], unique=False)
    op.create_table(
        "retention_tallies",
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("last_run_dt", sa.DateTime(), nullable=True),
        sa.Column("last_changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("rule", name=op.f("pk_retention_tallies")),
    )


def downgrade():
    op.drop_table("retention_tallies")
    op.drop_index("ix_data_requests_created", table_name="data_requests")
    op.drop_table("data_requests")
    op.drop_index("ix_consent_records_subject", table_name="consent_records")
    op.drop_table("consent_records")
