import time

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from petition.core import countries
from petition.core.text import collapse_spaces, forbidden_characters, has_letter


def _no_forbidden_characters(multiline: bool = False):
    def check(form, field):
        if field.data and forbidden_characters(field.data, multiline=multiline):
            raise ValidationError(
                _l("Ce champ contient des caractères invisibles ou de contrôle : retirez-les.")
            )

    return check


def _person_name(form, field):
    if field.data and not has_letter(field.data):
        raise ValidationError(_l("Écrivez un nom avec des lettres."))


def _email(form, field):
    if not field.data:
        return
    try:
        field.data = validate_email(
            field.data, check_deliverability=current_app.config.get("EMAIL_CHECK_DELIVERABILITY", False)
        ).normalized
    except EmailNotValidError:
        raise ValidationError(
            _l("Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr")
        ) from None


def _country(form, field):
    if field.data and not countries.is_known(field.data):
        raise ValidationError(_l("Choisissez votre pays dans la liste."))


def _timer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sign-form-started")


class SignatureForm(FlaskForm):
    first_name = StringField(
        _l("Prénom"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre prénom.")),
            Length(max=80, message=_l("80 caractères au plus.")),
            _no_forbidden_characters(),
            _person_name,
        ],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = StringField(
        _l("Nom"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre nom.")),
            Length(max=80, message=_l("80 caractères au plus.")),
            _no_forbidden_characters(),
            _person_name,
        ],
        render_kw={"autocomplete": "family-name"},
    )
    email = EmailField(
        _l("Adresse e-mail"),
        description=_l("Pour confirmer votre signature. Elle n'est jamais affichée."),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            _no_forbidden_characters(),
            _email,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr"},
    )
    country = SelectField(
        _l("Pays de résidence"),
        validators=[DataRequired(_l("Choisissez votre pays de résidence.")), _country],
        validate_choice=False,
        render_kw={"autocomplete": "country"},
    )
    city = StringField(
        _l("Ville ou code postal (facultatif)"),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            Length(max=80, message=_l("80 caractères au plus.")),
            _no_forbidden_characters(),
        ],
        render_kw={"autocomplete": "address-level2"},
    )
    reason = TextAreaField(
        _l("Pourquoi je signe (facultatif)"),
        filters=[lambda v: v.strip() if v else v],
        validators=[
            Optional(),
            Length(max=500, message=_l("500 caractères au plus.")),
            _no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 3, "maxlength": 500},
    )
    is_subscriber = BooleanField(_l("Je suis abonné(e) à KLEEMA"))
    show_name = BooleanField(_l("Afficher mon prénom et l'initiale de mon nom parmi les signataires"))
    wants_updates = BooleanField(
        _l("Recevoir par e-mail les nouvelles du comité (désinscription en un clic)")
    )
    started = HiddenField()
    # Left empty by people; filled in by robots that complete every field they find.
    website = StringField(_l("Ne remplissez pas ce champ"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        common, others = countries.choices()
        self.country.choices = {
            _l("Pays les plus fréquents"): common,
            _l("Tous les pays"): others,
        }
        if not self.started.data:
            self.restart_timer()

    def restart_timer(self) -> None:
        self.started.data = _timer().dumps(time.time())

    def seconds_taken(self) -> float | None:
        try:
            return time.time() - float(_timer().loads(self.started.data or ""))
        except (BadSignature, ValueError, TypeError):
            return None

    def consent_wording(self) -> str:
        return f"{self.show_name.label.text}: {self.show_name.data}; {self.wants_updates.label.text}: {self.wants_updates.data}"
