"""petitions edited from the back office: closing message, milestones, French text version, old addresses

Revision ID: 0018_admin_petitions
Revises: 0017_fraud
Create Date: 2026-11-29 18:30:00

Each translation remembers the version of the French text it was made from, so that the editor
says which languages are out of date. Existing translations are taken as made from the current
French text. `petition_slugs` keeps the addresses of petitions renamed before their first
signature, which redirect to the new one.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_admin_petitions"
down_revision = "0017_fraud"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("closing_message", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("milestones", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("text_version", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("text_changed_dt", sa.DateTime(), nullable=True))
    petitions = sa.table("petitions", sa.column("created_dt", sa.DateTime), sa.column("text_changed_dt", sa.DateTime))
    op.execute(petitions.update().values(text_changed_dt=petitions.c.created_dt))
    # NOT NULL where the database can say so in place. SQLite would copy the table to change it,
    # which its signatures' foreign keys forbid: the application always writes it there.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("petitions", "text_changed_dt", existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table("petition_translations") as batch:
        batch.add_column(sa.Column("closing_message", sa.Text(), nullable=True))
        batch.add_column(sa.Column("source_version", sa.Integer(), nullable=True))
    translations = sa.table("petition_translations", sa.column("source_version", sa.Integer))
    op.execute(translations.update().values(source_version=1))

    op.create_table(
        "petition_slugs",
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_slugs_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_petition_slugs")),
    )
    op.create_index(op.f("ix_petition_slugs_petition_id"), "petition_slugs", ["petition_id"], unique=False)


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35 and later have it): a batch copy of `petitions` is refused
    # by its signatures' foreign keys.
    op.drop_index(op.f("ix_petition_slugs_petition_id"), table_name="petition_slugs")
    op.drop_table("petition_slugs")
    for column in ("source_version", "closing_message"):
        op.drop_column("petition_translations", column)
    for column in ("text_changed_dt", "text_version", "milestones", "closing_message"):
        op.drop_column("petitions", column)
