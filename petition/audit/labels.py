"""The audit log in words: what the stored keys (actions, fields, states, reasons) mean, in the
reader's language. A key with no label here is shown as stored, so a new action is never hidden."""

from flask_babel import lazy_gettext as _l

from petition.comments import labels as comment_labels
from petition.comments.models import RejectReason
from petition.volunteers import forms as volunteer_forms

ACTIONS = {
    "auth.login": _l("Connexion réussie"),
    "auth.login_failed": _l("Connexion refusée"),
    "auth.logout": _l("Déconnexion"),
    "user.create": _l("Compte créé"),
    "user.deactivate": _l("Compte désactivé"),
    "user.password_change": _l("Mot de passe changé"),
    "auth.second_factor_failed": _l("Code de double authentification refusé"),
    "user.2fa_enrol": _l("Double authentification activée"),
    "user.2fa_enrol_failed": _l("Activation de la double authentification refusée (code erroné)"),
    "user.2fa_recovery_codes": _l("Nouveaux codes de secours créés"),
    "user.2fa_recovery_code_used": _l("Code de secours utilisé"),
    "user.2fa_disable": _l("Double authentification désactivée"),
    "user.2fa_reset": _l("Double authentification réinitialisée (téléphone perdu)"),
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
    "update.create": _l("Actualité créée"),
    "update.text": _l("Texte d'une actualité modifié"),
    "update.settings": _l("Réglages d'une actualité modifiés"),
    "update.publish": _l("Actualité publiée"),
    "update.unpublish": _l("Actualité retirée"),
    "signature.validate": _l("Signature validée"),
    "signature.invalidate": _l("Signature invalidée"),
    "signatures.bulk_invalidate": _l("Signatures invalidées en groupe"),
    "signatures.bulk_undo": _l("Invalidation groupée annulée"),
    "ban.add": _l("Bannissement"),
    "ban.lift": _l("Bannissement levé"),
    "blocklist.domain": _l("Liste des domaines bloqués modifiée"),
    "blocklist.network_add": _l("Réseau bloqué"),
    "blocklist.network_remove": _l("Réseau débloqué"),
    "petition.create": _l("Pétition créée"),
    "petition.update": _l("Pétition modifiée (texte français, adresse ou objectif)"),
    "petition.translation": _l("Traduction d'une pétition modifiée"),
    "petition.open": _l("Pétition rouverte"),
    "petition.close": _l("Pétition close"),
    "petition.closing_message": _l("Message de clôture modifié"),
    "petition.feature": _l("Pétition mise en page d'accueil"),
    "volunteer.contacted": _l("Bénévole marqué comme contacté"),
    "volunteer.not_contacted": _l("Bénévole marqué comme non contacté"),
    "volunteer.export": _l("Liste des bénévoles exportée"),
    "export.csv": _l("Signatures exportées en CSV"),
    "export.dossier": _l("Dossier de remise demandé"),
    "export.dossier_download": _l("Dossier de remise téléchargé"),
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
    "second_factor": _l("Double authentification"),
    "comment_moderation": _l("Modération des commentaires"),
    "slug": _l("Adresse"),
    "title": _l("Titre"),
    "summary": _l("Résumé"),
    "addressee": _l("Destinataire"),
    "letter": _l("Lettre"),
    "background": _l("Ce qui s'est passé"),
    "demands": _l("Demandes"),
    "goal": _l("Objectif"),
    "milestones": _l("Paliers"),
    "is_open": _l("Ouverte aux signatures"),
    "closing_message": _l("Message de clôture"),
    "featured": _l("Pétition en page d'accueil"),
    "suspect": _l("Mots à surveiller"),
    "banned": _l("Mots interdits"),
    "petition_id": _l("Pétition n°"),
    "is_published": _l("Publiée"),
    "published_dt": _l("Date de publication"),
    "body": _l("Texte"),
    "flag": _l("Mise de côté"),
    "signatures": _l("Signatures"),
    "uncounted": _l("Signatures retirées du compte"),
    "recounted": _l("Signatures comptées à nouveau"),
    "blocked": _l("Bloqué"),
    "contacted": _l("Contacté"),
    "rows": _l("Lignes"),
    "help": _l("Aide proposée"),
    "country": _l("Pays"),
    "include_email": _l("Avec les adresses e-mail"),
    "language": _l("Langue"),
    "dossier": _l("Dossier n°"),
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
    "update": _l("Actualité"),
    "signature": _l("Signature"),
    "bulk_invalidation": _l("Invalidation groupée"),
    "ban": _l("Bannissement"),
    "volunteer": _l("Bénévole"),
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
    "second_factor": {"totp": _l("code de l'application"), "recovery": _l("code de secours")},
    "help": volunteer_forms.HELP_LABELS,
    "language": {"fr": "Français", "ar": "العربية", "en": "English"},
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
