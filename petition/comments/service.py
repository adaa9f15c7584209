"""Comment rules: posting and replying, the author's edits, readers' reports, and the state changes
moderators make. Every change that may alter what the public sees ends in `_refresh()`, which
keeps the thread listing and the counts exact, clears the petition page's comment fragment
(comments/preview.py) and sends the reply notification that applies.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from petition import i18n
from petition.accounts.models import User
from petition.audit import service as audit
from petition.caching import clear_after_commit
from petition.comments import notifications, words
from petition.comments.authorship import new_token
from petition.comments.models import (
    Comment,
    CommentCounts,
    CommentReport,
    CommentStatus,
    ReportReason,
    WordKind,
)
from petition.core.email import canonical_email
from petition.core.network import hash_ip
from petition.core.text import has_link
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.database import insert_missing
from petition.extensions import cache, db
from petition.i18n import organiser_name
from petition.moderation import digest
from petition.petitions.models import CommentModeration, Petition
from petition.privacy import consents


class Refused(Exception):
    """A comment that cannot be accepted as it is; `message` says why, in the visitor's words."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class AlreadyReceived(Exception):
    """The same comment came again from the same author (a double click, a resend): it is kept once.

    `comment` is the one recorded first; `token` is a new secret for it, because the browser may
    have dropped the first answer (a second click cancels the first request) and with it the
    cookie that lets its author see and edit the comment.
    """

    def __init__(self, comment: "Comment", token: str):
        super().__init__(comment.id)
        self.comment = comment
        self.token = token


@dataclass
class Draft:
    author_name: str
    text: str
    email: str | None = None
    reply_to_id: int | None = None
    # The words shown beside the address field: kept as the consent to reply mails.
    consent_wording: str = ""


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])


def still_editable(comment: Comment) -> bool:
    """The author's own changes are allowed for a while after posting, and not after a decision
    that took the comment down."""
    return (
        not comment.is_official
        and comment.status in (CommentStatus.PENDING, CommentStatus.APPROVED)
        and utcnow() < comment.created_dt + edit_window()
    )


def _check_words(author_name: str, text: str) -> str | None:
    """Refuses a banned word; returns why the comment must wait for a moderator, if it must."""
    for field, value in (("author_name", author_name), ("text", text)):
        message = words.refusal(value)
        if message:
            raise Refused(message, field=field)
    if has_link(text):
        return "link"
    suspect = words.find(f"{author_name}\n{text}", WordKind.SUSPECT)
    if suspect:
        return f"word: {suspect}"[:120]
    return None


def _place_reply(petition: Petition, reply_to_id: int, owned_ids: set[int]) -> tuple[Comment, Comment]:
    """(the comment answered, the parent the reply hangs from)."""
    answered = db.session.get(Comment, reply_to_id)
    if answered is None or answered.petition_id != petition.id:
        raise Refused(
            _l("Le commentaire auquel vous répondez n'existe pas, ou plus. Publiez un nouveau commentaire.")
        )
    if answered.id in owned_ids and still_editable(answered):
        # Answering oneself over and over floods a thread; completing the comment does not.
        raise Refused(_l("Pour compléter votre propre commentaire, modifiez-le plutôt que d'y répondre."))
    if not answered.is_public:
        raise Refused(
            _l(
                "Ce commentaire n'est pas publié : on ne peut pas y répondre. Votre texte est gardé ci-dessous, "
                "vous pouvez le publier comme nouveau commentaire."
            )
        )
    parent = answered if answered.depth < current_app.config["COMMENT_MAX_DEPTH"] else answered.parent
    return answered, parent


