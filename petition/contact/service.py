"""Messages to the committee: kept for the admins to read in the back office, each one announced
to them by mail through the outbox, in the transaction that keeps it."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from petition.accounts.service import staff_emails
from petition.contact.models import ContactMessage
from petition.core.email import canonical_email
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import db
from petition.mail import service as mail

PER_PAGE = 50
MESSAGE_MAIL = "contact/message"


@dataclass
class Draft:
    name: str
    email: str
    message: str


def receive(draft: Draft, locale: str, robot_signal: str | None = None) -> ContactMessage:
    """Keep a message (a write transaction). Each active admin gets a mail with it, unless it looks
    sent by a robot (`robot_signal`, from GuardedForm.robot_signal): such messages are kept, marked,
    and never mailed, so that the form cannot be used to fill the admins' inboxes."""
    with write_transaction():
        kept = ContactMessage(
            name=draft.name,
            email=draft.email,
            message=draft.message,
            locale=locale,
            robot_signal=robot_signal,
        )
        db.session.add(kept)
        db.session.flush()
        if robot_signal is None:
            for address in staff_emails("admin"):
                mail.enqueue(
                    MESSAGE_MAIL,
                    recipient=address,
                    recipient_key=canonical_email(address),
                    locale=current_app.config["BABEL_DEFAULT_LOCALE"],
                    message=kept.id,
                )
    return kept


@mail.composer(MESSAGE_MAIL)
def _message_mail(params: dict, locale: str) -> dict | None:
    message = db.session.get(ContactMessage, params["message"])
    if message is None:
        return None
    return {
        "message": message,
        "link": absolute_url("contact.admin_message", message_id=message.id, lang=locale),
    }


def inbox(page: int):
    """The messages, newest first, one page at a time (a Flask-SQLAlchemy Pagination)."""
    query = select(ContactMessage).order_by(ContactMessage.created_dt.desc(), ContactMessage.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)


def unread() -> int:
    """Messages from people (not robots) that no admin has opened yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(ContactMessage)
        .where(ContactMessage.read_dt.is_(None), ContactMessage.robot_signal.is_(None))
    )


def open_message(message_id: int, reader_id: int) -> ContactMessage | None:
    """The message, marked as read by the admin `reader_id` the first time an admin opens it (a write
    transaction then)."""
    message = db.session.get(ContactMessage, message_id)
    if message is not None and message.read_dt is None:
        with write_transaction():
            message.read_dt = utcnow()
            message.read_by_id = reader_id
    return message
