"""updates: the committee's news of the case, with a text per language

Revision ID: 0015_updates
Revises: 0014_staff_second_factor
Create Date: 2026-11-29 18:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_updates"
down_revision = "0014_staff_second_factor"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "updates",
        sa.Column("id", BigId, nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("published_dt", sa.DateTime(), nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("updated_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_updates_petition_id_petitions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_updates")),
        sa.UniqueConstraint("slug", name=op.f("uq_updates_slug")),
    )
    op.create_index("ix_updates_published", "updates", ["is_published", "published_dt"], unique=False)
    op.create_table(
        "update_texts",
        sa.Column("update_id", BigId, nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["updates.id"],
            name=op.f("fk_update_texts_update_id_updates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("update_id", "locale", name=op.f("pk_update_texts")),
    )


def downgrade():
    op.drop_table("update_texts")
    op.drop_index("ix_updates_published", table_name="updates")
    op.drop_table("updates")
