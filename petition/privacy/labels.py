"""The words for the fields of one's data, as /my-data lists them (the download keeps the keys)."""

from flask_babel import lazy_gettext as _l

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
    "name": _l("Nom"),
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
    "to": _l("Destinataire"),
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
