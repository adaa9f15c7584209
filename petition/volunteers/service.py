"""Volunteers: an offer of help, confirmed by its owner from a mailed link (double opt-in, as for
signing), then listed for the admins, who mark the people they contacted and export the list.

Rules, and where they come from:
- One entry per mailbox (the canonical email of `petition.core.email`), decided by a unique
  index, not by a query before the INSERT. Offering again with a known address shows the same
  page and queues the same mail ("confirm", or "already registered" once confirmed), so the
  form tells nobody who volunteered; at most MAILS_PER_ADDRESS_PER_DAY mails per mailbox.
- The consent is kept with its wording, in the language the person read it, and its time
  (GDPR article 7(1): the committee must be able to show that the person consented).
- Entries that look sent by a robot (GuardedForm.robot_signal) are kept apart: never mailed,
  never listed; a person who then offers with that address replaces the robot's entry.
"""

import csv
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from petition.audit import service as audit
from petition.core import countries
from petition.core.email import canonical_email
from petition.core.network import hash_ip
from petition.core.personal_data import Erasure, holder
from petition.core.spreadsheet import safe_cell
from petition.core.time import utcnow
from petition.core.tokens import BadToken, make_token, read_token
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.database import insert_missing
from petition.extensions import db
from petition.mail import service as mail
from petition.privacy import consents
from petition.volunteers.forms import HELP_LABELS
from petition.volunteers.models import Volunteer, VolunteerStatus

CONFIRM = "confirm-volunteer"
CONFIRM_MAIL = "volunteers/confirm"
PER_PAGE = 50


@dataclass
class Offer:
    name: str
    email: str
    country: str
    helps: list[str]
    consent_wording: str
    city: str | None = None
    help_other: str | None = None
    availability: str | None = None


class InvalidLink(Exception):
    """The link was altered, or belongs to no entry (erased since)."""


class ExpiredLink(Exception):
    """The link was genuine but is too old."""


def _fields(offer: Offer) -> dict:
    helps = [code for code in HELP_LABELS if code in offer.helps]
    return {
        "name": offer.name,
        "email": offer.email.strip(),
        "country": offer.country,
        "city": offer.city or None,
        "helps": " ".join(helps),
        "help_other": (offer.help_other or None) if "other" in helps else None,
        "availability": offer.availability or None,
        "consent_wording": offer.consent_wording,
    }


def offer_help(offer: Offer, *, locale: str, ip: str | None, robot_signal: str | None = None) -> None:
    """Keep an offer of help, pending until confirmed, and queue its mail (a write transaction).

    A known mailbox keeps what it first sent while pending (whoever owns the mailbox confirms
    what it sees on the confirmation page) and gets the mail again, within the daily cap.
    """
    canonical = canonical_email(offer.email)
    with write_transaction():
        # Looked up before the INSERT whether or not it is known, so that both cases run the
        # same statements and take the same time (as signing does).
        existing = _volunteer_of(canonical)
        may_mail = robot_signal is None and not mail.daily_cap_reached(canonical)
        new_id = (
            db.session.connection()
            .execute(
                insert_missing(
                    Volunteer.__table__,
                    {
                        "token": secrets.token_urlsafe(18),
                        "status": VolunteerStatus.PENDING.value,
                        "email_canonical": canonical,
                        "locale": locale,
                        "robot_signal": robot_signal,
                        "ip_hash": hash_ip(ip),
                        "consent_dt": utcnow(),
                        "created_dt": utcnow(),
                        **_fields(offer),
                    },
                ).returning(Volunteer.__table__.c.id)
            )
            .scalar()
        )
        if new_id is None:
            existing = existing or _volunteer_of(canonical)  # offered a moment ago
            if existing.robot_signal is not None and robot_signal is None:
                for name, value in _fields(offer).items():
                    setattr(existing, name, value)
                existing.robot_signal = None
                existing.token = secrets.token_urlsafe(18)
                existing.locale = locale
                existing.consent_dt = existing.created_dt = utcnow()
                db.session.flush()
            new_id, address = existing.id, existing.email
        else:
            address = offer.email.strip()
        if may_mail:
            mail.enqueue(
                CONFIRM_MAIL, recipient=address, recipient_key=canonical, locale=locale, volunteer=new_id
            )


