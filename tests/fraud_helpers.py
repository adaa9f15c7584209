"""Signatures written in bulk, as a flood would leave them, for the fraud tests."""

import secrets

from sqlalchemy import insert, select

from petition.core.network import hash_ip
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from petition.signing import service as signing
from petition.signing.models import Signature, SignatureStatus


def flood(
    app,
    n: int,
    network: str = "203.0.113.",
    country: str = "MA",
    confirmed: bool = True,
    flag: str | None = None,
) -> None:
    """n signatures from one /24 written in bulk, counted as the site counts them."""
    now = utcnow()
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == "kleema"))
        rows = [
            {
                "petition_id": petition_id,
                "token": secrets.token_urlsafe(18),
                "status": SignatureStatus.CONFIRMED if confirmed else SignatureStatus.PENDING,
                "first_name": "Robot",
                "last_name": str(i),
                "email": f"bot{i}@{network.replace('.', '-')}example.org",
                "email_canonical": f"bot{i}@{network.replace('.', '-')}example.org",
                "country": country if i % 5 else "FR",
                "consent_wording": "",
                "locale": "fr",
                "ip_hash": hash_ip(f"{network}{i % 250 + 1}"),
                "created_dt": now,
                "flag_reason": flag,
                "confirmed_dt": now if confirmed else None,
            }
            for i in range(n)
        ]
        db.session.execute(insert(Signature), rows)
        counting.reconcile(petition_id, signing.counted_by_country, repair=True)
        db.session.commit()
        db.session.remove()
