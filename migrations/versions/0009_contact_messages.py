"""messages sent to the committee from the contact page

Revision ID: 0009_contact_messages
Revises: 0008_mail_delivery
Create Date: 2026-11-29 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_contact_messages"
down_revision = "0008_mail_delivery"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("robot_signal", sa.String(length=20), nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("read_dt", sa.DateTime(), nullable=True),
        sa.Column("read_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["read_by_id"],
            ["users.id"],
            name=op.f("fk_contact_messages_read_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_messages")),
    )
    op.create_index("ix_contact_messages_created", "contact_messages", ["created_dt"], unique=False)


def downgrade():
    op.drop_index("ix_contact_messages_created", table_name="contact_messages")
    op.drop_table("contact_messages")
