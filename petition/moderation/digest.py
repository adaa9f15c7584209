"""The mail that tells moderators comments wait: at most one per MODERATION_DIGEST_MINUTES, whatever
the number of app processes, sent through the outbox in the transaction that made the wait."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from petition.accounts.service import staff_emails
from petition.core.email import canonical_email
from petition.core.time import utcnow
from petition.core.urls import absolute_url
from petition.database import insert_missing
from petition.extensions import db
from petition.mail import service as mail
from petition.moderation import queue
from petition.moderation.models import DigestState

STATE_ID = 1


def notify_if_due() -> bool:
    """Queue the digest if the last one is older than the interval; True if it did."""
    db.session.execute(insert_missing(DigestState.__table__, {"id": STATE_ID}))
    # A process that finds the row locked leaves the decision to the one holding it.
    state = db.session.scalar(
        select(DigestState).where(DigestState.id == STATE_ID).with_for_update(skip_locked=True)
    )
    now = utcnow()
    interval = timedelta(minutes=current_app.config["MODERATION_DIGEST_MINUTES"])
    if state is None or (state.last_sent_dt is not None and now - state.last_sent_dt < interval):
        return False
    recipients = staff_emails("moderator")
    if not recipients:
        return False
    waiting = queue.counts()
    queue_url = absolute_url("moderation.pending")
    for address in recipients:
        mail.enqueue(
            recipient=address,
            recipient_key=canonical_email(address),
            template="moderation/digest",
            locale=current_app.config["BABEL_DEFAULT_LOCALE"],
            waiting=waiting,
            queue_url=queue_url,
            interval=current_app.config["MODERATION_DIGEST_MINUTES"],
        )
    state.last_sent_dt = now
    return True
