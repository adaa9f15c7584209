"""The words for the fields of one's data, as /my-data lists them (the download keeps the keys)."""

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from petition.core import countries
from petition.i18n import LANGUAGES

FIELDS = {
    "petition": _l("Pétition"),
    "status": _l("État"),
    "counted": _l("Comptée"),
    "first_name": _l("Prénom"),
    "last_name": _l("Nom"),
    "email": _l("Adresse e-mail"),
    "country": _l("Pays"),
    "city": _l("Ville"),
    "reason": _l("Pourquoi je signe"),
    "is_subscriber": _l("Abonné(e) à KLEEMA"),
    "show_name": _l("Nom affiché parmi les signataires"),
    "wants_updates": _l("Nouvelles du comité par e-mail"),
    "consent_wording": _l("Choix faits en signant"),
    "locale": _l("Langue"),
    "network_hash_kept": _l("Empreinte du réseau gardée"),
    "signed": _l("Signée le"),
    "confirmed": _l("Confirmée le"),
    "withdrawn": _l("Retirée le"),
    "code": _l("Code"),
    "link": _l("Lien"),
    "confirmed_signatures_through_it": _l("Signatures comptées venues par ce lien"),
    "id": _l("Numéro"),
    "name": _l("Nom indiqué"),
    "text": _l("Texte"),
    "notification_address": _l("Adresse pour les réponses"),
    "reply_notifications": _l("Avis de réponse"),
    "written": _l("Écrit le"),
    "edited": _l("Modifié le"),
    "purpose": _l("Finalité"),
    "wording": _l("Texte accepté"),
    "wording_version": _l("Version du texte"),
    "given": _l("Donné le"),
    "message": _l("Message"),
    "sent": _l("Envoyé le"),
    "kind": _l("Sorte"),
    "to": _l("Envoyé à"),
    "subject": _l("Objet du courriel"),
    "queued": _l("Préparé le"),
    "given_up": _l("Abandonné le"),
    "asked": _l("Demandée le"),
}

# Shown in the download only: a mail's subject is in the language it was sent in, and the page
# speaks the reader's.
DOWNLOAD_ONLY = {"subject"}
# Values written in the language of the record (its `locale`), marked so with `lang` on the page.
WRITTEN_IN_LOCALE = {"consent_wording", "wording", "reason", "text"}

PURPOSES = {
    "signature.show_name": _l("Afficher mon nom parmi les signataires"),
    "signature.updates": _l("Recevoir les nouvelles du comité"),
    "comment.notifications": _l("Être prévenu(e) des réponses à mes commentaires"),
    "volunteer.contact": _l("Aider le comité comme bénévole"),
}
STATES = {
    "pending": _l("en attente"),
    "confirmed": _l("confirmée"),
    "withdrawn": _l("retirée"),
    "approved": _l("publié"),
    "rejected": _l("refusé"),
    "spam": _l("spam"),
    "deleted": _l("supprimé"),
    "asked": _l("en attente de confirmation"),
    "on": _l("oui"),
    "off": _l("non"),
}
TIMES = {
    "signed",
    "confirmed",
    "withdrawn",
    "written",
    "edited",
    "given",
    "sent",
    "queued",
    "given_up",
    "asked",
}


def shown(key: str, value) -> str | None:
    """A value of one's data as the page shows it, in the reader's language; None for nothing."""
    if value is None or value == "":
        return None
    if value is True or value is False:
        return _("oui") if value else _("non")
    if key in TIMES:
        return format_datetime(datetime.fromisoformat(value), "short")
    if key == "purpose":
        return str(PURPOSES.get(value, value))
    if key in ("status", "reply_notifications"):
        return str(STATES.get(value, value))
    if key == "country":
        return countries.name(value)
    if key == "locale":
        return LANGUAGES.get(value, value)
    return str(value)
