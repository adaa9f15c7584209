"""A handful of realistic comments for a demonstration, added only on request
(`flask --app app comments demo`): the voices the thread is made for, spelling and all."""

from datetime import timedelta

from sqlalchemy import func, select

from petition.comments import service
from petition.comments.models import Comment, CommentStatus
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.extensions import db
from petition.petitions.models import Petition

# (key, answers, author, text, state) where state is "approved", "pending", "featured" or "official".
THREAD = [
    (
        "famille",
        None,
        "Rachid",
        "Salam alikoum a tous. Chez nous toute la famille utilisait KLEEMA pour appeler le bled, "
        "mes parents sont a Nador et ils ont un portable Wana. Depuis lundi soir plus rien, ca sonne dans "
        "le vide.\n\nJ'ai signé et j'ai transferé a tous les cousins sur WhatsApp.",
        "approved",
    ),
    (
        "merci-famille",
        "famille",
        "",
        "Merci Rachid, et merci à toute votre famille. Le juge des référés est saisi pour que la ligne "
        "soit rétablie au plus vite : nous publierons ici la date de l'audience dès que nous l'aurons.",
        "official",
    ),
    (
        "mari",
        None,
        "Fatima Zahra",
        "Mon mari est encore au Maroc le temps que son visa arrive, on s'appelait tous les soirs apres le "
        "ftour. En plein Ramadan c'est vraiment dur de plus l'entendre. Rendez nous la ligne svp.",
        "featured",
    ),
    (
        "courage",
        "mari",
        "Samir",
        "Courage ma soeur, inchallah ca revient vite. On est nombreux dans le meme cas.",
        "approved",
    ),
    (
        "business",
        None,
        "Mehdi",
        "Je vais peut etre me faire des ennemis mais business is business. KLEEMA dependait d'un seul "
        "operateur la bas, c'etait risqué des le depart. Je signe quand meme, pour les familles.",
        "approved",
    ),
    (
        "contrat",
        "business",
        "Nadia",
        "T'as pas tort sur le risque, mais le contrat courait jusqu'en mars 2011. On coupe pas 50 000 "
        "abonnés du jour au lendemain en disant que c'est technique.",
        "approved",
    ),
    (
        "juge",
        "contrat",
        "Mehdi",
        "C'est au juge de le dire, pas a nous. On verra apres le référé.",
        "approved",
    ),
    (
        "correction",
        None,
        "Khalid",
        "Petite correction : KLEEMA n'est pas le seul a proposer l'illimité vers le Maroc, d'autres "
        "offres existent. Ca n'enleve rien au probleme.",
        "approved",
    ),
    (
        "corrige",
        "correction",
        "",
        "Merci, c'est exact : nous avons corrigé la présentation de la pétition.",
        "official",
    ),
    (
        "inscriptions",
        None,
        "abdel75",
        "g voulu m inscrire chez la concurence en attendant, inscriptions fermées. C fini l'illimité vers "
        "le maroc ou quoi ??",
        "approved",
    ),
    (
        "boycott",
        None,
        "Houda",
        "Boycott de Wana tant que la ligne n'est pas rétablie ! Allah ybarek fikoum pour cette pétition.",
        "approved",
    ),
    (
        "colere",
        None,
        "Said",
        "franchement honteux",
        "approved",
    ),
    (
        "hasard",
        None,
        "Un abonné",
        "Comme par hasard le concurrent sort le meme mois et les appels vers Wana y sont gratuits. "
        "Il parait que Wana en possede la moitié, renseignez vous.",
        "pending",
    ),
]


class AlreadySeeded(Exception):
    pass


def seed(petition: Petition) -> int:
    """Add the demonstration thread to a petition that has no comments yet; returns how many."""
    with write_transaction():
        existing = db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.petition_id == petition.id)
        )
        if existing:
            raise AlreadySeeded
        posted: dict[str, Comment] = {}
        start = utcnow() - timedelta(hours=len(THREAD) * 3)
        for number, (key, answers, author, text, state) in enumerate(THREAD):
            answered = posted[answers] if answers else None
            if state == "official":
                comment = service.official_reply(answered, text)
            else:
                comment, _token = service.post(
                    petition,
                    service.Draft(
                        author_name=author, text=text, reply_to_id=answered.id if answered else None
                    ),
                    locale="fr",
                    ip=None,
                )
                if state != "pending":
                    service.decide(comment, CommentStatus.APPROVED)
                if state == "featured":
                    service.set_featured(comment, True)
            # Spread over the last hours, so that the thread reads in the order it was written.
            comment.created_dt = start + timedelta(hours=3 * number)
            if comment.decided_dt:
                comment.decided_dt = comment.created_dt + timedelta(minutes=20)
            posted[key] = comment
    return len(posted)
