"""What readers and moderators read for the reasons stored as short keys."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from petition.comments.models import Comment, CommentStatus, RejectReason, ReportReason
from petition.i18n import organiser_name

REPORT_REASONS = {
    ReportReason.SPAM: _l("Publicité ou spam"),
    ReportReason.ABUSE: _l("Insulte, haine ou harcèlement"),
    ReportReason.OFF_TOPIC: _l("Hors sujet"),
    ReportReason.FALSE_INFORMATION: _l("Fausse information"),
    ReportReason.OTHER: _l("Autre raison"),
}

REJECT_REASONS = {
    RejectReason.RULES: _l("Ne respecte pas les règles de la discussion"),
    RejectReason.ABUSE: _l("Insulte, haine ou harcèlement"),
    RejectReason.UNVERIFIED: _l("Accusation ou information invérifiable"),
    RejectReason.PERSONAL_DATA: _l("Données personnelles d'autrui"),
    RejectReason.OFF_TOPIC: _l("Hors sujet"),
    RejectReason.ADVERTISING: _l("Publicité"),
}


def reject_reason(key: str | None):
    try:
        return REJECT_REASONS[RejectReason(key)]
    except ValueError:
        return REJECT_REASONS[RejectReason.RULES]


STATUS = {
    CommentStatus.PENDING: _l("En attente"),
    CommentStatus.APPROVED: _l("Publié"),
    CommentStatus.REJECTED: _l("Refusé"),
    CommentStatus.SPAM: _l("Spam"),
    CommentStatus.DELETED: _l("Supprimé"),
}


def author(comment: Comment) -> str:
    """The name a comment is signed with; the committee's replies carry its name in the reader's
    language, and a comment whose author erased their name reads "Anonyme"."""
    if comment.is_official:
        return organiser_name()
    return comment.author_name or gettext("Anonyme")


def status(comment: Comment):
    """The state of a comment in a word or two, as moderators read it in the queue."""
    if comment.status == CommentStatus.APPROVED and comment.hidden_by_reports:
        return _l("Masqué après signalements")
    if comment.status == CommentStatus.APPROVED and comment.decided_dt is None and not comment.is_official:
        return _l("Publié sans relecture")
    if comment.status == CommentStatus.DELETED and comment.decided_dt is None:
        return _l("Supprimé par son auteur")
    return STATUS[comment.status]


def hold_reason(comment: Comment):
    """Why a comment waits even where comments are published at once."""
    reason = comment.hold_reason or ""
    if reason == "link":
        return _l("Contient une adresse de site")
    if reason.startswith("word: "):
        # gettext, not a lazy string: Jinja prints lazy strings unescaped, and the word is typed text.
        return gettext("Mot à surveiller : « %(word)s »", word=reason.removeprefix("word: "))
    if reason == "no-timer":
        return _l("Formulaire envoyé sans passer par la page (robot ?)")
    if reason == "honeypot":
        return _l("Champ piège rempli (robot)")
    return None
