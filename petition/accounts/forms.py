from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from petition.core.text import forbidden_characters


def _printable(form, field):
    if field.data and forbidden_characters(field.data):
        raise ValidationError(_l("Ce champ contient des caractères invisibles ou de contrôle : retirez-les."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            _printable,
        ],
        render_kw={"autocomplete": "username", "inputmode": "email", "dir": "ltr", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[
            DataRequired(_l("Indiquez votre mot de passe.")),
            Length(max=1024, message=_l("1024 caractères au plus.")),
        ],
        render_kw={"autocomplete": "current-password", "dir": "ltr"},
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app (six digits) or, where accepted, a recovery code."""

    code = StringField(
        _l("Code"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Indiquez le code.")),
            Length(max=40, message=_l("40 caractères au plus.")),
            _printable,
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "dir": "ltr",
            "spellcheck": "false",
            "autocapitalize": "off",
            "size": "12",
        },
    )
