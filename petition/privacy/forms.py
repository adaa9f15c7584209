from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from petition.core.forms import GuardedForm, email_address, no_forbidden_characters
from petition.core.personal_data import CommentChoice
from petition.core.text import collapse_spaces


class AskForm(GuardedForm):
    """/my-data: the address to send the link to."""

    timer_salt = "my-data-form-started"

    email = EmailField(
        _l("Votre adresse e-mail"),
        description=_l("Celle que vous avez donnée en signant ou en commentant."),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
            email_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr", "maxlength": 254},
    )


class EraseForm(FlaskForm):
    """The erase button, with the choice about comments and a box to make sure."""

    comments = RadioField(
        _l("Vos commentaires"),
        choices=[
            SelectChoice(CommentChoice.ANONYMISE.value, _l("Les garder, signés « Anonyme »")),
            SelectChoice(
                CommentChoice.KEEP.value, _l("Les garder sous le nom que vous aviez choisi pour eux")
            ),
            SelectChoice(CommentChoice.DELETE.value, _l("Les supprimer (les réponses des autres restent)")),
        ],
        default=CommentChoice.ANONYMISE.value,
        validators=[InputRequired(_l("Choisissez ce que deviennent vos commentaires."))],
    )
    sure = BooleanField(
        _l("J'ai compris : mes signatures sont retirées et mes données effacées, sans retour possible."),
        validators=[DataRequired(_l("Cochez la case pour confirmer l'effacement."))],
    )
