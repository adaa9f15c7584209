"""Reply notifications: an author who left an address confirms it first (double opt-in), then gets
a mail when a reply to their comment is published, and can stop these mails from any of them.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from petition.comments.models import Comment, ReplyNotifications
from petition.core.time import utcnow
from petition.core.tokens import BadToken, make_token, read_token
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import db
from petition.mail import service as mail
from petition.petitions import service as petitions

CONFIRM = "comment-notifications-confirm"
STOP = "comment-notifications-stop"


BadLink = BadToken


def load(token: str, purpose: str):
    """The comment id (CONFIRM) or canonical address (STOP) that a mailed link stands for;
    raises BadLink (expired=True for a confirmation link older than CONFIRM_TOKEN_DAYS)."""
    max_age = timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"]) if purpose == CONFIRM else None
    return read_token(token, purpose, max_age=max_age)


def ask(comment: Comment) -> None:
    """Mark the comment's address as waiting for confirmation and queue the mail that asks, in the
    caller's transaction, unless its canonical mailbox had its day's share of mail."""
    comment.reply_notifications = ReplyNotifications.ASKED
    if mail.daily_cap_reached(comment.email_canonical):
        return
    db.session.flush()
    mail.enqueue(
        recipient=comment.email,
        recipient_key=comment.email_canonical,
        template="comments/confirm_notifications",
        locale=comment.locale,
        comment=comment,
        petition=petitions.localized(comment.petition, comment.locale),
        confirm_url=absolute_url("comments.confirm_notifications", token=make_token(comment.id, CONFIRM)),
    )


def confirm(comment: Comment) -> None:
    with write_transaction():
        if comment.reply_notifications == ReplyNotifications.ASKED and comment.email:
            comment.reply_notifications = ReplyNotifications.ON


def stop(email_canonical: str) -> None:
    """No more reply mails to this address, for any of its comments."""
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
        reply_url=absolute_url("comments.permalink", comment_id=reply.id),
        stop_url=absolute_url(
            "comments.stop_notifications", token=make_token(answered.email_canonical, STOP)
        ),
    )
