"""staff sessions end on the server: a version on each account that logout, deactivation and role changes move on

Revision ID: 0010_staff_session_version
Revises: 0009_contact_messages
Create Date: 2026-11-29 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_staff_session_version"
down_revision = "0009_contact_messages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
