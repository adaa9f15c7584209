"""mail delivery: why a mail was given up; moderators may stop the digest

Revision ID: 0008_mail_delivery
Revises: 0007_canonical_mailbox
Create Date: 2026-11-29 16:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_mail_delivery"
down_revision = "0007_canonical_mailbox"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_mail_outbox_failed_dt"), ["failed_dt"], unique=False)
    # Mail set aside before this revision was refused by the server or about nothing any more.
    op.execute(
        "UPDATE mail_outbox SET failure = CASE WHEN last_error LIKE 'nothing to send%' "
        "THEN 'gone' ELSE 'refused' END WHERE failed_dt IS NOT NULL"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gets_digest", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("gets_digest")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_failed_dt"))
        batch_op.drop_column("failure")
