"""Consent records: every consent a person gives is kept with the words they saw and its time.

One line for a feature that asks for a consent, in its own transaction:

    consents.give(canonical_email(address), "volunteer.contact", wording, locale=locale,
                  source=f"volunteer:{entry.id}")

and `take_back` when the person withdraws it (an unsubscribe, a withdrawal). Purposes in use:

| purpose | asked by | wording |
|---|---|---|
| `signature.show_name` | the signature form, box ticked | the box's label |
| `signature.updates` | the signature form, box ticked | the box's label |
| `comment.notifications` | the comment form, address given | the field's label and help |
| `volunteer` | the volunteer form | its consent text |

Records are erased with the rest of a person's data (`/my-data`), and anonymised signatures lose
theirs (there is nobody left to ask).
"""

import hashlib

from sqlalchemy import select, update

from petition.core.time import utcnow
from petition.extensions import db
from petition.privacy.models import ConsentRecord


def version_of(wording: str) -> str:
    """The wording's version: the first 16 hex digits of the SHA-256 of its text (UTF-8)."""
    return hashlib.sha256(wording.encode()).hexdigest()[:16]


def give(subject: str, purpose: str, wording: str, *, locale: str, source: str | None = None) -> None:
    """Record that `subject` (a canonical mailbox) consented to `purpose` on seeing `wording`
    (in `locale`), now; in the caller's transaction (adds and flushes)."""
    db.session.add(
        ConsentRecord(
            subject=subject,
            purpose=purpose,
            version=version_of(wording),
            wording=wording,
            locale=locale,
            source=source,
        )
    )
    db.session.flush()


def take_back(*, subject: str | None = None, purpose: str | None = None, source: str | None = None) -> int:
    """Mark the matching consents still in force as withdrawn now, in the caller's transaction.
    Give a subject, a source, or both (with a purpose to narrow). Returns how many."""
    if subject is None and source is None:
        raise ValueError("take_back needs a subject or a source")
    query = update(ConsentRecord).where(ConsentRecord.withdrawn_dt.is_(None))
    if subject is not None:
        query = query.where(ConsentRecord.subject == subject)
    if source is not None:
        query = query.where(ConsentRecord.source == source)
    if purpose is not None:
        query = query.where(ConsentRecord.purpose == purpose)
    return db.session.execute(
        query.values(withdrawn_dt=utcnow()).execution_options(synchronize_session=False)
    ).rowcount


def of(subject: str) -> list[ConsentRecord]:
    """Every consent of this canonical mailbox, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.subject == subject).order_by(ConsentRecord.id)
        )
    )
