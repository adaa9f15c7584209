from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from petition.core.forms import email_address, multiline_text, no_forbidden_characters, visible_text

SUBJECT_MAX = 200
BODY_MAX = 20_000
LANGUAGES = ("fr", "ar", "en")


def language_names() -> dict[str, str]:
    """{code: the language's name in the reader's language}, from the CLDR data Babel ships."""
    reader = get_locale()
    return {code: Locale.parse(code).get_display_name(reader) for code in LANGUAGES}


def _language(locale: str) -> dict:
    """Each text is typed in its own language and direction, whatever the page's."""
    return {"lang": locale, "dir": "rtl" if locale == "ar" else "ltr"}


def _subject(label, locale: str, required: bool):
    return StringField(
        label,
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Écrivez l'objet du message.")) if required else Optional(),
            visible_text,
            Length(max=SUBJECT_MAX, message=_l("%(max)d caractères au plus.", max=SUBJECT_MAX)),
            no_forbidden_characters(),
        ],
        render_kw={"maxlength": SUBJECT_MAX, **_language(locale)},
    )


def _body(label, locale: str, required: bool):
    return TextAreaField(
        label,
        filters=[multiline_text],
        validators=[
            DataRequired(_l("Écrivez le texte du message.")) if required else Optional(),
            visible_text,
            Length(max=BODY_MAX, message=_l("%(max)d caractères au plus.", max=BODY_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 12, "maxlength": BODY_MAX, **_language(locale)},
    )


class MailingForm(FlaskForm):
    """French is required; Arabic and English come as a pair (subject and text) or not at all."""

    petition = SelectField(_l("Pétition"), coerce=int)
    subject_fr = _subject(_l("Objet en français"), "fr", required=True)
    body_fr = _body(_l("Texte en français"), "fr", required=True)
    subject_ar = _subject(_l("Objet en arabe"), "ar", required=False)
    body_ar = _body(_l("Texte en arabe"), "ar", required=False)
    subject_en = _subject(_l("Objet en anglais"), "en", required=False)
    body_en = _body(_l("Texte en anglais"), "en", required=False)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for locale in ("ar", "en"):
            subject, body = self[f"subject_{locale}"], self[f"body_{locale}"]
            if bool(subject.data) != bool(body.data) and not (subject.errors or body.errors):
                missing = body if subject.data else subject
                missing.errors = [
                    *missing.errors,
                    _l("Écrivez l'objet et le texte, ou laissez les deux vides."),
                ]
                valid = False
        return valid


class TestForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired(_l("Écrivez une adresse e-mail.")), email_address],
        render_kw={"autocomplete": "email"},
    )
    language = SelectField(_l("Langue"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name) for code, name in language_names().items()]


class SendForm(FlaskForm):
    """The button that sends a draft to every recipient: its CSRF token and nothing else."""
