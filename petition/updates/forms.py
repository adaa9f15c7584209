from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from petition.core.forms import GuardedForm, multiline_text, no_forbidden_characters, visible_text
from petition.i18n import direction
from petition.petitions.service import title_in
from petition.updates.service import BODY_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX, valid_slug


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _slug(form, field):
    if field.data and not valid_slug(field.data):
        raise ValidationError(
            _l(
                "Lettres minuscules sans accent, chiffres et tirets seulement, avec au moins une lettre. "
                "Exemple : audience-du-14-septembre"
            )
        )


def _title(required: bool):
    return StringField(
        _l("Titre"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Écrivez un titre.")) if required else Optional(),
            visible_text,
            Length(max=TITLE_MAX, message=_l("%(max)d caractères au plus.", max=TITLE_MAX)),
            no_forbidden_characters(),
        ],
        render_kw={"maxlength": TITLE_MAX},
    )


def _summary():
    return TextAreaField(
        _l("Résumé (facultatif)"),
        description=_l(
            "Une ou deux phrases pour la liste, le flux et les aperçus de lien. Sans résumé, le début du texte sert."
        ),
        filters=[multiline_text],
        validators=[
            Optional(),
            visible_text,
            Length(max=SUMMARY_MAX, message=_l("%(max)d caractères au plus.", max=SUMMARY_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 2, "maxlength": SUMMARY_MAX},
    )


def _body(required: bool):
    return TextAreaField(
        _l("Texte"),
        description=_l(
            "En Markdown : une ligne vide entre deux paragraphes, **gras**, *italique*, "
            "[texte du lien](https://…), « - » en début de ligne pour une liste, « ## » pour un intertitre. "
            "Le HTML s'affiche tel quel."
        ),
        filters=[multiline_text],
        validators=[
            DataRequired(_l("Écrivez le texte.")) if required else Optional(),
            visible_text,
            Length(max=BODY_MAX, message=_l("%(max)d caractères au plus.", max=BODY_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 14, "maxlength": BODY_MAX, "spellcheck": "true"},
    )


def _written_in(form, locale: str) -> None:
    """The text fields take `lang` and `dir` of the language written in them, not of the page."""
    for field in (form.title, form.summary, form.body):
        field.render_kw = {**field.render_kw, "lang": locale, "dir": direction(locale)}


class _AdminForm(FlaskForm):
    class Meta(GuardedForm.Meta):
        """WTForms' own messages (a date it cannot read) in the admin's language."""


class SettingsForm(_AdminForm):
    """Where an update belongs, its address and its date."""

    petition = SelectField(_l("Pétition"), choices=[], validate_choice=True)
    slug = StringField(
        _l("Adresse"),
        description=_l(
            "La fin de l'adresse de la page, /updates/…. Elle ne change plus une fois l'actualité publiée."
        ),
        filters=[_strip],
        validators=[Optional(), _slug],
        render_kw={"maxlength": SLUG_MAX, "dir": "ltr", "spellcheck": "false", "autocomplete": "off"},
    )
    published_on = DateField(
        _l("Date de publication (facultatif)"),
        description=_l("Vide : le jour où elle est publiée. Pas de date future."),
        validators=[Optional()],
    )

    def set_petitions(self, petitions, everyone_label) -> None:
        locale = str(get_locale())
        self.petition.choices = [("", everyone_label), *((str(p.id), title_in(p, locale)) for p in petitions)]

    @property
    def petition_id(self) -> int | None:
        return int(self.petition.data) if self.petition.data else None


class NewUpdateForm(SettingsForm):
    """A new update: its settings and its French text."""

    slug = StringField(
        _l("Adresse (facultatif)"),
        description=_l("Vide : faite à partir du titre. Lettres minuscules, chiffres et tirets."),
        filters=[_strip],
        validators=[Optional(), _slug],
        render_kw={"maxlength": SLUG_MAX, "dir": "ltr", "spellcheck": "false", "autocomplete": "off"},
    )
    title = _title(required=True)
    summary = _summary()
    body = _body(required=True)
    preview = SubmitField(_l("Aperçu"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _written_in(self, "fr")


class TextForm(_AdminForm):
    """The text of an update in one language. French needs a title and a text; a translation
    needs both too, or nothing at all (it is then removed and French is shown)."""

    title = _title(required=False)
    summary = _summary()
    body = _body(required=False)
    preview = SubmitField(_l("Aperçu"))

    def __init__(self, *args, locale: str, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        _written_in(self, locale)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        empty = not (self.title.data or self.summary.data or self.body.data)
        if empty and not self.required:
            return valid
        if not self.title.data and not self.title.errors:
            self.title.errors = [*self.title.errors, _l("Écrivez un titre.")]
            valid = False
        if not self.body.data and not self.body.errors:
            self.body.errors = [*self.body.errors, _l("Écrivez le texte.")]
            valid = False
        return valid

    @property
    def is_empty(self) -> bool:
        return not (self.title.data or self.summary.data or self.body.data)


class ActionForm(FlaskForm):
    """A button (publish, unpublish) that posts nothing but its CSRF token."""