def _volunteer_of(canonical: str) -> Volunteer | None:
    return db.session.scalar(select(Volunteer).where(Volunteer.email_canonical == canonical))


@mail.composer(CONFIRM_MAIL)
def _confirm_mail(params: dict, locale: str) -> dict | None:
    volunteer = db.session.get(Volunteer, params["volunteer"])
    if volunteer is None or volunteer.robot_signal is not None:
        return None
    return {
        "volunteer": volunteer,
        "confirmed": volunteer.status == VolunteerStatus.CONFIRMED,
        "helps": help_labels(volunteer),
        "confirm_url": absolute_url(
            "volunteers.confirm", token=make_token(volunteer.token, CONFIRM), lang=locale
        ),
        "site_url": absolute_url("volunteers.form", lang=locale),
    }


def help_labels(volunteer: Volunteer) -> list[str]:
    """The kinds of help offered, in the reader's language."""
    return [str(HELP_LABELS[code]) for code in volunteer.help_codes if code in HELP_LABELS]


def volunteer_for(token: str) -> Volunteer:
    """The entry a mailed link stands for; raises ExpiredLink or InvalidLink."""
    try:
        key = read_token(token, CONFIRM, max_age=timedelta(days=current_app.config["CONFIRM_TOKEN_DAYS"]))
    except BadToken as error:
        raise (ExpiredLink if error.expired else InvalidLink) from None
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.token == key))
    if volunteer is None or volunteer.robot_signal is not None:
        raise InvalidLink
    return volunteer


# What a volunteer consents to: the committee contacting them about the help they offered.
CONSENT_PURPOSE = "volunteer.contact"