def _just_received(
    petition: Petition, answered: Comment | None, draft: Draft, ip_hash: str | None, owned_ids
) -> Comment | None:
    """The same comment (thread, comment answered, name and text) sent by the same author (this
    browser, or the same network) less than COMMENT_REPEAT_SECONDS ago, if there is one."""
    since = utcnow() - timedelta(seconds=current_app.config["COMMENT_REPEAT_SECONDS"])
    same_author = [Comment.id.in_(list(owned_ids))] if owned_ids else []
    if ip_hash is not None:
        same_author.append(Comment.ip_hash == ip_hash)
    if not same_author:
        return None
    return db.session.scalar(
        select(Comment)
        .where(
            Comment.petition_id == petition.id,
            Comment.reply_to_id == answered.id if answered else Comment.reply_to_id.is_(None),
            Comment.created_dt >= since,
            Comment.author_name == draft.author_name,
            Comment.text == draft.text,
            Comment.status.in_([CommentStatus.PENDING, CommentStatus.APPROVED]),
            or_(*same_author),
        )
        .order_by(Comment.id)
        .limit(1)
    )


def post(
    petition: Petition,
    draft: Draft,
    *,
    locale: str,
    ip: str | None,
    robot_signal: str | None = None,
    owned_ids: frozenset[int] | set[int] = frozenset(),
) -> tuple[Comment, str]:
    """Record a comment or a reply (a write transaction); returns it with the secret its author's
    browser keeps. Raises AlreadyReceived, with a fresh secret, when the same author sent the same
    text to the same place within COMMENT_REPEAT_SECONDS (a double click, a resend)."""
    with write_transaction():
        answered = parent = None
        if draft.reply_to_id is not None:
            answered, parent = _place_reply(petition, draft.reply_to_id, owned_ids)

        ip_hash = hash_ip(ip)
        repeated = _just_received(petition, answered, draft, ip_hash, owned_ids)
        if repeated is not None:
            # The browser may have lost the first answer: it gets a fresh secret for the comment.
            token, repeated.edit_token_hash = new_token()
        else:
            if robot_signal == "honeypot":
                status, hold_reason = CommentStatus.SPAM, "honeypot"
            else:
                held_for = _check_words(draft.author_name, draft.text)
                hold_reason = robot_signal or held_for
                published_at_once = (
                    petition.comment_moderation == CommentModeration.POST and hold_reason is None
                )
                status = CommentStatus.APPROVED if published_at_once else CommentStatus.PENDING

            token, token_hash = new_token()
            comment = Comment(
                petition=petition,
                parent=parent,
                root_id=parent.thread_id if parent else None,
                reply_to=answered,
                depth=parent.depth + 1 if parent else 0,
                author_name=draft.author_name,
                text=draft.text,
                status=status,
                hold_reason=hold_reason,
                edit_token_hash=token_hash,
                locale=locale,
                ip_hash=ip_hash,
            )
            db.session.add(comment)
            if draft.email and status != CommentStatus.SPAM:
                comment.email = draft.email
                comment.email_canonical = canonical_email(draft.email)
                notifications.ask(comment)
                db.session.flush()
                consents.give(
                    comment.email_canonical,
                    "comment.notifications",
                    draft.consent_wording,
                    locale=locale,
                    source=f"comment:{comment.id}",
                )
            if comment.is_public:
                _refresh(comment)
            else:
                db.session.flush()  # held back: the public listing and counts stay as they are
            if status == CommentStatus.PENDING:
                digest.notify_if_due()
    if repeated is not None:
        raise AlreadyReceived(repeated, token)
    return comment, token


def edit(comment: Comment, author_name: str, text: str) -> None:
    """The author's correction. It goes back through moderation, so that an approved comment
    cannot be turned into something a moderator never saw."""
    with write_transaction():
        if not still_editable(comment):
            raise Refused(edit_closed_message())
        comment.hold_reason = _check_words(author_name, text)
        comment.author_name = author_name
        comment.text = text
        comment.edited_dt = utcnow()
        if comment.status == CommentStatus.APPROVED:
            comment.status = CommentStatus.PENDING
            comment.decided_dt = None
        _refresh(comment)
        digest.notify_if_due()


