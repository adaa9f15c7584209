from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from petition.core.forms import multiline_text, no_forbidden_characters, visible_text

REASON_MAX = 500


def _reason_field():
    return TextAreaField(
        _l("Pourquoi cet export ?"),
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


class _ExportForm(FlaskForm):
    """Which petition, and why; the choices are the petitions, set by the view."""

    petition = SelectField(_l("Pétition"), validators=[DataRequired(_l("Choisissez une pétition."))])

    def set_petitions(self, petitions) -> None:
        self.petition.choices = [SelectChoice(p.slug, p.title) for p in petitions]


class CsvExportForm(_ExportForm):
    include_email = BooleanField(_l("Inclure les adresses e-mail"))
    reason = _reason_field()


class DossierForm(_ExportForm):
    language = SelectField(
        _l("Langue du dossier"),
        choices=[
            SelectChoice("fr", "Français"),
            SelectChoice("ar", "العربية"),
            SelectChoice("en", "English"),
        ],
        validators=[DataRequired()],
    )
    reason = _reason_field()
