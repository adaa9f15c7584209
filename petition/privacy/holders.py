"""The records each feature keeps about a person, registered with core.personal_data so that
`/my-data` shows, downloads and erases them. Imported by petition/privacy/service.py.

Each holder finds a person by their canonical mailbox (core.email.canonical_email). The
signatures holder runs last (service.erase), because it removes the mailbox that the others
look signatures up by.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, literal, select, update

from petition.comments import service as comments
from petition.comments.models import Comment
from petition.contact.models import ContactMessage
from petition.core.email import canonical_email
from petition.core.personal_data import CommentChoice, Erasure, holder
from petition.extensions import db
from petition.mail.models import OutboxMail
from petition.privacy import consents
from petition.privacy.models import ConsentRecord, DataRequest
from petition.sharing import referrals
from petition.sharing.models import ReferralLink
from petition.signing import service as signing
from petition.signing.models import Signature, SignatureStatus

SIGNATURES = "signatures"
ERASED = "erased:"  # the canonical mailbox of an erased or anonymised signature: this, then its id


def _time(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _signatures_of(subject: str) -> list[Signature]:
    return list(
        db.session.scalars(
            select(Signature).where(Signature.email_canonical == subject).order_by(Signature.id)
        )
    )


# --- Signatures ---------------------------------------------------------------------------------


def _export_signatures(subject: str) -> list[dict]:
    return [
        {
            "petition": signature.petition.slug,
            "status": signature.status.value,
            "counted": bool(signature.counts),
            "first_name": signature.first_name,
            "last_name": signature.last_name,
            "email": signature.email,
            "country": signature.country,
            "city": signature.city,
            "reason": signature.reason,
            "is_subscriber": signature.is_subscriber,
            "show_name": signature.show_name,
            "wants_updates": signature.wants_updates,
            "consent_wording": signature.consent_wording,
            "locale": signature.locale,
            "network_hash_kept": signature.ip_hash is not None,
            "signed": _time(signature.created_dt),
            "confirmed": _time(signature.confirmed_dt),
            "withdrawn": _time(signature.withdrawn_dt),
        }
        for signature in _signatures_of(subject)
    ]


def scrubbed() -> dict:
    """The values that leave nothing personal in a signature row: what erasure and anonymisation
    write. The mailbox and the token become `erased:<id>`, so that the unique indexes stay
    satisfied and no link mailed before opens the row."""
    return {
        "first_name": "",
        "last_name": "",
        "email": "",
        "email_canonical": literal(ERASED).concat(cast(Signature.id, String)),
        # The mailed links (confirm, withdraw, personal link count) name the token: they open nothing now.
        "token": literal(ERASED).concat(cast(Signature.id, String)),
        "city": None,
        "reason": None,
        "ip_hash": None,
        "show_name": False,
        "wants_updates": False,
    }


def _erase_signatures(subject: str, erasure: Erasure) -> int:
    """Withdraw each signature through the signing service (the count and its history follow),
    then remove what identifies the signer."""
    found = _signatures_of(subject)
    for signature in found:
        if signature.status != SignatureStatus.WITHDRAWN:
            signing.withdraw(signature)
    if found:
        db.session.execute(
            update(Signature)
            .where(Signature.id.in_([signature.id for signature in found]))
            .values(scrubbed())
            .execution_options(synchronize_session=False)
        )
    return len(found)


# --- Personal links -----------------------------------------------------------------------------


def _links_of(subject: str) -> list[tuple[Signature, ReferralLink]]:
    return list(
        db.session.execute(
            select(Signature, ReferralLink)
            .join(ReferralLink, ReferralLink.signature_id == Signature.id)
            .where(Signature.email_canonical == subject)
            .order_by(ReferralLink.id)
        ).all()
    )


def _export_links(subject: str) -> list[dict]:
    return [
        {
            "petition": signature.petition.slug,
            "code": link.code,
            "link": referrals.personal_url(signature.petition, link.code),
            "confirmed_signatures_through_it": referrals.confirmed_through(link),
        }
        for signature, link in _links_of(subject)
    ]


def _erase_links(subject: str, erasure: Erasure) -> int:
    ids = [link.id for _, link in _links_of(subject)]
    if ids:
        db.session.execute(delete(ReferralLink).where(ReferralLink.id.in_(ids)))
    return len(ids)


# --- Comments -----------------------------------------------------------------------------------


def _comments_of(subject: str) -> list[Comment]:
    return list(
        db.session.scalars(select(Comment).where(Comment.email_canonical == subject).order_by(Comment.id))
    )


def _export_comments(subject: str) -> list[dict]:
    return [
        {
            "petition": comment.petition.slug,
            "id": comment.id,
            "name": comment.author_name,
            "text": comment.text,
            "status": comment.status.value,
            "notification_address": comment.email,
            "reply_notifications": comment.reply_notifications.value if comment.reply_notifications else None,
            "locale": comment.locale,
            "written": _time(comment.created_dt),
            "edited": _time(comment.edited_dt),
        }
        for comment in _comments_of(subject)
    ]


def _erase_comments(subject: str, erasure: Erasure) -> int:
    found = _comments_of(subject)
    keep_text = erasure.comments != CommentChoice.DELETE
    keep_name = erasure.comments == CommentChoice.KEEP
    for comment in found:
        comments.erase_author(comment, keep_text=keep_text, keep_name=keep_name)
    if found and not keep_name:
        # Reply mails already sent to others kept the text that named this author.
        ids = {comment.id for comment in found}
        for sent in db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "comments/reply")):
            if (sent.params or {}).get("reply") in ids:
                sent.subject = sent.body_text = None
    return len(found)


# --- Consents, requests, mail, contact messages -----------------------------------------------------


def _export_consents(subject: str) -> list[dict]:
    return [
        {
            "purpose": record.purpose,
            "wording": record.wording,
            "wording_version": record.version,
            "locale": record.locale,
            "given": _time(record.given_dt),
            "withdrawn": _time(record.withdrawn_dt),
        }
        for record in consents.of(subject)
    ]


def _erase_consents(subject: str, erasure: Erasure) -> int:
    return db.session.execute(delete(ConsentRecord).where(ConsentRecord.subject == subject)).rowcount


def _export_requests(subject: str) -> list[dict]:
    rows = db.session.scalars(
        select(DataRequest).where(DataRequest.subject == subject).order_by(DataRequest.id)
    )
    return [{"asked": _time(row.created_dt)} for row in rows]


def _erase_requests(subject: str, erasure: Erasure) -> int:
    return db.session.execute(delete(DataRequest).where(DataRequest.subject == subject)).rowcount


def _export_mail(subject: str) -> list[dict]:
    rows = db.session.scalars(
        select(OutboxMail).where(OutboxMail.recipient_key == subject).order_by(OutboxMail.id)
    )
    return [
        {
            "kind": row.kind,
            "to": row.recipient,
            "subject": row.subject,
            "queued": _time(row.created_dt),
            "sent": _time(row.sent_dt),
            "given_up": _time(row.failed_dt),
        }
        for row in rows
    ]


def _erase_mail(subject: str, erasure: Erasure) -> int:
    return db.session.execute(delete(OutboxMail).where(OutboxMail.recipient_key == subject)).rowcount


def _messages_of(subject: str) -> list[ContactMessage]:
    # Few rows, and the canonical form is computed in Python: read them all.
    return [
        message
        for message in db.session.scalars(select(ContactMessage).order_by(ContactMessage.id))
        if canonical_email(message.email) == subject
    ]


def _export_messages(subject: str) -> list[dict]:
    return [
        {
            "name": message.name,
            "email": message.email,
            "message": message.message,
            "sent": _time(message.created_dt),
        }
        for message in _messages_of(subject)
    ]


def _erase_messages(subject: str, erasure: Erasure) -> int:
    ids = {message.id for message in _messages_of(subject)}
    if not ids:
        return 0
    # The mails that brought each message to the admins carry its text, name and address.
    for sent in db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "contact/message")):
        if (sent.params or {}).get("message") in ids:
            db.session.delete(sent)
    db.session.execute(delete(ContactMessage).where(ContactMessage.id.in_(ids)))
    return len(ids)


def register() -> None:
    """Register the holders, the signatures' last (see the module's docstring)."""
    holder("consents", label=_l("Vos consentements"), export=_export_consents, erase=_erase_consents)
    holder("referral_links", label=_l("Vos liens personnels"), export=_export_links, erase=_erase_links)
    holder("comments", label=_l("Vos commentaires"), export=_export_comments, erase=_erase_comments)
    holder(
        "contact_messages", label=_l("Vos messages au comité"), export=_export_messages, erase=_erase_messages
    )
    holder(
        "mail", label=_l("Les courriels que nous vous avons envoyés"), export=_export_mail, erase=_erase_mail
    )
    holder("data_requests", label=_l("Vos demandes d'accès"), export=_export_requests, erase=_erase_requests)
    holder(SIGNATURES, label=_l("Vos signatures"), export=_export_signatures, erase=_erase_signatures)


register()