def confirm(volunteer: Volunteer) -> bool:
    """Confirm once (a write transaction, a conditional UPDATE); a replay changes nothing.
    Returns True if this call confirmed it. The consent is recorded then, as for a signature:
    the double opt-in proves who gave it."""
    with write_transaction():
        changed = db.session.execute(
            update(Volunteer)
            .where(Volunteer.id == volunteer.id, Volunteer.status == VolunteerStatus.PENDING)
            .values(status=VolunteerStatus.CONFIRMED, confirmed_dt=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            consents.give(
                volunteer.email_canonical,
                CONSENT_PURPOSE,
                volunteer.consent_wording,
                locale=volunteer.locale,
                source=f"volunteer:{volunteer.id}",
            )
    return bool(changed)


# --- What admins see and do -------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    help: str | None = None  # a key of HELP_LABELS
    country: str | None = None  # an ISO 3166-1 code

    @classmethod
    def from_args(cls, args) -> "Filters":
        """The filters of a query string or form; unknown values are ignored (no filter)."""
        country = (args.get("country") or "").upper()
        return cls(
            help=args.get("help") if args.get("help") in HELP_LABELS else None,
            country=country if countries.is_known(country) else None,
        )

    def as_dict(self) -> dict:
        return {"help": self.help, "country": self.country}


def _listed(filters: Filters):
    query = select(Volunteer).where(Volunteer.status == VolunteerStatus.CONFIRMED)
    if filters.help:
        query = query.where(Volunteer.helps.contains(filters.help))
    if filters.country:
        query = query.where(Volunteer.country == filters.country)
    return query.order_by(Volunteer.confirmed_dt.desc(), Volunteer.id.desc())


def listing(filters: Filters, page: int):
    """Confirmed volunteers, newest first, filtered, one page at a time (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(_listed(filters), page=page, per_page=PER_PAGE, error_out=False, count=True)


def countries_present() -> list[str]:
    """Codes of the countries confirmed volunteers live in, for the filter."""
    codes = db.session.scalars(
        select(Volunteer.country).where(Volunteer.status == VolunteerStatus.CONFIRMED).distinct()
    )
    return sorted(codes, key=countries.name)


@dataclass
class Counts:
    confirmed: int
    not_contacted: int
    pending: int


def counts() -> Counts:
    """Confirmed volunteers, those nobody contacted yet, and offers awaiting confirmation (robots apart)."""
    confirmed = Volunteer.status == VolunteerStatus.CONFIRMED
    row = db.session.execute(
        select(
            func.count().filter(confirmed),
            func.count().filter(confirmed, Volunteer.contacted_dt.is_(None)),
            func.count().filter(
                Volunteer.status == VolunteerStatus.PENDING, Volunteer.robot_signal.is_(None)
            ),
        )
    ).one()
    return Counts(*row)


def mark_contacted(volunteer_id: int, contacted: bool, by) -> Volunteer | None:
    """Mark a confirmed volunteer contacted (or not any more) by the staff member `by`, with an
    audit entry (a write transaction). None for an unknown or unconfirmed id."""
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.status != VolunteerStatus.CONFIRMED:
        return None
    with write_transaction():
        before = {"contacted": volunteer.contacted_dt is not None}
        if contacted and volunteer.contacted_dt is None:
            volunteer.contacted_dt, volunteer.contacted_by_id = utcnow(), by.id
        elif not contacted:
            volunteer.contacted_dt, volunteer.contacted_by_id = None, None
        audit.record(
            "volunteer.contacted" if contacted else "volunteer.not_contacted",
            "volunteer",
            volunteer.id,
            before=before,
            after={"contacted": contacted},
            actor=by,
        )
    return volunteer


CSV_COLUMNS = (
    ("name", _l("Prénom et nom")),
    ("email", _l("Adresse e-mail")),
    ("country", _l("Pays")),
    ("city", _l("Ville")),
    ("helps", _l("Aide proposée")),
    ("help_other", _l("Autre aide")),
    ("availability", _l("Disponibilités")),
    ("locale", _l("Langue")),
    ("confirmed", _l("Confirmé le")),
    ("contacted", _l("Contacté le")),
)


def export_csv(filters: Filters, reason: str, by) -> Iterator[str]:
    """The confirmed volunteers matching `filters` as CSV text, in pieces (UTF-8 with a BOM, for
    Excel). The export is written to the audit log first, with who made it and why (a write
    transaction); the rows are then read in batches, so a long list never sits in memory whole.

    Every cell goes through `safe_cell`: a spreadsheet never runs what a volunteer typed
    (OWASP, CSV injection). Headers and names of countries and kinds of help are in the
    admin's language, read when the generator starts.
    """
    with write_transaction():
        rows = db.session.scalar(select(func.count()).select_from(_listed(filters).subquery()))
        audit.record(
            "volunteer.export",
            "volunteer",
            None,
            after={**filters.as_dict(), "rows": rows},
            note=reason,
            actor=by,
        )
    header = [str(label) for _key, label in CSV_COLUMNS]
    help_names = {code: str(label) for code, label in HELP_LABELS.items()}

    def line(values: list) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([safe_cell(value) for value in values])
        return buffer.getvalue()

    def generate() -> Iterator[str]:
        yield "\ufeff" + line(header)
        result = db.session.execute(_listed(filters).execution_options(yield_per=500))
        for volunteer in result.scalars():
            yield line(
                [
                    volunteer.name,
                    volunteer.email,
                    countries.name(volunteer.country),
                    volunteer.city or "",
                    ", ".join(help_names[code] for code in volunteer.help_codes if code in help_names),
                    volunteer.help_other or "",
                    volunteer.availability or "",
                    volunteer.locale,
                    volunteer.confirmed_dt.strftime("%Y-%m-%d %H:%M") if volunteer.confirmed_dt else "",
                    volunteer.contacted_dt.strftime("%Y-%m-%d %H:%M") if volunteer.contacted_dt else "",
                ]
            )

    return generate()


# --- Personal data (petition/core/personal_data.py) ------------------------------------------


def _export(canonical: str) -> list[dict]:
    rows = db.session.scalars(select(Volunteer).where(Volunteer.email_canonical == canonical))
    return [
        {
            "name": row.name,
            "email": row.email,
            "country": row.country,
            "city": row.city,
            "helps": row.help_codes,
            "help_other": row.help_other,
            "availability": row.availability,
            "language": row.locale,
            "consent": row.consent_wording,
            "consent_given": row.consent_dt.isoformat(),
            "offered": row.created_dt.isoformat(),
            "confirmed": row.confirmed_dt.isoformat() if row.confirmed_dt else None,
            "contacted": row.contacted_dt.isoformat() if row.contacted_dt else None,
        }
        for row in rows
    ]


def _erase(canonical: str, erasure: Erasure) -> int:
    return db.session.execute(delete(Volunteer).where(Volunteer.email_canonical == canonical)).rowcount


holder(
    "volunteers",
    label=_l("Proposition d'aide au comité"),
    export=_export,
    erase=_erase,
)
