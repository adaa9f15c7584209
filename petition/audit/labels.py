"""The audit log in words: what the stored keys (actions, fields, states, reasons) mean, in the
reader's language. A key with no label here is shown as stored, so a new action is never hidden."""

from flask_babel import lazy_gettext as _l

from petition.comments import labels as comment_labels
from petition.comments.models import RejectReason

ACTIONS = {
    "auth.login": _l("Connexion réussie"),
    "auth.login_failed": _l("Connexion refusée"),
    "auth.logout": _l("Déconnexion"),
    "user.create": _l("Compte créé"),
    "user.deactivate": _l("Compte désactivé"),
    "user.password_change": _l("Mot de passe changé"),
    "comment.approve": _l("Commentaire approuvé"),
    "comment.reject": _l("Commentaire refusé"),
    "comment.spam": _l("Commentaire marqué comme spam"),
    "comment.delete": _l("Commentaire supprimé par l'équipe"),
    "comment.delete_by_author": _l("Commentaire supprimé par son auteur"),
    "comment.feature": _l("Commentaire mis en avant"),
    "comment.unfeature": _l("Commentaire retiré de la mise en avant"),
    "comment.official_reply": _l("Réponse au nom du comité"),
    "comment_words.update": _l("Listes de mots modifiées"),
    "petition.comment_moderation": _l("Réglage de modération changé"),
    "mailing.create": _l("Message aux signataires écrit"),
    "mailing.edit": _l("Message aux signataires modifié"),
    "mailing.test": _l("Essai d'un message aux signataires envoyé"),
    "mailing.send": _l("Message aux signataires envoyé"),
}

FIELDS = {
    "status": _l("État"),
    "hidden_by_reports": _l("Masqué après signalements"),
    "is_featured": _l("Mis en avant"),
    "text": _l("Texte"),
    "author_name": _l("Nom de l'auteur"),
    "in_reply_to": _l("En réponse au commentaire n°"),
    "network": _l("Réseau"),
    "email": _l("Adresse e-mail"),
    "reason": _l("Raison"),
    "display_name": _l("Nom affiché"),
    "role": _l("Rôle"),
    "is_active": _l("Compte actif"),
    "comment_moderation": _l("Modération des commentaires"),
    "suspect": _l("Mots à surveiller"),
    "banned": _l("Mots interdits"),
    "subject": _l("Objet"),
    "languages": _l("Langues"),
    "locale": _l("Langue"),
    "recipients": _l("Destinataires"),
}

TARGETS = {
    "comment": _l("Commentaire"),
    "user": _l("Compte"),
    "petition": _l("Pétition"),
    "comment_words": _l("Listes de mots"),
    "contact_message": _l("Message de contact"),
    "mailing": _l("Message aux signataires"),
}

_VALUES = {
    "status": {status.value: label for status, label in comment_labels.STATUS.items()},
    "reason": {
        "unknown_address": _l("adresse sans compte"),
        "wrong_password": _l("mauvais mot de passe"),
        "inactive_account": _l("compte désactivé"),
    },
    "role": {"moderator": _l("modération"), "admin": _l("administration")},
    "comment_moderation": {"pre": _l("avant publication"), "post": _l("après publication")},
}


def action(key: str):
    return ACTIONS.get(key, key)


def field(key: str):
    return FIELDS.get(key, key)


def target(key: str | None):
    return TARGETS.get(key, key) if key else ""


def value(field_key: str, stored):
    """A stored value as a person reads it: a state or a reason by its label; anything typed
    (a text, a name, an address) is returned as it is, for the template to escape."""
    if isinstance(stored, str):
        return _VALUES.get(field_key, {}).get(stored, stored)
    return stored


def note(action_key: str, stored: str | None):
    """A rejection's note is the key of its reason: shown by its label. Other notes are text."""
    if stored and action_key == "comment.reject" and stored in set(RejectReason):
        return comment_labels.reject_reason(stored)
    return stored
