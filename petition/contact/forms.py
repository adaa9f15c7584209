from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from petition.core.forms import GuardedForm, email_address, no_forbidden_characters, person_name
from petition.core.text import collapse_spaces, has_letter

NAME_MAX = 80
MESSAGE_MAX = 5000


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _has_words(form, field):
    if field.data and not has_letter(field.data):
        raise ValidationError(_l("Écrivez votre message avec des mots."))


class ContactForm(GuardedForm):
    timer_salt = "contact-form-started"

    name = StringField(
        _l("Votre nom"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre nom et votre prénom.")),
            Length(max=NAME_MAX, message=_l("%(max)d caractères au plus.", max=NAME_MAX)),
            no_forbidden_characters(),
            person_name,
        ],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX},
    )
    email = EmailField(
        _l("Votre adresse e-mail"),
        description=_l("Pour vous répondre. Elle n'est ni publiée ni utilisée pour autre chose."),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail, pour que le comité puisse vous répondre.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
            email_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr", "maxlength": 254},
    )
    message = TextAreaField(
        _l("Votre message"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Écrivez votre message.")),
            Length(max=MESSAGE_MAX, message=_l("%(max)d caractères au plus.", max=MESSAGE_MAX)),
            no_forbidden_characters(multiline=True),
            _has_words,
        ],
        render_kw={"rows": 8, "maxlength": MESSAGE_MAX},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Written per request: the number is formatted in the reader's language ("5 000" in French).
        self.message.description = _("%(max)s caractères au plus.", max=format_decimal(MESSAGE_MAX))