def edit_closed_message():
    return _l(
        "Le délai pour modifier ou supprimer ce commentaire est passé (%(minutes)s minutes après sa publication).",
        minutes=current_app.config["COMMENT_EDIT_MINUTES"],
    )


def delete_by_author(comment: Comment) -> None:
    """The author takes the comment back: what they wrote and their address are erased."""
    with write_transaction():
        if not still_editable(comment):
            raise Refused(edit_closed_message())
        # The audit log keeps what was erased, so that the committee can still answer for it.
        audit.record(
            "comment.delete_by_author",
            "comment",
            comment.id,
            before={"status": comment.status.value, "author_name": comment.author_name, "text": comment.text},
            after={"status": CommentStatus.DELETED.value},
        )
        comment.status = CommentStatus.DELETED
        comment.text = ""
        comment.email = comment.email_canonical = None
        comment.reply_notifications = None
        comment.is_featured = False
        comment.edited_dt = comment.author_deleted_dt = utcnow()
        consents.take_back(source=f"comment:{comment.id}")
        _refresh(comment)


def erase_author(comment: Comment, keep_text: bool, keep_name: bool) -> None:
    """What erasing a person's data does to one of their comments, in the caller's transaction:
    the address, the browser's secret and the network go; the name goes unless `keep_name`
    ("Anonyme" is shown instead); without `keep_text` the comment is deleted as its author would
    delete it (replies stay, under a "deleted" notice). The audit log forgets the name and text
    it kept of it."""
    comment.email = comment.email_canonical = None
    comment.reply_notifications = None
    comment.edit_token_hash = None
    comment.ip_hash = None
    if not keep_name or not keep_text:
        comment.author_name = ""
    if not keep_text:
        comment.status = CommentStatus.DELETED
        comment.text = ""
        comment.is_featured = False
        comment.edited_dt = comment.author_deleted_dt = utcnow()
    forgotten = []
    if not comment.author_name:
        forgotten.append("author_name")
    if not keep_text:
        forgotten.append("text")
    audit.forget("comment", comment.id, forgotten)
    _refresh(comment)


