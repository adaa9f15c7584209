"""Where each feature keeps a person's data, so that a person can see all of it and erase it.

A feature that stores something about a person who gave an email address (a signature, a
comment, a volunteer entry, a mailing delivery…) registers a `holder` at import time. The
signers' rights pages (`/my-data`) then gather every holder's records for one canonical email
(`petition.core.email.canonical_email`) and erase them all at once. Nothing here knows a feature:
features call `holder(...)` on themselves.

GDPR articles 15 (access), 17 (erasure) and 20 (portability) are the source of the three
operations.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class CommentChoice(StrEnum):
    """What becomes of a person's comments when they erase their data."""

    KEEP = "keep"  # kept as written, under the name chosen for it; addresses and secrets removed
    ANONYMISE = "anonymise"  # the text kept, signed "anonymous"; the name removed too
    DELETE = "delete"  # removed, replies kept under a "deleted" placeholder


@dataclass(frozen=True)
class Erasure:
    """The choices a person made when asking to erase their data."""

    comments: CommentChoice = CommentChoice.ANONYMISE


@dataclass(frozen=True)
class Holder:
    """One feature's records about a person.

    `export(canonical_email)` returns JSON-ready records (a list of dicts: no datetime objects,
    ISO 8601 strings instead), `[]` when it holds none. `erase(canonical_email, erasure)` deletes
    or anonymises them in the caller's transaction (it adds and flushes, never commits) and
    returns how many rows it changed. `label` is a lazy text naming the records on the page.
    """

    name: str
    label: object
    export: Callable[[str], list[dict]]
    erase: Callable[[str, Erasure], int]


_holders: dict[str, Holder] = {}


def holder(name: str, *, label, export, erase) -> None:
    """Register (or replace, on re-import) the holder called `name`."""
    _holders[name] = Holder(name, label, export, erase)


def holders() -> list[Holder]:
    """Every registered holder, in registration order."""
    return list(_holders.values())
