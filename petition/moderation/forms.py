from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from petition.comments.labels import REJECT_REASONS
from petition.core.forms import multiline_text, no_forbidden_characters, visible_text
from petition.petitions.models import CommentModeration

WORDS_MAX = 20_000


def reject_choices() -> list[SelectChoice]:
    return [SelectChoice(reason.value, label) for reason, label in REJECT_REASONS.items()]


def _text_length(form, field):
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if field.data and len(field.data) > limit:
        raise ValidationError(_l("%(max)d caractères au plus.", max=limit))


class OfficialReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Réponse du comité"),
        description=_l("Publiée tout de suite, avec le badge « Réponse officielle du comité »."),
        filters=[multiline_text],
        validators=[
            DataRequired(_l("Écrivez la réponse.")),
            visible_text,
            _text_length,
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 6},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text.render_kw = {**self.text.render_kw, "maxlength": current_app.config["COMMENT_MAX_LENGTH"]}


def _word_list_field(label, description):
    return TextAreaField(
        label,
        description=description,
        filters=[multiline_text],
        validators=[
            Length(max=WORDS_MAX, message=_l("%(max)d caractères au plus.", max=WORDS_MAX)),
            no_forbidden_characters(multiline=True),
        ],
        render_kw={"rows": 12, "spellcheck": "false"},
    )


class WordListsForm(FlaskForm):
    banned = _word_list_field(
        _l("Mots interdits"),
        _l(
            "Un mot ou une expression par ligne. Un commentaire qui en contient un est refusé, avec un message qui cite le mot."
        ),
    )
    suspect = _word_list_field(
        _l("Mots à surveiller"),
        _l(
            "Un mot ou une expression par ligne. Un commentaire qui en contient un attend toujours une décision."
        ),
    )


class ModerationModeForm(FlaskForm):
    mode = SelectField(
        _l("Modération des commentaires"),
        choices=[
            SelectChoice(
                CommentModeration.PRE.value, _l("Avant publication : chaque commentaire attend une décision")
            ),
            SelectChoice(
                CommentModeration.POST.value,
                _l(
                    "Après publication : les commentaires paraissent tout de suite, sauf liens et mots à surveiller"
                ),
            ),
        ],
        validators=[DataRequired()],
    )
