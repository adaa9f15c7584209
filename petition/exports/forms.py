from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from petition.core.forms import multiline_text, no_forbidden_characters, visible_text
from petition.petitions.service import title_in

REASON_MAX = 500


def _reason_field(field_id: str):
    return TextAreaField(
        _l("Pourquoi cet export ?"),
        id=field_id,
        description=_l(
            "Obligatoire. Écrit dans le journal des actions avec votre nom, par exemple "
            "« Remise des signatures à Wana le 15 septembre »."
        ),
        filters=[multiline_text],
        validators=[
            DataRequired(_l("Dites pourquoi vous exportez les signatures.")),
            visible_text,
            Length(max=REASON_MAX, message=_l("%(max)d caractères au plus.", max=REASON_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 2, "maxlength": REASON_MAX},
    )


def _petition_field(field_id: str):
    return SelectField(_l("Pétition"), id=field_id, validators=[DataRequired(_l("Choisissez une pétition."))])


class _ExportForm(FlaskForm):
    """Which petition, and why; the choices are the petitions, set by the view."""

    def set_petitions(self, petitions) -> None:
        locale = str(get_locale())
        self.petition.choices = [SelectChoice(p.slug, title_in(p, locale)) for p in petitions]


class CsvExportForm(_ExportForm):
    petition = _petition_field("csv-petition")
    include_email = BooleanField(_l("Inclure les adresses e-mail"))
    reason = _reason_field("csv-reason")


class DossierForm(_ExportForm):
    petition = _petition_field("dossier-petition")
    language = SelectField(
        _l("Langue du dossier"),
        id="dossier-language",
        choices=[
            SelectChoice("fr", "Français"),
            SelectChoice("ar", "العربية"),
            SelectChoice("en", "English"),
        ],
        validators=[DataRequired()],
    )
    reason = _reason_field("dossier-reason")
