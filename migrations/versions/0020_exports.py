"""delivery dossiers asked for by admins, built as PDFs and kept a few days

Revision ID: 0020_exports
Revises: 0019_stats_volunteers
Create Date: 2026-11-29 18:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_exports"
down_revision = "0019_stats_volunteers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_dt", sa.DateTime(), nullable=False),
        sa.Column("started_dt", sa.DateTime(), nullable=True),
        sa.Column("done_dt", sa.DateTime(), nullable=True),
        sa.Column("signatures", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("failure", sa.String(length=200), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_dossiers_petition_id_petitions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_dossiers_requested_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index("ix_dossiers_waiting", ["done_dt", "requested_dt"], unique=False)


def downgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_waiting")
    op.drop_table("dossiers")
