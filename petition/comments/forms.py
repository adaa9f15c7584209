from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from petition.comments import words
from petition.comments.labels import REPORT_REASONS
from petition.comments.models import ReportReason
from petition.core.forms import (
    GuardedForm,
    email_address,
    multiline_text,
    no_forbidden_characters,
    person_name,
    visible_text,
)
from petition.core.text import collapse_spaces, has_letter, has_link
from petition.database import parse_id

NAME_MAX = 60
REPORT_NOTE_MAX = 300


def _no_link_in_name(form, field):
    if field.data and has_link(field.data):
        raise ValidationError(_l("Un nom ne peut pas contenir d'adresse de site."))


def _text_length(form, field):
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if field.data and len(field.data) > limit:
        raise ValidationError(
            _l(
                "%(limit)s caractères au plus : votre texte en compte %(length)s.",
                limit=format_decimal(limit),
                length=format_decimal(len(field.data)),
            )
        )


def _no_banned_word(form, field):
    """Said with the other errors of the form; the service checks again when it records the comment."""
    message = field.data and words.refusal(field.data)
    if message:
        raise ValidationError(message)


def _has_words(form, field):
    if field.data and not has_letter(field.data):
        raise ValidationError(_l("Écrivez votre commentaire avec des mots."))


def _name_field():
    return StringField(
        _l("Votre nom ou pseudonyme"),
        description=_l("Affiché avec votre commentaire."),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez un nom ou un pseudonyme.")),
            visible_text,
            Length(max=NAME_MAX, message=_l("%(max)d caractères au plus.", max=NAME_MAX)),
            no_forbidden_characters(),
            person_name,
            _no_link_in_name,
            _no_banned_word,
        ],
        render_kw={"autocomplete": "nickname"},
    )


def _text_field():
    return TextAreaField(
        _l("Votre commentaire"),
        filters=[multiline_text],
        validators=[
            DataRequired(_l("Écrivez votre commentaire.")),
            visible_text,
            _text_length,
            no_forbidden_characters(multiline=True),
            _has_words,
            _no_banned_word,
        ],
        render_kw={"rows": 5},
    )


def _describe_text(field) -> None:
    """The limit said in words and given to the browser, from the setting the server checks."""
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    field.description = _l(
        "%(limit)s caractères au plus. Les adresses de sites deviennent des liens.",
        limit=format_decimal(limit),
    )
    field.render_kw = {**(field.render_kw or {}), "maxlength": limit}


class CommentForm(GuardedForm):
    """Posting a comment or a reply. Its fields are prefixed ("comment-…") because it shares the
    petition page with the signature form."""

    timer_salt = "comment-form-started"

    author_name = _name_field()
    email = EmailField(
        _l("Adresse e-mail (facultatif)"),
        description=_l(
            "Seulement pour être prévenu(e) des réponses, après confirmation. Elle n'est jamais affichée."
        ),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
            email_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr"},
    )
    text = _text_field()
    reply_to = HiddenField()

    def notification_consent(self) -> str:
        """The words a person who gives an address consents to (privacy.consents)."""
        return f"{self.email.label.text} — {self.email.description}"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)
        _describe_text(self.text)

    def reply_to_id(self) -> int | None:
        """The comment answered; a value that is not a number names no comment (id 0)."""
        if not (self.reply_to.data or "").strip():
            return None
        return parse_id(self.reply_to.data) or 0


class EditForm(FlaskForm):
    author_name = _name_field()
    text = _text_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _describe_text(self.text)


def _known_reason(form, field):
    if field.data not in {reason.value for reason in ReportReason}:
        raise ValidationError(_l("Choisissez une raison."))


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Pourquoi signalez-vous ce commentaire ?"),
        choices=[SelectChoice(reason.value, label) for reason, label in REPORT_REASONS.items()],
        validators=[DataRequired(_l("Choisissez une raison.")), _known_reason],
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Précisez si vous le souhaitez (facultatif)"),
        filters=[multiline_text],
        validators=[
            Optional(),
            visible_text,
            Length(max=REPORT_NOTE_MAX, message=_l("%(max)d caractères au plus.", max=REPORT_NOTE_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 3},
    )
