"""Reply notifications: an author who left an address confirms it first (double opt-in), then gets
a mail when a reply to their comment is published, and can stop these mails from any of them.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from petition.comments.models import Comment, ReplyNotifications
from petition.core.time import utcnow
from petition.extensions import db
from petition.mail import service as mail
from petition.petitions import service as petitions

CONFIRM = "comment-notifications-confirm"
STOP = "comment-notifications-stop"


class BadLink(Exception):
    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _url(endpoint: str, **values) -> str:
    """An absolute link for a mail; moderators' actions and commands queue mail outside a request."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def load(token: str, purpose: str):
    """The comment id (CONFIRM) or canonical address (STOP) that a mailed link stands for."""
    max_age = current_app.config["CONFIRM_TOKEN_DAYS"] * 86400 if purpose == CONFIRM else None
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise BadLink(expired=True) from None
    except BadSignature:
        raise BadLink from None


def ask(comment: Comment) -> None:
    """Mark the comment's address as waiting for confirmation and queue the mail that asks."""
    comment.reply_notifications = ReplyNotifications.ASKED
    if mail.sent_recently(comment.email_canonical) >= current_app.config["MAILS_PER_ADDRESS_PER_DAY"]:
        return
    db.session.flush()
    mail.enqueue(
        recipient=comment.email,
        recipient_key=comment.email_canonical,
        template="comments/confirm_notifications",
        locale=comment.locale,
        comment=comment,
        petition=petitions.localized(comment.petition, comment.locale),
        confirm_url=_url("comments.confirm_notifications", token=_serializer(CONFIRM).dumps(comment.id)),
    )


def confirm(comment: Comment) -> None:
    if comment.reply_notifications == ReplyNotifications.ASKED and comment.email:
        comment.reply_notifications = ReplyNotifications.ON
    db.session.commit()


def stop(email_canonical: str) -> None:
    """No more reply mails to this address, for any of its comments."""
    db.session.execute(
        update(Comment)
        .where(
            Comment.email_canonical == email_canonical,
            Comment.reply_notifications.in_([ReplyNotifications.ASKED, ReplyNotifications.ON]),
        )
        .values(reply_notifications=ReplyNotifications.OFF)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def wanted(email_canonical: str) -> bool:
    """Whether some comment of this address still asks for, or gets, reply mails."""
    return bool(
        db.session.scalar(
            select(Comment.id)
            .where(
                Comment.email_canonical == email_canonical,
                Comment.reply_notifications.in_([ReplyNotifications.ASKED, ReplyNotifications.ON]),
            )
            .limit(1)
        )
    )


def reply_published(reply: Comment) -> None:
    """Tell the author of the comment answered, once, the first time the reply is public."""
    if reply.reply_notified_dt is not None or reply.reply_to_id is None:
        return
    reply.reply_notified_dt = utcnow()
    answered = reply.reply_to
    if (
        answered.reply_notifications != ReplyNotifications.ON
        or not answered.email
        or answered.email_canonical == reply.email_canonical
    ):
        return
    mail.enqueue(
        recipient=answered.email,
        recipient_key=answered.email_canonical,
        template="comments/reply",
        locale=answered.locale,
        reply=reply,
        petition=petitions.localized(reply.petition, answered.locale),
        reply_url=_url("comments.permalink", comment_id=reply.id),
        stop_url=_url("comments.stop_notifications", token=_serializer(STOP).dumps(answered.email_canonical)),
    )
