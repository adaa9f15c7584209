"""What every public form shares: two robot traps, and the checks on what visitors type."""

import functools
import time

from babel.support import Translations
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from wtforms import HiddenField, SelectField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

from petition.caching import OPTIONS_SECONDS
from petition.core.text import forbidden_characters, has_letter
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

    def _timer(self) -> URLSafeSerializer:
        return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=self.timer_salt)

    def restart_timer(self) -> None:
        self.started.data = self._timer().dumps(time.time())

    def seconds_taken(self) -> float | None:
        try:
            started = self._started_at(self.started.data or "")
        except (BadSignature, ValueError, TypeError):
            return None
        return time.time() - started

    def _started_at(self, signed: str) -> float:
        if self._checked_timer[0] != signed:
            self._checked_timer = (signed, float(self._timer().loads(signed)))
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


def no_forbidden_characters(multiline: bool = False):
    def check(form, field):
        if field.data and forbidden_characters(field.data, multiline=multiline):
            raise ValidationError(
                _l("Ce champ contient des caractères invisibles ou de contrôle : retirez-les.")
            )

    return check


def person_name(form, field):
    if field.data and not has_letter(field.data):
        raise ValidationError(_l("Écrivez un nom avec des lettres."))


@functools.lru_cache(maxsize=256)
def normalized_email(address: str) -> str:
    """The address as email-validator normalises it (syntax only); raises EmailNotValidError.

    Remembered for a while: a signature checks the typed address, then derives its canonical
    form from the result, and the second check must not cost as much as the first.
    """
    return validate_email(address, check_deliverability=False).normalized


def email_address(form, field):
    """Normalises a valid address in place; an empty field is left to DataRequired/Optional."""
    if not field.data:
        return
    try:
        if current_app.config.get("EMAIL_CHECK_DELIVERABILITY", False):
            field.data = validate_email(field.data, check_deliverability=True).normalized
        else:
            field.data = normalized_email(field.data)
    except EmailNotValidError:
        raise ValidationError(
            _l("Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr")
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


def _options_html(groups: dict, selected: str) -> Markup:
    option = Markup('<option value="{0}">{1}</option>')
    chosen = Markup('<option value="{0}" selected>{1}</option>')
    html = []
    for group, options in groups.items():
        html.append(Markup('<optgroup label="{0}">').format(group))
        html += [(chosen if value == selected else option).format(value, label) for value, label in options]
        html.append(Markup("</optgroup>"))
    return Markup("\n").join(html)
