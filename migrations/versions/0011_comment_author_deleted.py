"""a comment deleted by its author is marked so, and no moderator's action publishes it again

Revision ID: 0011_comment_author_deleted
Revises: 0010_staff_session_version
Create Date: 2026-11-29 15:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_comment_author_deleted"
down_revision = "0010_staff_session_version"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_deleted_dt", sa.DateTime(), nullable=True))
    # Until now only an author's deletion emptied the text (moderators' deletions keep it).
    op.execute(
        "UPDATE comments SET author_deleted_dt = COALESCE(edited_dt, created_dt) "
        "WHERE status = 'deleted' AND text = ''"
    )


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("author_deleted_dt")
