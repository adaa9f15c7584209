"""The admins' forms for a petition: its French text and settings, a translation, its state."""

from itertools import pairwise

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from petition.core.forms import multiline_text, no_forbidden_characters, visible_text
from petition.i18n import direction
from petition.petitions.service import SLUG, SLUG_MAX, TEXT_FIELDS

# Far above any petition; keeps the numbers inside a 32-bit column on every database.
GOAL_MAX = 100_000_000
TITLE_MAX = 200
LONG_TEXT_MAX = 20_000


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _slug(form, field):
    if field.data and not SLUG.fullmatch(field.data):
        raise ValidationError(
            _l(
                "Une adresse s'écrit en lettres minuscules sans accent, chiffres et tirets, "
                "sans espace ni tiret au début ou à la fin. Exemple : retablir-les-appels"
            )
        )


def _number(text: str) -> int | None:
    """A whole positive number as an admin types it: "50000", "50 000", "50 000" or "50.000"."""
    digits = "".join(text.split()).replace(".", "").replace(",", "")
    if not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if 0 < value <= GOAL_MAX else None


def _goal(form, field):
    if _number(field.data or "") is None:
        raise StopValidation(
            _l("L'objectif est un nombre entier de signatures, plus grand que zéro. Exemple : 50000")
        )


def _milestones(form, field):
    numbers = []
    for line in (field.data or "").replace(",", "\n").replace(";", "\n").splitlines():
        if not line.strip():
            continue
        value = _number(line)
        if value is None:
            raise ValidationError(
                _l(
                    "« %(value)s » n'est pas un nombre entier de signatures plus grand que zéro.",
                    value=line.strip(),
                )
            )
        numbers.append(value)
    if any(later <= earlier for earlier, later in pairwise(numbers)):
        raise ValidationError(
            _l("Écrivez les paliers du plus petit au plus grand, chacun plus grand que le précédent.")
        )


def _text(label, required: bool, maximum: int = LONG_TEXT_MAX, rows: int | None = None, description=""):
    validators = [DataRequired(_l("Ce champ est obligatoire."))] if required else [Optional()]
    validators += [
        visible_text,
        Length(max=maximum, message=_l("%(max)d caractères au plus.", max=maximum)),
        no_forbidden_characters(multiline=rows is not None),
    ]
    if rows is None:
        return StringField(label, description=description, filters=[_strip], validators=validators)
    return TextAreaField(
        label,
        description=description,
        filters=[multiline_text],
        validators=validators,
        render_kw={"rows": rows},
    )


def _written_in(fields, locale: str) -> None:
    """Tell browsers and screen readers the language of what is typed in `fields`."""
    for field in fields:
        field.render_kw = {**(field.render_kw or {}), "lang": locale, "dir": direction(locale)}


class TranslationForm(FlaskForm):
    """A petition's text in one language; an empty field is shown in French."""

    def written_in(self, locale: str) -> "TranslationForm":
        _written_in((self[name] for name in TEXT_FIELDS), locale)
        return self

    title = _text(_l("Titre"), False, TITLE_MAX)
    summary = _text(
        _l("Résumé"), False, rows=3, description=_l("Une ou deux phrases, lues avant le formulaire.")
    )
    addressee = _text(_l("Destinataire"), False, TITLE_MAX)
    letter = _text(_l("Lettre"), False, rows=12)
    background = _text(_l("Ce qui s'est passé"), False, rows=8)
    demands = _text(_l("Demandes"), False, rows=5, description=_l("Une demande par ligne."))


class PetitionForm(TranslationForm):
    """The petition in French (the source every translation is made from), and its settings."""

    slug = StringField(
        _l("Adresse"),
        description=_l(
            "La fin de l'adresse de la pétition : /petitions/… Tant que personne n'a signé, elle peut "
            "changer : l'ancienne adresse mène alors à la nouvelle."
        ),
        filters=[_strip],
        validators=[
            DataRequired(_l("Ce champ est obligatoire.")),
            Length(max=SLUG_MAX, message=_l("%(max)d caractères au plus.", max=SLUG_MAX)),
            _slug,
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "dir": "ltr"},
    )
    title = _text(_l("Titre"), True, TITLE_MAX)
    summary = _text(
        _l("Résumé"), True, rows=3, description=_l("Une ou deux phrases, lues avant le formulaire.")
    )
    addressee = _text(_l("Destinataire"), True, TITLE_MAX)
    letter = _text(_l("Lettre"), True, rows=12)
    background = _text(_l("Ce qui s'est passé"), False, rows=8)
    demands = _text(_l("Demandes"), True, rows=5, description=_l("Une demande par ligne."))
    goal = StringField(
        _l("Objectif (signatures)"),
        filters=[_strip],
        validators=[_goal],
        render_kw={"inputmode": "numeric", "dir": "ltr"},
    )
    milestones = TextAreaField(
        _l("Paliers"),
        description=_l(
            "Un nombre de signatures par ligne, du plus petit au plus grand, annoncés sur la page avant et "
            "après l'objectif. Vide : l'objectif, puis son double, et ainsi de suite."
        ),
        filters=[multiline_text],
        validators=[_milestones],
        render_kw={"rows": 4, "inputmode": "numeric", "dir": "ltr"},
    )

    def goal_value(self) -> int:
        return _number(self.goal.data)

    def milestone_values(self) -> tuple[int, ...]:
        text = (self.milestones.data or "").replace(",", "\n").replace(";", "\n")
        return tuple(_number(line) for line in text.splitlines() if line.strip())


class StateForm(FlaskForm):
    """Open or closed, and what the page says once closed, in each language."""

    is_open = BooleanField(_l("Ouverte aux signatures"))
    closing_fr = _text(_l("Message de clôture en français"), False, rows=3)
    closing_ar = _text(_l("Message de clôture en arabe"), False, rows=3)
    closing_en = _text(_l("Message de clôture en anglais"), False, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for locale in ("fr", "ar", "en"):
            _written_in([self[f"closing_{locale}"]], locale)
