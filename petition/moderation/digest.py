"""The mail that tells moderators comments wait: at most one per MODERATION_DIGEST_MINUTES, whatever
the number of app processes, sent through the outbox in the transaction that made the wait. It is a
mailing list (DIGEST, links naming the account): each moderator can stop it from any of its mails."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from petition.accounts import service as accounts
from petition.core.email import canonical_email
from petition.core.time import utcnow
from petition.core.urls import absolute_url
from petition.database import insert_missing
from petition.extensions import db
from petition.mail import service as mail
from petition.moderation import queue
from petition.moderation.models import DigestState

STATE_ID = 1
DIGEST = "moderation/digest"


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
    recipients = accounts.digest_recipients()
    if not recipients:
        return False
    waiting = queue.counts()
    for user_id, address in recipients:
        mail.enqueue(
            DIGEST,
            recipient=address,
            recipient_key=canonical_email(address),
            locale=current_app.config["BABEL_DEFAULT_LOCALE"],
            user=user_id,
            pending=waiting.pending,
            reported=waiting.reported,
        )
    state.last_sent_dt = now
    return True


@mail.composer(DIGEST)
def _digest_mail(params: dict, locale: str) -> dict | None:
    """The queue as it was when the mail was queued; nothing if the account stopped the digest since."""
    if not accounts.gets_digest(params["user"]):
        return None
    return {
        "waiting": queue.Counts(pending=params["pending"], reported=params["reported"]),
        "queue_url": absolute_url("moderation.pending", lang=locale),
        "interval": current_app.config["MODERATION_DIGEST_MINUTES"],
        "unsubscribe_url": mail.unsubscribe_url(DIGEST, params["user"], locale),
    }


mail.mailing_list(
    DIGEST,
    subscribed=accounts.gets_digest,
    unsubscribe=accounts.stop_digest,
    about=_l("Vous ne recevrez plus le message qui signale les commentaires en attente de modération."),
)
