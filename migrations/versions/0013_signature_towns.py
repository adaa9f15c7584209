"""signatures keep the town only: postcodes typed in the town field are removed

Revision ID: 0013_signature_towns
Revises: 0012_petition_first_screen
Create Date: 2026-11-29 16:10:00

The field asked for a "town or postcode"; the privacy page promises that only a town is shown.
From now on only the town is stored; this removes what earlier signers typed beyond it.
The rule is the one of petition/signing/places.py, copied so that the revision never changes.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_signature_towns"
down_revision = "0012_petition_first_screen"
branch_labels = None
depends_on = None

_POSTCODE = re.compile(r"\b\d{4} ?[A-Z]{2}\b|[(\[]?[^\s,;()\[\]]*\d[^\s,;()\[\]]*[)\]]?")
_EDGES = " ,;-/–—."

signatures = sa.table("signatures", sa.column("id", sa.BigInteger), sa.column("city", sa.String))


def _town(place: str) -> str | None:
    town = " ".join(_POSTCODE.sub(" ", place).split())
    town = re.sub(r"\s*,(\s*,)+", ",", town).strip(_EDGES)
    return town or None


def upgrade():
    connection = op.get_bind()
    with_digit = sa.or_(*(signatures.c.city.contains(str(digit)) for digit in range(10)))
    rows = connection.execute(sa.select(signatures.c.id, signatures.c.city).where(with_digit)).all()
    for signature_id, place in rows:
        town = _town(place)
        if town != place:
            connection.execute(sa.update(signatures).where(signatures.c.id == signature_id).values(city=town))


def downgrade():
    # What was removed is gone; the towns left are still right.
    pass
