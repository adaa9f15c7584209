"""Signatures written straight into the table, for the exports' tests (many rows, odd names)."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from petition.extensions import db
from petition.petitions.models import Petition
from petition.signing.models import Signature, SignatureStatus


def add_signatures(app, rows: list[dict], slug: str = "kleema") -> None:
    """Signatures written straight into the table, as many as a test needs (confirmed unless said)."""
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == slug))
        start = datetime(2009, 9, 8, 9, 0)
        values = []
        for n, row in enumerate(rows):
            address = row.get("email", f"signer{n}-{secrets.token_hex(4)}@example.org")
            values.append(
                {
                    "petition_id": petition_id,
                    "token": secrets.token_hex(16),
                    "status": row.get("status", SignatureStatus.CONFIRMED),
                    "first_name": row.get("first_name", f"Prénom{n}"),
                    "last_name": row.get("last_name", f"Nom{n}"),
                    "email": address,
                    "email_canonical": address.lower(),
                    "country": row.get("country", "FR"),
                    "city": row.get("city"),
                    "is_subscriber": row.get("is_subscriber", False),
                    "consent_wording": "J'accepte.",
                    "locale": "fr",
                    "flag_reason": row.get("flag_reason"),
                    "created_dt": start,
                    "confirmed_dt": row.get("confirmed_dt", start + timedelta(seconds=n)),
                }
            )
        db.session.execute(insert(Signature), values)
        db.session.commit()
        db.session.remove()
