"""Word lists kept in the database: a suspect word holds a comment for a moderator, a banned word
refuses it with a message saying which word.

Matching ignores case, accents, doubled letters and a plural ending, so that "ESCROCS",
"éscroc" and "esccroc" all meet "escroc", but never matches inside a longer word.
"""

import re
import unicodedata
from functools import lru_cache

from flask_babel import gettext
from sqlalchemy import delete, func, select

from petition.caching import TEXT_SECONDS, cached, clear_after_commit
from petition.comments.models import ModeratedWord, WordKind
from petition.core.transactions import write_transaction
from petition.extensions import cache, db

DEFAULT_WORDS = {
    # Insults and slurs that no moderator would let through.
    WordKind.BANNED: [
        "connard",
        "connasse",
        "enculé",
        "salope",
        "pute",
        "fils de pute",
        "nique ta mère",
        "ntm",
        "bougnoule",
        "youpin",
        "sale arabe",
        "sale juif",
        "zamel",
        "qahba",
        "9ahba",
    ],
    # Accusations a moderator must weigh, milder insults, and the usual spam.
    WordKind.SUSPECT: [
        "escroc",
        "voleur",
        "arnaque",
        "arnaqueur",
        "mafia",
        "mafieux",
        "corrompu",
        "corruption",
        "pot-de-vin",
        "idiot",
        "crétin",
        "débile",
        "abruti",
        "imbécile",
        "casino",
        "viagra",
        "bitcoin",
        "crypto",
        "forex",
        "prêt rapide",
    ],
}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_PLURAL = r"(?:s|x|e|es)?"


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    squeezed = re.sub(r"(.)\1+", r"\1", bare)
    return re.sub(r"\s+", " ", squeezed).strip()


def listed(kind: WordKind) -> list[str]:
    """In alphabetical order as people read it ("crétin" before "crypto"); cached, cleared when
    the list is replaced (petition/caching.py)."""
    return cached(f"words/{kind.value}", TEXT_SECONDS, lambda: _listed(kind))


def _listed(kind: WordKind) -> list[str]:
    found = db.session.scalars(select(ModeratedWord.word).where(ModeratedWord.kind == kind))
    return sorted(found, key=normalise)


def find(text: str, kind: WordKind) -> str | None:
    """The first listed word that the text contains, as the list spells it."""
    pattern, by_form = _matcher(tuple(listed(kind)))
    if pattern is None:
        return None
    match = pattern.search(normalise(text))
    return by_form[match.group(1)] if match else None


@lru_cache(maxsize=16)
def _matcher(words: tuple[str, ...]) -> tuple[re.Pattern | None, dict[str, str]]:
    """One expression for a whole list, built once per list (a comment is checked several times)."""
    by_form = {normalise(word): word for word in words if normalise(word)}
    if not by_form:
        return None, by_form
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(form) for form in sorted(by_form, key=len, reverse=True))
        + r")"
        + _PLURAL
        + r"(?!\w)"
    )
    return pattern, by_form


def refusal(text: str):
    """Why a text cannot be published, naming the banned word it holds; None if it holds none."""
    banned = find(text, WordKind.BANNED)
    if banned:
        # gettext, not a lazy string: Jinja prints lazy strings unescaped, and the word is typed text.
        return gettext(
            "« %(word)s » n'est pas accepté ici. Reformulez votre message sans ce mot.", word=banned
        )
    return None


def parse(lines: str) -> list[str]:
    """One word or expression per line, as an admin types them: blank lines and repeats dropped."""
    seen: dict[str, str] = {}
    for line in lines.splitlines():
        word = " ".join(line.split())[:80]
        if word and normalise(word) not in seen:
            seen[normalise(word)] = word
    return sorted(seen.values(), key=normalise)


def replace(kind: WordKind, words: list[str]) -> None:
    """Replace a list in the caller's transaction; its cached copy is cleared when it commits."""
    clear_after_commit(lambda: cache.delete(f"words/{kind.value}"))
    db.session.execute(delete(ModeratedWord).where(ModeratedWord.kind == kind))
    db.session.add_all(ModeratedWord(kind=kind, word=word) for word in words)


def ensure_defaults() -> None:
    """Seed the lists on a new database; lists an admin has edited are left as they are."""
    with write_transaction():
        if db.session.scalar(select(func.count()).select_from(ModeratedWord)):
            return
        for kind, words in DEFAULT_WORDS.items():
            replace(kind, words)
