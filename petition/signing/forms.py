from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

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

# The two consent boxes: their words are also kept as the consents given (privacy.consents).
SHOW_NAME = _l("Afficher mon prénom et l'initiale de mon nom parmi les signataires")
WANTS_UPDATES = _l("Recevoir par e-mail les nouvelles du comité (désinscription en un clic)")


def consent_wordings(show_name: bool, wants_updates: bool) -> dict[str, str]:
    """{purpose: the box's words, in the current language} for each box ticked."""
    boxes = {
        "signature.show_name": (show_name, SHOW_NAME),
        "signature.updates": (wants_updates, WANTS_UPDATES),
    }
    return {purpose: str(words) for purpose, (ticked, words) in boxes.items() if ticked}


class SignatureForm(GuardedForm):
    timer_salt = "sign-form-started"

    first_name = StringField(
        _l("Prénom"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre prénom.")),
            visible_text,
            Length(max=80, message=_l("80 caractères au plus.")),
            no_forbidden_characters(),
            person_name,
        ],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = StringField(
        _l("Nom"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre nom.")),
            visible_text,
            Length(max=80, message=_l("80 caractères au plus.")),
            no_forbidden_characters(),
            person_name,
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
            no_forbidden_characters(),
            email_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr"},
    )
    country = CountryField(
        _l("Pays de résidence"),
        validators=[DataRequired(_l("Choisissez votre pays de résidence."))],
        render_kw={"autocomplete": "country"},
    )
    city = StringField(
        _l("Ville (facultatif)"),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            visible_text,
            Length(max=80, message=_l("80 caractères au plus.")),
            no_forbidden_characters(),
        ],
        render_kw={"autocomplete": "address-level2"},
    )
    reason = TextAreaField(
        _l("Pourquoi je signe (facultatif)"),
        filters=[multiline_text],
        validators=[
            Optional(),
            visible_text,
            Length(max=500, message=_l("500 caractères au plus.")),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 3},
    )
    is_subscriber = BooleanField(_l("Je suis abonné(e) à KLEEMA"))
    show_name = BooleanField(SHOW_NAME)
    wants_updates = BooleanField(WANTS_UPDATES)

    def consent_wording(self) -> str:
        return f"{self.show_name.label.text}: {self.show_name.data}; {self.wants_updates.label.text}: {self.wants_updates.data}"
