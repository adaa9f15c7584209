"""Signers' rights: a mailed link to one's data, its download and its erasure, and the retention
rules that the cron command (`flask --app app privacy apply`) applies.

Sources: GDPR articles 7(1) (proof of consent, see consents.py), 15, 17 and 20 (access, erasure,
portability: core/personal_data.py), 5(1)(e) (storage limitation: the rules below); the UK
Parliament petitions site anonymises signatures six months after a petition closes.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, func, literal, select, update

from petition.comments.models import Comment, CommentReport, CommentStatus
from petition.core.email import canonical_email
from petition.core.personal_data import Erasure, holders
from petition.core.time import utcnow
from petition.core.tokens import BadToken, make_token, read_token
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.extensions import db
from petition.mail import service as mail
from petition.mail.models import OutboxMail
from petition.petitions.models import Petition
from petition.privacy import holders as privacy_holders
from petition.privacy.models import ConsentRecord, DataRequest, RetentionTally
from petition.signing.models import Signature

MY_DATA = "my-data"
LINK_MAIL = "privacy/my_data_link"


class BadLink(Exception):
    """The link was altered, its request is gone (erased, purged), or (`expired`) too old."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def link_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["MY_DATA_LINK_HOURS"])


def ask_for_link(address: str, locale: str, *, robot_signal: str | None = None) -> None:
    """Someone typed an address on /my-data (a write transaction).

    The answer is the same whatever happens here: a link is mailed to the address, whether or
    not the site holds anything about it, unless the mailbox had its day's share of mail
    (MAILS_PER_ADDRESS_PER_DAY, shared with every other form) or the form looks sent by a robot.
    The link names a request row, never the address (the token travels in a URL).
    """
    subject = canonical_email(address)
    with write_transaction():
        if robot_signal is not None or mail.daily_cap_reached(subject):
            return
        asked = DataRequest(subject=subject)
        db.session.add(asked)
        db.session.flush()
        mail.enqueue(LINK_MAIL, recipient=address, recipient_key=subject, locale=locale, request=asked.id)


def link_token(asked: DataRequest) -> str:
    return make_token(asked.id, MY_DATA)


@mail.composer(LINK_MAIL)
def _link_mail(params: dict, locale: str) -> dict | None:
    asked = db.session.get(DataRequest, params["request"])
    if asked is None:
        return None
    return {
        "my_data_url": absolute_url("privacy.my_data", token=link_token(asked), lang=locale),
        "hours": current_app.config["MY_DATA_LINK_HOURS"],
        "privacy_url": absolute_url("petitions.privacy", lang=locale),
    }


def subject_of(token: str) -> str:
    """The canonical mailbox a mailed link stands for; raises BadLink."""
    try:
        request_id = read_token(token, MY_DATA, max_age=link_lifetime())
    except BadToken as error:
        raise BadLink(expired=error.expired) from None
    asked = db.session.get(DataRequest, request_id) if isinstance(request_id, int) else None
    if asked is None:
        raise BadLink
    return asked.subject


@dataclass
class Section:
    """One holder's records about a person, as the page lists them."""

    name: str
    label: object
    records: list[dict]


def gather(subject: str) -> list[Section]:
    """Everything every feature holds about this canonical mailbox, holder by holder."""
    return [Section(found.name, found.label, found.export(subject)) for found in holders()]


def export_json(subject: str) -> str:
    """The download: {"generated": time, "data": {holder name: [records]}}, UTF-8 JSON."""
    data = {section.name: section.records for section in gather(subject)}
    return json.dumps(
        {"generated": utcnow().isoformat(timespec="seconds") + "Z", "data": data},
        ensure_ascii=False,
        indent=2,
    )


def erase(subject: str, erasure: Erasure) -> dict[str, int]:
    """Erase everything about this canonical mailbox, in one write transaction: every holder's
    `erase`, the signatures' last (withdrawn through the signing service first, so the count and
    its history follow). Returns {holder name: rows changed}."""
    ordered = sorted(holders(), key=lambda found: found.name == privacy_holders.SIGNATURES)
    with write_transaction():
        changed = {found.name: found.erase(subject, erasure) for found in ordered}
        _tally("erasure", 1)
    return changed


# --- Retention ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A retention rule: `due()` counts the rows it would change now; `apply()` changes them, in
    the caller's transaction, and returns how many."""

    name: str
    label: object
    due: Callable[[], int]
    apply: Callable[[], int]


def _days(setting: str) -> timedelta:
    return timedelta(days=current_app.config[setting])


def _anonymisable():
    """Signatures of petitions closed more than ANONYMISE_AFTER_DAYS ago, not yet anonymised."""
    closed = select(Petition.id).where(
        Petition.closed_dt.is_not(None), Petition.closed_dt < utcnow() - _days("ANONYMISE_AFTER_DAYS")
    )
    return Signature.petition_id.in_(closed), ~Signature.email_canonical.startswith(privacy_holders.ERASED)


