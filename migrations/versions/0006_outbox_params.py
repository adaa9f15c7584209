"""mail written by the sender: outbox rows may name a kind, a language and parameters instead of a text

Revision ID: 0006_outbox_params
Revises: 0005_comments
Create Date: 2026-11-26 12:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_outbox_params"
down_revision = "0005_comments"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.alter_column("subject", existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column("body_text", existing_type=sa.Text(), nullable=True)


def downgrade():
    # Rows still waiting for their text cannot be kept without one.
    op.execute("DELETE FROM mail_outbox WHERE body_text IS NULL")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.alter_column("body_text", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("subject", existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column("params")
        batch_op.drop_column("locale")
