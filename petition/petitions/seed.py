"""The committee's first petition, created on first start."""

from flask import current_app
from sqlalchemy import select

from petition.core.transactions import write_transaction
from petition.extensions import db
from petition.petitions import service
from petition.petitions.models import Petition, PetitionSlug, PetitionTranslation
from petition.petitions.seed_translations import TRANSLATIONS

SLUG = "kleema"

# The title names whom the petition asks and what, so that it never reads as a plea to KLEEMA; the
# summary, shown before the form, says the demand in one sentence.
TITLE = "Wana, rétablissez les appels des abonnés de KLEEMA"

SUMMARY = (
    "Nous demandons à la direction de Wana de rétablir tout de suite les appels des abonnés de KLEEMA "
    "vers ses numéros au Maroc, coupés depuis le 7 septembre 2009, sans attendre la fin de la procédure "
    "judiciaire. Nous sommes des milliers de Marocains de l'étranger à dépendre de ce service pour "
    "parler à nos familles."
)

ADDRESSEE = "À l'attention de la direction de Wana"

LETTER = """Madame, Monsieur,

Nous sommes abonnés à KLEEMA, ou proches d'abonnés. Nous vivons en France, en Belgique, en Espagne, en Italie, au Canada et ailleurs, et nous appelons chaque semaine nos parents, nos enfants, nos conjoints restés au Maroc.

Le lundi 7 septembre 2009, vers 17 heures, nos appels vers les numéros Wana ont cessé d'aboutir. On nous a d'abord parlé d'un problème technique. Quatre jours plus tard, vous avez annoncé mettre fin au contrat qui vous liait à KLEEMA, alors qu'il courait jusqu'au 1er mars 2011.

Cette coupure est tombée en plein Ramadan, au moment de l'année où les familles ont le plus besoin de se parler. Elle touche environ 50 000 foyers qui n'ont rien à voir avec le différend entre deux entreprises.

Nous ne sommes pas juges de ce différend : la justice en est saisie. Mais une procédure prend du temps, et pendant ce temps ce sont nos familles qui ne s'entendent plus. Nous vous demandons de rétablir la ligne dès maintenant, et de recevoir les représentants de KLEEMA pour trouver une issue.

Avec nos salutations,
Les signataires"""

BACKGROUND = """KLEEMA est un opérateur qui propose depuis environ deux ans des appels illimités vers le Maroc par téléphonie sur internet. Ses quelque 50 000 abonnés sont pour la plupart des Marocains résidant à l'étranger.

Lundi 7 septembre 2009, 17 h : les appels vers les clients de Wana, partenaire de KLEEMA au Maroc, n'aboutissent plus. Wana évoque un problème technique.

Mercredi 9 septembre : KLEEMA cesse de facturer les abonnés touchés et s'engage à réparer l'ensemble du préjudice.

Vendredi 11 septembre, 13 h : la coupure dure toujours. Wana annonce la fin du contrat et reproche à KLEEMA d'avoir manqué à ses obligations, ce que KLEEMA conteste. La nouvelle direction de Wana refuse de rencontrer KLEEMA.

La même semaine, KLEEMA écrit à ses abonnés et saisit le juge des référés pour obtenir le rétablissement du service ou, à défaut, des dommages et intérêts.

Pendant ce temps, une offre concurrente d'appels illimités vers le Maroc vient d'apparaître. Les questions qu'elle soulève doivent être tranchées par la justice ; ce que nous demandons, nous, c'est de pouvoir appeler nos proches."""

DEMANDS = """Que Wana rétablisse immédiatement l'acheminement des appels de KLEEMA vers ses abonnés, dans l'attente de la décision de justice.
Que la direction de Wana accepte de rencontrer KLEEMA pour régler le différend à l'amiable.
Que les abonnés privés de service soient tenus informés et dédommagés."""


def ensure_kleema_petition() -> Petition:
    """The KLEEMA petition, created unless it exists, under its address or, renamed by an admin
    before its first signature, under the one it had (which then redirects)."""
    with write_transaction():
        petition = db.session.scalar(select(Petition).where(Petition.slug == SLUG)) or db.session.scalar(
            select(Petition)
            .join(PetitionSlug, PetitionSlug.petition_id == Petition.id)
            .where(PetitionSlug.slug == SLUG)
        )
        if petition is None:
            petition = Petition(
                slug=SLUG,
                title=TITLE,
                summary=SUMMARY,
                addressee=ADDRESSEE,
                letter=LETTER,
                background=BACKGROUND,
                demands=DEMANDS,
                goal=current_app.config["PETITION_GOAL"],
                is_open=True,
                is_featured=True,
            )
            db.session.add(petition)
    _ensure_translations(petition)
    return petition


def _ensure_translations(petition: Petition) -> None:
    """Add the translations a database does not have yet; never overwrite one edited since."""
    with write_transaction():
        missing = [
            locale
            for locale in TRANSLATIONS
            if db.session.get(PetitionTranslation, (petition.id, locale)) is None
        ]
        for locale in missing:
            service.save_translation(petition, locale, **TRANSLATIONS[locale])