def _anonymise() -> int:
    """The names, address, town, reason and network of each signature go; its status, country and
    dates stay, so the counts, the per-country figures and the count's history do not move."""
    where = _anonymisable()
    sources = select(literal("signature:").concat(cast(Signature.id, String))).where(*where)
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.source.in_(sources)))
    return db.session.execute(
        update(Signature)
        .where(*where)
        .values(privacy_holders.scrubbed())
        .execution_options(synchronize_session=False)
    ).rowcount


def _old_mail():
    """Mail sent or given up more than MAIL_KEEP_DAYS ago that still holds an address."""
    cutoff = utcnow() - _days("MAIL_KEEP_DAYS")
    return ((OutboxMail.sent_dt < cutoff) | (OutboxMail.failed_dt < cutoff)), OutboxMail.recipient != ""


def _purge_mail() -> int:
    """Sent mail is deleted; mail given up on is kept without address, text or error, so that
    the dashboard still counts it."""
    where = _old_mail()
    deleted = db.session.execute(
        delete(OutboxMail)
        .where(*where, OutboxMail.sent_dt.is_not(None))
        .execution_options(synchronize_session=False)
    ).rowcount
    emptied = db.session.execute(
        update(OutboxMail)
        .where(*where)
        .values(recipient="", recipient_key="", subject=None, body_text=None, params=None, last_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return deleted + emptied


_NETWORK_KEEPERS = (Signature, Comment, CommentReport)


def _old_networks(model):
    return model.ip_hash.is_not(None), model.created_dt < utcnow() - _days("IP_HASH_KEEP_DAYS")


def _purge_networks() -> int:
    return sum(
        db.session.execute(
            update(model)
            .where(*_old_networks(model))
            .values(ip_hash=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        for model in _NETWORK_KEEPERS
    )


def _old_secrets():
    """Authors' secrets of comments past the edit window that no longer wait for a moderator
    (a waiting comment's author still sees it, from their browser, until it is decided)."""
    edit_window = timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])
    return (
        Comment.edit_token_hash.is_not(None),
        Comment.created_dt < utcnow() - edit_window,
        Comment.status != CommentStatus.PENDING,
    )


def _purge_secrets() -> int:
    return db.session.execute(
        update(Comment)
        .where(*_old_secrets())
        .values(edit_token_hash=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _old_requests():
    return (DataRequest.created_dt < utcnow() - link_lifetime(),)


def _purge_requests() -> int:
    return db.session.execute(delete(DataRequest).where(*_old_requests())).rowcount


def _count(model, where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def rules() -> list[Rule]:
    """The retention rules, in the order `apply` runs them."""
    return [
        Rule(
            "anonymise_signatures",
            _l("Signatures de pétitions closes à rendre anonymes"),
            lambda: _count(Signature, _anonymisable()),
            _anonymise,
        ),
        Rule(
            "purge_mail",
            _l("Courriels envoyés ou abandonnés à vider de leur adresse et de leur texte"),
            lambda: _count(OutboxMail, _old_mail()),
            _purge_mail,
        ),
        Rule(
            "purge_networks",
            _l("Empreintes de réseau anciennes (signatures, commentaires, signalements)"),
            lambda: sum(_count(model, _old_networks(model)) for model in _NETWORK_KEEPERS),
            _purge_networks,
        ),
        Rule(
            "purge_comment_secrets",
            _l("Secrets d'auteur de commentaires après le délai de modification"),
            lambda: _count(Comment, _old_secrets()),
            _purge_secrets,
        ),
        Rule(
            "purge_data_requests",
            _l("Demandes d'accès dont le lien a expiré"),
            lambda: _count(DataRequest, _old_requests()),
            _purge_requests,
        ),
    ]


def _tally(rule: str, changed: int) -> None:
    """Add to a rule's tally, in the caller's transaction (one row per rule, created on first use)."""
    tally = db.session.get(RetentionTally, rule) or RetentionTally(rule=rule, total=0, last_changed=0)
    db.session.add(tally)
    tally.total += changed
    tally.last_changed = changed
    tally.last_run_dt = utcnow()
    db.session.flush()


def apply() -> dict[str, int]:
    """Apply every retention rule, each in its own write transaction; {rule: rows changed}."""
    done = {}
    for rule in rules():
        with write_transaction():
            done[rule.name] = rule.apply()
            _tally(rule.name, done[rule.name])
    return done


@dataclass(frozen=True)
class RuleState:
    name: str
    label: object
    due: int
    total: int
    last_run_dt: datetime | None


def status() -> list[RuleState]:
    """For the dashboard: each rule with what is due now, what it did in all and when it last ran."""
    tallies = {row.rule: row for row in db.session.scalars(select(RetentionTally))}
    states = []
    for rule in rules():
        tally = tallies.get(rule.name)
        states.append(
            RuleState(
                rule.name,
                rule.label,
                rule.due(),
                tally.total if tally else 0,
                tally.last_run_dt if tally else None,
            )
        )
    return states


def erasures() -> int:
    """How many people erased their data from /my-data."""
    tally = db.session.get(RetentionTally, "erasure")
    return tally.total if tally else 0
