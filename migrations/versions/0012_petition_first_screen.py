"""the KLEEMA petition names Wana's management and the demand first; French text gets no-break spaces

Revision ID: 0012_petition_first_screen
Revises: 0011_comment_author_deleted
Create Date: 2026-11-29 16:00:00

A database seeded before this revision keeps the old title and summary, which read as a plea to
KLEEMA and left the demand for the end. Each is replaced only where it still holds the seeded text,
so that a text edited since is left alone. French petition text also gets a no-break space before
":", ";", "?" and "!", so that no line starts with one of them.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_petition_first_screen"
down_revision = "0011_comment_author_deleted"
branch_labels = None
depends_on = None

SLUG = "kleema"
FRENCH_SPACE = re.compile(r" (?=[:;?!](?:\s|$))")

# (locale or None for the French row, field): (seeded before, seeded from now on)
TEXTS = {
    (None, "title"): (
        "Rendez-nous KLEEMA : rétablissez la ligne vers Wana",
        "Wana, rétablissez les appels des abonnés de KLEEMA",
    ),
    (None, "summary"): (
        "Depuis le 7 septembre 2009, les abonnés de KLEEMA ne peuvent plus appeler les numéros Wana au "
        "Maroc. Nous sommes des milliers de Marocains de l'étranger à dépendre de ce service pour parler "
        "à nos familles. Nous demandons son rétablissement sans attendre la fin de la procédure judiciaire.",
        "Nous demandons à la direction de Wana de rétablir tout de suite les appels des abonnés de KLEEMA "
        "vers ses numéros au Maroc, coupés depuis le 7 septembre 2009, sans attendre la fin de la procédure "
        "judiciaire. Nous sommes des milliers de Marocains de l'étranger à dépendre de ce service pour "
        "parler à nos familles.",
    ),
    ("ar", "title"): (
        "أعيدوا إلينا KLEEMA: أعيدوا وصل الخط بشبكة وانا",
        "إدارة وانا، أعيدوا مكالمات مشتركي KLEEMA",
    ),
    ("ar", "summary"): (
        "منذ 7 سبتمبر 2009، لم يعد بإمكان مشتركي KLEEMA الاتصال بأرقام وانا في المغرب. نحن آلاف "
        "المغاربة المقيمين بالخارج نعتمد على هذه الخدمة لنتحدث إلى عائلاتنا، ونطالب بإعادتها دون انتظار "
        "نهاية الإجراءات القضائية.",
        "نطالب إدارة وانا بأن تعيد فورًا مكالمات مشتركي KLEEMA نحو أرقامها في المغرب، المقطوعة منذ "
        "7 سبتمبر 2009، دون انتظار نهاية الإجراءات القضائية. نحن آلاف المغاربة المقيمين بالخارج نعتمد "
        "على هذه الخدمة لنتحدث إلى عائلاتنا.",
    ),
    ("en", "title"): (
        "Give us back KLEEMA: restore the line to Wana",
        "Wana, restore the calls of KLEEMA subscribers",
    ),
    ("en", "summary"): (
        "Since 7 September 2009, KLEEMA subscribers have been unable to call Wana numbers in Morocco. "
        "Thousands of us, Moroccans living abroad, rely on this service to talk to our families. We ask "
        "for it to be restored without waiting for the end of the court proceedings.",
        "We ask Wana's management to restore at once the calls of KLEEMA subscribers to its numbers in "
        "Morocco, cut off since 7 September 2009, without waiting for the end of the court proceedings. "
        "Thousands of us, Moroccans living abroad, rely on this service to talk to our families.",
    ),
}
FRENCH_FIELDS = ("title", "summary", "addressee", "letter", "background", "demands")

petitions = sa.table(
    "petitions", sa.column("id", sa.Integer), sa.column("slug", sa.String), *map(sa.column, FRENCH_FIELDS)
)
translations = sa.table(
    "petition_translations",
    sa.column("petition_id", sa.Integer),
    sa.column("locale", sa.String),
    sa.column("title", sa.String),
    sa.column("summary", sa.Text),
)


def _replace_seeded(new_of_old) -> None:
    connection = op.get_bind()
    petition_id = connection.scalar(sa.select(petitions.c.id).where(petitions.c.slug == SLUG))
    if petition_id is None:
        return
    for (locale, field), pair in TEXTS.items():
        old, new = new_of_old(pair)
        if locale is None:
            table, where = petitions, petitions.c.id == petition_id
        else:
            table = translations
            where = sa.and_(translations.c.petition_id == petition_id, translations.c.locale == locale)
        connection.execute(sa.update(table).where(where, table.c[field] == old).values({field: new}))


def upgrade():
    _replace_seeded(lambda pair: pair)
    connection = op.get_bind()
    for row in connection.execute(sa.select(petitions.c.id, *(petitions.c[f] for f in FRENCH_FIELDS))):
        fixed = {
            field: FRENCH_SPACE.sub("\u00a0", value)
            for field, value in zip(FRENCH_FIELDS, row[1:], strict=True)
            if value and FRENCH_SPACE.search(value)
        }
        if fixed:
            connection.execute(sa.update(petitions).where(petitions.c.id == row[0]).values(fixed))


def downgrade():
    _replace_seeded(lambda pair: pair[::-1])
