"""Existing keys are recomputed when aliases start to fold: one mailbox keeps its earliest signature."""

from datetime import timedelta
from types import SimpleNamespace

from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from petition.comments.models import Comment, CommentStatus
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition
from petition.signing import service as signing
from petition.signing.models import Signature, SignatureStatus


def _signature(petition, email, status, minutes_ago, **fields) -> dict:
    # Rows are written with Core inserts of the columns named here, so that columns added by later
    # migrations (absent at this revision) are left out.
    return dict(
        petition_id=petition.id,
        token=f"t-{email}"[:32],
        status=status,
        first_name="Karim",
        last_name="Benali",
        email=email,
        email_canonical=email.casefold(),  # the key before aliases were folded
        country="MA",
        consent_wording="",
        created_dt=utcnow() - timedelta(minutes=minutes_ago),
        confirmed_dt=utcnow() if status == SignatureStatus.CONFIRMED else None,
        **fields,
    )


def test_aliases_of_one_mailbox_keep_the_earliest_signature(app):
    with app.app_context():
        downgrade(revision="0006_outbox_params")
        # Read with Core: the model has columns that later migrations add.
        petitions = Petition.__table__
        petition = SimpleNamespace(
            id=db.session.execute(select(petitions.c.id).where(petitions.c.slug == "kleema")).scalar_one()
        )
        rows = {
            "later": _signature(petition, "karimbenali@gmail.com", SignatureStatus.CONFIRMED, 10, city="Fès"),
            "earliest": _signature(petition, "Karim.Benali@gmail.com", SignatureStatus.CONFIRMED, 60),
            "pending": _signature(petition, "Karim.Benali+kleema@googlemail.com", SignatureStatus.PENDING, 5),
            "other": _signature(petition, "amal+petition@outlook.com", SignatureStatus.CONFIRMED, 30),
        }
        ids = {
            name: db.session.execute(insert(Signature.__table__).values(**values)).inserted_primary_key[0]
            for name, values in rows.items()
        }
        comment = dict(
            petition_id=petition.id,
            depth=0,
            author_name="Karim",
            text="Je signe",
            status=CommentStatus.APPROVED,
            email="K.arim.Benali+c@gmail.com",
            email_canonical="k.arim.benali+c@gmail.com",
        )
        comment_id = db.session.execute(insert(Comment.__table__).values(**comment)).inserted_primary_key[0]
        counting.add(petition.id, "MA", 3)
        db.session.commit()
        other_id, petition_id = ids["other"], petition.id
        db.session.remove()

        upgrade()

        def row(signature_id):
            return db.session.get(Signature, signature_id)

        assert row(ids["earliest"]).email_canonical == "karimbenali@gmail.com"
        assert row(ids["earliest"]).status == SignatureStatus.CONFIRMED
        for duplicate in ("later", "pending"):
            assert row(ids[duplicate]).status == SignatureStatus.WITHDRAWN
            assert row(ids[duplicate]).email_canonical.startswith("karimbenali@gmail.com#duplicate-")
        assert row(ids["later"]).first_name == "" and row(ids["later"]).city is None
        assert row(other_id).email_canonical == "amal@outlook.com"
        assert db.session.get(Comment, comment_id).email_canonical == "karimbenali@gmail.com"
        # The later confirmed duplicate no longer counts; the count stays exact.
        assert counting.total(petition_id) == 2
        assert not counting.reconcile(petition_id, signing.counted_by_country).differences
        assert (
            db.session.scalar(select(Signature.id).where(Signature.counts, Signature.id == ids["later"]))
            is None
        )
        db.session.remove()
