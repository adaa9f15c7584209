"""Reply notifications: an author who left an address confirms it first (double opt-in), then gets
a mail when a reply to their comment is published, and can stop these mails from any of them
(the mailing list REPLIES, whose unsubscribe links name the comment answered).
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from petition.comments.models import Comment, ReplyNotifications
from petition.core.time import utcnow
from petition.core.tokens import BadToken, make_token, read_token
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import db
from petition.mail import service as mail
from petition.petitions import service as petitions
from petition.privacy import consents

CONFIRM = "comment-notifications-confirm"
REPLIES = "comments/replies"

BadLink = BadToken


def load(token: str) -> int:
    """The comment id that a mailed confirmation link stands for; raises BadLink
    (expired=True for a link older than CONFIRM_TOKEN_DAYS)."""
    return read_token(token, CONFIRM, max_age=timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"]))


def ask(comment: Comment) -> None:
    """Mark the comment's address as waiting for confirmation and queue the mail that asks, in the
    caller's transaction, unless its canonical mailbox had its day's share of mail."""
    comment.reply_notifications = ReplyNotifications.ASKED
    if mail.daily_cap_reached(comment.email_canonical):
        return
    db.session.flush()
    mail.enqueue(
        "comments/confirm_notifications",
        recipient=comment.email,
        recipient_key=comment.email_canonical,
        locale=comment.locale,
        comment=comment.id,
    )


@mail.composer("comments/confirm_notifications")
def _confirmation_mail(params: dict, locale: str) -> dict | None:
    comment = db.session.get(Comment, params["comment"])
    if comment is None or comment.reply_notifications != ReplyNotifications.ASKED or not comment.email:
        return None
    return {
        "petition": petitions.localized(comment.petition, locale),
        "confirm_url": absolute_url(
            "comments.confirm_notifications", token=make_token(comment.id, CONFIRM), lang=locale
        ),
    }


def confirm(comment: Comment) -> None:
    """Turn reply mails on for a comment whose address was confirmed (a write transaction)."""
    with write_transaction():
        if comment.reply_notifications == ReplyNotifications.ASKED and comment.email:
            comment.reply_notifications = ReplyNotifications.ON


def stop(email_canonical: str) -> None:
    """No more reply mails to this address, for any of its comments (a write transaction)."""
    with write_transaction():
        db.session.execute(
            update(Comment)
            .where(
                Comment.email_canonical == email_canonical,
                Comment.reply_notifications.in_([ReplyNotifications.ASKED, ReplyNotifications.ON]),
            )
            .values(reply_notifications=ReplyNotifications.OFF)
            .execution_options(synchronize_session=False)
        )
        consents.take_back(subject=email_canonical, purpose="comment.notifications")


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
        "comments/reply",
        recipient=answered.email,
        recipient_key=answered.email_canonical,
        locale=answered.locale,
        reply=reply.id,
    )


@mail.composer("comments/reply")
def _reply_mail(params: dict, locale: str) -> dict | None:
    """The reply as it is when the mail is written: nothing if it is no longer public, or if the
    person answered asked for no more mail meanwhile."""
    reply = db.session.get(Comment, params["reply"])
    if (
        reply is None
        or not reply.is_public
        or reply.reply_to is None
        or reply.reply_to.reply_notifications != ReplyNotifications.ON
    ):
        return None
    return {
        "reply": reply,
        "petition": petitions.localized(reply.petition, locale),
        "reply_url": absolute_url("comments.permalink", comment_id=reply.id, lang=locale),
        "unsubscribe_url": mail.unsubscribe_url(REPLIES, reply.reply_to_id, locale),
    }


def _replies_subscribed(comment_id: int) -> bool | None:
    comment = db.session.get(Comment, comment_id)
    return None if comment is None or not comment.email_canonical else wanted(comment.email_canonical)


def _replies_unsubscribe(comment_id: int) -> None:
    comment = db.session.get(Comment, comment_id)
    if comment is not None and comment.email_canonical:
        stop(comment.email_canonical)


mail.mailing_list(
    REPLIES,
    subscribed=_replies_subscribed,
    unsubscribe=_replies_unsubscribe,
    about=_l("Vous ne recevrez plus d'e-mail quand quelqu'un répond à l'un de vos commentaires."),
)