def report(
    comment: Comment, reason: ReportReason, note: str | None, *, reader_key: str, ip: str | None
) -> bool:
    """A reader's report; False if this reader (browser or network) already reported it.

    Past COMMENT_REPORTS_TO_HIDE open reports the comment is hidden until a moderator decides.
    """
    with write_transaction():
        db.session.add(
            CommentReport(
                comment_id=comment.id,
                reason=reason,
                note=note or None,
                reader_key=reader_key,
                ip_hash=hash_ip(ip),
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return False
        if (
            not comment.hidden_by_reports
            and open_reports(comment.id) >= current_app.config["COMMENT_REPORTS_TO_HIDE"]
        ):
            comment.hidden_by_reports = True
            _refresh(comment)
            digest.notify_if_due()
    return True


def open_reports(comment_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CommentReport)
        .where(CommentReport.comment_id == comment_id, CommentReport.resolved_dt.is_(None))
    )


# State changes made by moderators. They do not commit: the caller records the action in the
# audit log and commits both together.


def deleted_by_author_message():
    return _l("Son auteur a supprimé ce commentaire : il ne peut plus être publié.")


def decide(comment: Comment, status: CommentStatus, note: str | None = None, by: User | None = None) -> None:
    """Approve, reject, mark as spam or delete. Deciding closes the open reports: approving a
    comment hidden by reports shows it again.

    Raises Refused for a comment its author deleted: that deletion is final.
    """
    if comment.deleted_by_author:
        raise Refused(deleted_by_author_message())
    comment.status = status
    comment.decision_note = note
    comment.decided_dt = utcnow()
    comment.decided_by = by
    comment.hidden_by_reports = False
    if status != CommentStatus.APPROVED:
        comment.is_featured = False
    db.session.execute(
        update(CommentReport)
        .where(CommentReport.comment_id == comment.id, CommentReport.resolved_dt.is_(None))
        .values(resolved_dt=utcnow())
        .execution_options(synchronize_session=False)
    )
    _refresh(comment)


def set_featured(comment: Comment, featured: bool, by: User | None = None) -> None:
    """Raises Refused for a comment its author deleted."""
    if comment.deleted_by_author:
        raise Refused(deleted_by_author_message())
    if featured and not comment.is_public:
        decide(comment, CommentStatus.APPROVED, by=by)
    comment.is_featured = featured
    _forget_preview(comment.petition_id)


def official_reply(answered: Comment, text: str, by: User | None = None) -> Comment:
    """The committee's answer, published at once with its badge; a waiting comment it answers is
    approved with it. Raises Refused when the comment answered is not public and cannot be made so."""
    if answered.deleted_by_author:
        raise Refused(deleted_by_author_message())
    if answered.status == CommentStatus.PENDING or answered.hidden_by_reports:
        decide(answered, CommentStatus.APPROVED, by=by)
    if not answered.is_public:
        raise Refused(_l("Ce commentaire n'est pas publié : on ne peut pas y répondre."))
    parent = answered if answered.depth < current_app.config["COMMENT_MAX_DEPTH"] else answered.parent
    # Kept in the default language for the record; pages show the name in the reader's language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        signed_as = organiser_name()[:60]
    reply = Comment(
        petition_id=answered.petition_id,
        parent=parent,
        root_id=parent.thread_id,
        reply_to=answered,
        depth=parent.depth + 1,
        author_name=signed_as,
        text=text,
        status=CommentStatus.APPROVED,
        is_official=True,
        decided_dt=utcnow(),
        decided_by=by,
    )
    db.session.add(reply)
    _refresh(reply)
    return reply


def preview_key(petition_id: int, locale: str) -> str:
    """The cache key of the petition page's comment fragment (comments/preview.py)."""
    return f"comment-preview/{petition_id}/{locale}"


def _forget_preview(petition_id: int) -> None:
    clear_after_commit(
        lambda: cache.delete_many(*(preview_key(petition_id, locale) for locale in i18n.LANGUAGES))
    )


def _refresh(comment: Comment) -> None:
    _forget_preview(comment.petition_id)
    db.session.flush()
    _refresh_listing(comment.thread_id)
    _refresh_counts(comment.petition_id)
    if comment.is_public:
        notifications.reply_published(comment)


def _refresh_listing(root_id: int) -> None:
    # Two EXISTS rather than one with OR: each is an index lookup (the root, then its replies).
    has_public = db.session.scalar(
        select(
            or_(
                exists().where(Comment.id == root_id, Comment.public_filter()),
                exists().where(Comment.root_id == root_id, Comment.public_filter()),
            )
        )
    )
    db.session.execute(
        update(Comment)
        .where(Comment.id == root_id)
        .values(listed=bool(has_public))
        .execution_options(synchronize_session="fetch")
    )


def _refresh_counts(petition_id: int) -> None:
    """Recount rather than add and subtract: exact after any sequence of changes.

    The counts row is locked first, so that two changes committing at once on PostgreSQL are
    counted one after the other instead of each missing the other's.
    """
    db.session.execute(insert_missing(CommentCounts.__table__, {"petition_id": petition_id}))
    db.session.execute(
        select(CommentCounts.petition_id).where(CommentCounts.petition_id == petition_id).with_for_update()
    )
    public = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.petition_id == petition_id, Comment.public_filter())
    )
    # Only a thread's first comment is ever listed: counted from the listing index alone.
    threads = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.petition_id == petition_id, Comment.listed.is_(True))
    )
    db.session.execute(
        update(CommentCounts)
        .where(CommentCounts.petition_id == petition_id)
        .values(public=public, threads=threads)
        .execution_options(synchronize_session=False)
    )
