"""What every public form shares: two robot traps, and the checks on what visitors type."""

import functools
import re
import time

from babel.support import Translations
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, SelectField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation, ValidationError

from petition.caching import OPTIONS_SECONDS
from petition.core import countries
from petition.core.email import NotPlainMailbox, plain_mailbox
from petition.core.text import forbidden_characters, has_letter, has_visible, normalise_line_ends
from petition.core.tokens import BadToken, make_token, read_token
from petition.extensions import cache


@functools.cache
def _wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class GuardedForm(FlaskForm):
    """A form that anyone may send, with a honeypot field and a signed start time.

    People leave the honeypot empty and take a few seconds to fill a form in; robots fill in
    every field they find and post at once.
    """

    timer_salt = "form-started"

    class Meta:
        def get_translations(self, form):
            # WTForms' own messages, in the visitor's language, read from disk once per process.
            return _wtforms_translations(str(get_locale()))

    started = HiddenField()
    website = StringField(_l("Ne remplissez pas ce champ"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._checked_timer: tuple[str | None, float] = (None, 0.0)  # (signed value, time it holds)
        if not self.started.data:
            self.restart_timer()

    def restart_timer(self) -> None:
        self.started.data = make_token(time.time(), self.timer_salt)

    def seconds_taken(self) -> float | None:
        try:
            started = self._started_at(self.started.data or "")
        except (BadToken, ValueError, TypeError):
            return None
        return time.time() - started

    def _started_at(self, signed: str) -> float:
        if self._checked_timer[0] != signed:
            self._checked_timer = (signed, float(read_token(signed, self.timer_salt)))
        return self._checked_timer[1]

    def sent_too_fast(self, min_seconds: float) -> bool:
        taken = self.seconds_taken()
        return taken is not None and taken < min_seconds

    def robot_signal(self) -> str | None:
        """Why this submission looks automated ("honeypot", "no-timer"), or None."""
        if self.website.data:
            return "honeypot"
        if self.seconds_taken() is None:
            return "no-timer"
        return None


def session_expired(form: FlaskForm) -> bool:
    """Whether a sent form was refused for its CSRF token (a page left open too long, a session
    that ended); the token's error is then taken off and `form.session_expired` set, so that the
    page shows the form again, with what was typed and a note (see _macros/forms.html), rather than
    an error page. The view must be exempt from the global CSRF check to get there."""
    if not form.csrf_token.errors:
        return False
    form.csrf_token.errors = []
    form.session_expired = True
    return True


def no_forbidden_characters(multiline: bool = False):
    def check(form, field):
        if field.data and forbidden_characters(field.data, multiline=multiline):
            raise ValidationError(
                _l("Ce champ contient des caractères invisibles ou de contrôle : retirez-les.")
            )

    return check


def visible_text(form, field):
    """For every field whose text is published or read by someone: spaces, fillers and invisible
    characters alone are not text (a name "ㅤ", U+3164, would show as a blank author)."""
    if field.data and not has_visible(field.data):
        raise StopValidation(_l("Ce champ ne contient que des espaces ou des caractères invisibles."))


def multiline_text(value: str | None) -> str | None:
    """The filter of every text area: line breaks as one character each, as the browser counted
    them against `maxlength`, and no blank lines around the text."""
    value = normalise_line_ends(value)
    return value.strip() if value else value


def person_name(form, field):
    if field.data and not has_letter(field.data):
        raise ValidationError(_l("Écrivez un nom avec des lettres."))


# What a mailbox written with a name, a comment or quotes has, and a plain address does not.
_NOT_PLAIN = re.compile(r'["()<>]')


def email_address(form, field):
    """Normalises a valid plain mailbox in place; an empty field is left to DataRequired/Optional.

    The value typed stays in the field when it is refused, so the visitor can correct it.
    """
    if not field.data:
        return
    try:
        field.data = plain_mailbox(field.data)
        if current_app.config.get("EMAIL_CHECK_DELIVERABILITY", False):
            validate_email(field.data, check_deliverability=True)
    except NotPlainMailbox:
        raise ValidationError(
            _l(
                "Écrivez l'adresse seule, telle qu'elle s'écrit, sans codage « =?…?= ». Exemple : prenom.nom@exemple.fr"
            )
        ) from None
    except EmailNotValidError as error:
        if _NOT_PLAIN.search(field.data):
            raise ValidationError(
                _l(
                    "Écrivez l'adresse seule : sans nom, guillemets, parenthèses ni chevrons. "
                    "Exemple : prenom.nom@exemple.fr"
                )
            ) from error
        raise ValidationError(
            _l("Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr")
        ) from None


class GroupedSelectField(SelectField):
    """A select whose choices are {group label: [(value, label), ...]}, such as the 250 countries.

    A form whose choices depend only on a key (the language, for the countries) names it in
    `options_key`: with nothing selected, the <optgroup>s are then written once per key and kept
    in the cache (petition/caching.py) instead of at every page.
    """

    options_key: str | None = None

    def options_html(self) -> Markup:
        selected = "" if self.data is None else str(self.data)
        if self.options_key is None or selected:
            return _options_html(self.choices, selected)
        key = f"options/{self.options_key}"
        html = cache.get(key)
        if html is None:
            html = _options_html(self.choices, "")
            cache.set(key, html, timeout=OPTIONS_SECONDS)
        return html


def known_country(form, field):
    if field.data and not countries.is_known(field.data):
        raise ValidationError(_l("Choisissez votre pays dans la liste."))


class CountryField(GroupedSelectField):
    """A country of residence: the usual countries first, then all of them in the alphabetical
    order of the page's language (`core.countries`); anything else is refused. Its options are
    written once per language and kept in the cache."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), known_country], validate_choice=False, **kwargs)
        common, others = countries.choices()
        # Translated now, in this request's language: the labels are the dict's keys, and a
        # lazy string would be translated again each time it is hashed.
        self.choices = {_("Pays les plus fréquents"): common, _("Tous les pays"): others}
        self.options_key = f"countries/{get_locale()}"


def _options_html(groups: dict, selected: str) -> Markup:
    option = Markup('<option value="{0}">{1}</option>')
    chosen = Markup('<option value="{0}" selected>{1}</option>')
    html = []
    for group, options in groups.items():
        html.append(Markup('<optgroup label="{0}">').format(group))
        html += [(chosen if value == selected else option).format(value, label) for value, label in options]
        html.append(Markup("</optgroup>"))
    return Markup("\n").join(html)
