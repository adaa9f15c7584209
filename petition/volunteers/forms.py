from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from petition.core.forms import (
    CountryField,
    GuardedForm,
    email_address,
    multiline_text,
    no_forbidden_characters,
    person_name,
    visible_text,
)
from petition.core.text import collapse_spaces

NAME_MAX = 80
CITY_MAX = 80
OTHER_MAX = 200
AVAILABILITY_MAX = 500
REASON_MAX = 300

# What a volunteer may offer, in the order the form lists it.
HELP_LABELS = {
    "flyers": _l("Distribuer des tracts"),
    "translate": _l("Traduire"),
    "press": _l("Parler à la presse"),
    "legal": _l("Aide juridique"),
    "other": _l("Autre chose"),
}


def _other_described(form, field):
    if "other" in (form.helps.data or []) and not (field.data or "").strip():
        raise StopValidation(_l("Dites en quelques mots quelle autre aide vous proposez."))


class VolunteerForm(GuardedForm):
    timer_salt = "volunteer-form-started"

    name = StringField(
        _l("Prénom et nom"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre prénom et votre nom.")),
            visible_text,
            Length(max=NAME_MAX, message=_l("%(max)d caractères au plus.", max=NAME_MAX)),
            no_forbidden_characters(),
            person_name,
        ],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX},
    )
    email = EmailField(
        _l("Adresse e-mail"),
        description=_l("Pour confirmer votre proposition, puis pour que le comité vous écrive."),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
            email_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr", "maxlength": 254},
    )
    country = CountryField(
        _l("Pays de résidence"),
        validators=[DataRequired(_l("Choisissez votre pays de résidence."))],
    )
    city = StringField(
        _l("Ville (facultatif)"),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            visible_text,
            Length(max=CITY_MAX, message=_l("%(max)d caractères au plus.", max=CITY_MAX)),
            no_forbidden_characters(),
        ],
        render_kw={"autocomplete": "address-level2", "maxlength": CITY_MAX},
    )
    helps = SelectMultipleField(
        _l("Comment pouvez-vous aider ?"),
        choices=list(HELP_LABELS.items()),
        validators=[DataRequired(_l("Cochez au moins une façon d'aider."))],
    )
    help_other = StringField(
        _l("Autre aide : laquelle ?"),
        filters=[collapse_spaces],
        validators=[
            _other_described,
            Optional(),
            visible_text,
            Length(max=OTHER_MAX, message=_l("%(max)d caractères au plus.", max=OTHER_MAX)),
            no_forbidden_characters(),
        ],
        render_kw={"maxlength": OTHER_MAX},
    )
    availability = TextAreaField(
        _l("Vos disponibilités (facultatif)"),
        description=_l("Par exemple : le samedi, le soir, pendant les vacances."),
        filters=[multiline_text],
        validators=[
            Optional(),
            visible_text,
            Length(max=AVAILABILITY_MAX, message=_l("%(max)d caractères au plus.", max=AVAILABILITY_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 3, "maxlength": AVAILABILITY_MAX},
    )
    consent = BooleanField(
        _l(
            "J'accepte que le comité garde ces informations pour me recontacter au sujet de mon aide. "
            "Je peux demander leur effacement à tout moment."
        ),
        validators=[DataRequired(_l("Cochez cette case pour que le comité puisse garder vos informations."))],
    )

    def consent_wording(self) -> str:
        """The consent as this visitor read it, in their language."""
        return str(self.consent.label.text)


class ExportForm(FlaskForm):
    """Why an admin exports the volunteer list: required, and written to the audit log."""

    reason = StringField(
        _l("Pourquoi exporter cette liste\u00a0?"),
        description=_l(
            "Écrit au journal des actions avec votre nom, par exemple\u00a0: «\u00a0appel aux bénévoles de Lyon\u00a0»."
        ),
        filters=[multiline_text],
        validators=[
            DataRequired(_l("Indiquez pourquoi vous exportez la liste.")),
            visible_text,
            Length(max=REASON_MAX, message=_l("%(max)d caractères au plus.", max=REASON_MAX)),
        ],
        render_kw={"maxlength": REASON_MAX},
    )
