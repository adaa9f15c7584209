"""petition text per language (French stays in petitions)

Revision ID: 0004_petition_translations
Revises: 0003_sharing
Create Date: 2026-11-26 08:38:00.433040

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_petition_translations'
down_revision = '0003_sharing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('petition_translations',
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('addressee', sa.String(length=200), nullable=True),
    sa.Column('letter', sa.Text(), nullable=True),
    sa.Column('background', sa.Text(), nullable=True),
    sa.Column('demands', sa.Text(), nullable=True),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_translations_petition_id_petitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('petition_id', 'locale', name=op.f('pk_petition_translations'))
    )


def downgrade():
    op.drop_table('petition_translations')
