from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from petition.core.forms import no_forbidden_characters, visible_text
from petition.core.text import collapse_spaces

DATE_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _reason_field(label, description=""):
    return StringField(
        label,
        description=description,
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Donnez la raison : elle est gardée dans le journal.")),
            visible_text,
            Length(max=200, message=_l("200 caractères au plus.")),
            no_forbidden_characters(),
        ],
    )


class BulkForm(FlaskForm):
    """What a bulk invalidation matches, and why; the service checks the criteria together."""

    petition = SelectField(_l("Pétition"), coerce=int)
    domain = StringField(
        _l("Domaine de l'adresse e-mail"),
        description=_l("Par exemple : exemple.org"),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
        ],
        render_kw={"dir": "ltr"},
    )
    network = StringField(
        _l("Réseau"),
        description=_l("IPv4 de /16 à /24, IPv6 de /40 à /48, ou l'empreinte d'un réseau de la file."),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            Length(max=64, message=_l("64 caractères au plus.")),
            no_forbidden_characters(),
        ],
        render_kw={"dir": "ltr"},
    )
    since = DateTimeLocalField(
        _l("Signées à partir de (UTC)"),
        format=DATE_FORMATS,
        validators=[Optional()],
    )
    until = DateTimeLocalField(_l("Signées avant (UTC)"), format=DATE_FORMATS, validators=[Optional()])
    reason = _reason_field(
        _l("Raison de l'invalidation"),
        # The reason goes into the public log of the count (transparency), for anyone to read.
        _l("Elle est publiée dans le registre public du comptage\u00a0: n'y écrivez ni nom ni adresse."),
    )


BAN_DAYS = [
    ("1", _l("un jour")),
    ("7", _l("une semaine")),
    ("30", _l("un mois")),
    ("365", _l("un an")),
    ("0", _l("pour toujours")),
]


class BanForm(FlaskForm):
    kind = SelectField(
        _l("Bannir"),
        choices=[
            ("email", _l("une adresse e-mail")),
            ("domain", _l("un domaine d'adresses e-mail")),
            ("network", _l("un réseau (IPv4 /24, IPv6 /48 ou /64)")),
            ("network-hash", _l("le réseau d'un commentaire (son empreinte)")),
        ],
    )
    value = StringField(
        _l("Adresse, domaine ou réseau"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez ce qui est banni.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
        ],
        render_kw={"dir": "ltr"},
    )
    from_signing = BooleanField(_l("Ne peut plus signer (ses signatures sont mises de côté)"), default=True)
    from_commenting = BooleanField(_l("Ne peut plus commenter"), default=True)
    days = SelectField(_l("Durée"), choices=BAN_DAYS, default="30")
    reason = _reason_field(_l("Raison du bannissement"))


class DomainForm(FlaskForm):
    domain = StringField(
        _l("Domaine"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez un domaine.")),
            Length(max=254, message=_l("254 caractères au plus.")),
            no_forbidden_characters(),
        ],
        render_kw={"dir": "ltr"},
    )


class NetworkForm(FlaskForm):
    network = StringField(
        _l("Réseau"),
        filters=[collapse_spaces],
        validators=[
            DataRequired(_l("Indiquez un réseau.")),
            Length(max=64, message=_l("64 caractères au plus.")),
            no_forbidden_characters(),
        ],
        render_kw={"dir": "ltr"},
    )
    note = StringField(
        _l("Note (facultatif)"),
        filters=[collapse_spaces],
        validators=[
            Optional(),
            Length(max=200, message=_l("200 caractères au plus.")),
            no_forbidden_characters(),
        ],
    )


INVALID_REASONS = [
    ("robot", _l("envoyée par un robot")),
    ("duplicate", _l("une même personne a signé plusieurs fois")),
    ("disposable", _l("adresse jetable")),
    ("flood", _l("afflux venu d'un même réseau")),
    ("other", _l("autre raison")),
]
