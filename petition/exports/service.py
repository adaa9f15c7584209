"""Handing the signatures over: a CSV of the confirmed signatures, a delivery dossier as a PDF
and the public counts per country and per day.

Exports of personal data are written to the audit log with who made them and why, in their own
transaction, before a single row is sent (`record_export`, `request_dossier`, `download`). The
CSV is streamed: rows are read from the database in batches (`yield_per`, a server-side cursor
on PostgreSQL) and written out in chunks, so a million signatures never sit in memory at once.

WeasyPrint takes about three seconds of processor time per thousand names, so a dossier is a job:
asked for (a `Dossier` row), built by the request itself when the petition has at most
`DOSSIER_BUILD_IN_REQUEST` signatures, otherwise by `flask --app app exports build [--watch]`
(one builder takes a dossier at a time: a row lock on PostgreSQL, the write lock on SQLite),
and kept `DOSSIER_KEEP_DAYS` for admins to download.
"""

import csv
import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from babel import Locale
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, func, or_, select

from petition import i18n
from petition.audit import service as audit
from petition.caching import cached
from petition.core import countries, personal_data
from petition.core.spreadsheet import safe_cell
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.counting import service as counting
from petition.exports.models import Dossier
from petition.extensions import db
from petition.petitions import service as petitions
from petition.petitions.models import Petition
from petition.signing.models import Signature

log = logging.getLogger(__name__)

# Rows read from the database, and written out, at a time.
BATCH = 1000
# Seconds the public counts per country and per day are kept (petition/caching.py).
COUNTS_SECONDS = 60
# The dossier's font: Noto Sans merged with Noto Sans Arabic, shipped for the share card.
FONT = Path(__file__).resolve().parents[1] / "sharing" / "fonts"
# A dossier taken by a builder that has not finished it after this long (a killed process) is
# taken again.
STALE = timedelta(minutes=30)
PAGES_CSS = """
@page {
  size: A4;
  margin: 20mm 18mm 22mm;
  @top-center { font-family: "Dossier"; font-size: 8pt; color: #666; content: string(running-title); }
  @bottom-center { font-family: "Dossier"; font-size: 9pt; color: #444; content: PAGE_NUMBERS; }
}
@page :first { @top-center { content: none; } }
h1 { string-set: running-title content(); }
"""
# Names per block of the list: WeasyPrint pages long runs of lines faster in small blocks.
NAMES_PER_BLOCK = 50


def record_export(kind: str, petition: Petition, reason: str, **details) -> None:
    """Write to the audit log that the staff member logged in exports `petition`'s signatures
    as `kind` ("csv" or "dossier"), with their `reason` and `details` (e.g. include_email=True,
    language="ar"). Commits: the entry exists before any data leaves."""
    with write_transaction():
        audit.record(
            f"export.{kind}",
            "petition",
            petition.id,
            after={"signatures": _counted(petition.id), **details},
            note=reason,
        )


def _counted(petition_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.petition_id == petition_id, Signature.counts)
    )


def csv_filename(petition: Petition, when: datetime) -> str:
    return f"signatures-{petition.slug}-{when:%Y-%m-%d}.csv"


def csv_chunks(petition_id: int, include_email: bool, locale: str) -> Iterator[str]:
    """The CSV of the signatures that count, oldest first, in pieces of BATCH rows.

    Columns (headings in `locale`): first name, last name, town, country (in `locale`), country
    code (ISO 3166-1), confirmation time (UTC, ISO 8601), KLEEMA subscriber (yes/no), and the
    email address only when `include_email`. UTF-8 with a byte order mark (Excel reads it as
    UTF-8 then), CRLF line ends, every cell quoted and passed through `safe_cell`.
    """
    with force_locale(locale):
        headings = [
            _("Prénom"),
            _("Nom"),
            _("Ville"),
            _("Pays"),
            _("Code pays"),
            _("Confirmée le (UTC)"),
            _("Abonné(e) KLEEMA"),
        ]
        if include_email:
            headings.append(_("Adresse e-mail"))
        yes, no = _("oui"), _("non")
    names = countries.names(Locale.parse(locale))
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headings)
    columns = [
        Signature.first_name,
        Signature.last_name,
        Signature.city,
        Signature.country,
        Signature.confirmed_dt,
        Signature.is_subscriber,
    ]
    if include_email:
        columns.append(Signature.email)
    query = (
        select(*columns)
        .where(Signature.petition_id == petition_id, Signature.counts)
        .order_by(Signature.confirmed_dt, Signature.id)
        .execution_options(yield_per=BATCH)
    )
    for rows in db.session.execute(query).partitions():
        for row in rows:
            first, last, city, country, confirmed, subscriber, *email = row
            cells = [
                first,
                last,
                city or "",
                names.get(country, country),
                country,
                confirmed.isoformat(sep=" ", timespec="seconds") if confirmed else "",
                yes if subscriber else no,
                *email,
            ]
            writer.writerow([safe_cell(cell) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


@dataclass(frozen=True)
class Signatory:
    name: str
    town: str | None


@dataclass
class CountryGroup:
    code: str
    name: str
    count: int
    blocks: Iterator[list[Signatory]]


def dossier_filename(dossier: Dossier) -> str:
    return f"dossier-{dossier.petition.slug}-{dossier.locale}-{dossier.done_dt:%Y-%m-%d}.pdf"


def request_dossier(petition: Petition, locale: str, reason: str) -> Dossier:
    """Ask for `petition`'s delivery dossier in `locale`, for `reason`, in the name of the staff
    member logged in: a waiting `Dossier` row and its audit entry. Commits."""
    if locale not in i18n.LANGUAGES:
        raise ValueError(f"not a language of the site: {locale}")
    actor = current_user if has_request_context() and current_user.is_authenticated else None
    with write_transaction():
        count = _counted(petition.id)
        dossier = Dossier(
            petition_id=petition.id,
            locale=locale,
            reason=reason,
            requested_by_id=actor.id if actor else None,
            signatures=count,
        )
        db.session.add(dossier)
        db.session.flush()
        audit.record(
            "export.dossier",
            "petition",
            petition.id,
            after={"signatures": count, "language": locale, "dossier": dossier.id},
            note=reason,
        )
    return dossier


def builds_in_request(dossier: Dossier) -> bool:
    """Whether the request that asked for `dossier` builds it (small petitions)."""
    return (dossier.signatures or 0) <= current_app.config["DOSSIER_BUILD_IN_REQUEST"]


def claim(dossier_id: int | None = None) -> int | None:
    """Take the oldest waiting dossier (or `dossier_id`, if it waits) for building, so that no
    other builder takes it; returns its id, or None. Commits."""
    now = utcnow()
    query = (
        select(Dossier)
        .where(Dossier.done_dt.is_(None), or_(Dossier.started_dt.is_(None), Dossier.started_dt < now - STALE))
        .order_by(Dossier.requested_dt, Dossier.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if dossier_id is not None:
        query = query.where(Dossier.id == dossier_id)
    with write_transaction():
        dossier = db.session.scalar(query)
        if dossier is None:
            return None
        dossier.started_dt = now
        return dossier.id


def build(dossier_id: int) -> Dossier:
    """Build the claimed dossier `dossier_id` and keep its PDF (or the reason it failed). Commits."""
    dossier = db.session.get(Dossier, dossier_id)
    try:
        pdf, count, pages = render_dossier(dossier.petition, dossier.locale)
    except Exception as error:
        log.exception("dossier %s failed", dossier_id)
        db.session.rollback()
        with write_transaction():
            dossier.failure = f"{type(error).__name__}: {error}"[:200]
            dossier.done_dt = utcnow()
        return dossier
    with write_transaction():
        dossier.pdf, dossier.signatures, dossier.pages = pdf, count, pages
        dossier.done_dt = utcnow()
    return dossier


def build_waiting() -> int:
    """Build every waiting dossier, then forget those past `DOSSIER_KEEP_DAYS`; returns how many
    were built."""
    built = 0
    while (dossier_id := claim()) is not None:
        build(dossier_id)
        built += 1
    forget_old()
    return built


def run_builder(app, interval: float, stop: threading.Event) -> None:
    """Build waiting dossiers every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        with app.app_context():
            try:
                build_waiting()
            except Exception:
                log.exception("dossier builder failed; retrying")
                db.session.rollback()
            finally:
                db.session.remove()
        stop.wait(interval)


def forget_old() -> int:
    """Delete the dossiers asked for more than `DOSSIER_KEEP_DAYS` ago (the audit log keeps who
    asked and why); returns how many. Commits."""
    limit = utcnow() - timedelta(days=current_app.config["DOSSIER_KEEP_DAYS"])
    with write_transaction():
        return db.session.execute(delete(Dossier).where(Dossier.requested_dt < limit)).rowcount


def recent(limit: int = 20) -> list[Dossier]:
    """The dossiers kept, newest first (without their PDF)."""
    return list(
        db.session.scalars(
            select(Dossier).order_by(Dossier.requested_dt.desc(), Dossier.id.desc()).limit(limit)
        )
    )


def download(dossier_id: int) -> Dossier | None:
    """The ready dossier `dossier_id`, its download written to the audit log with the reason it
    was asked for; None when it is not ready or no longer kept. Commits."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not dossier.ready:
        return None
    with write_transaction():
        audit.record(
            "export.dossier_download",
            "petition",
            dossier.petition_id,
            after={"dossier": dossier.id, "signatures": dossier.signatures, "language": dossier.locale},
            note=dossier.reason,
        )
    return dossier


def render_dossier(petition: Petition, locale: str, when: datetime | None = None) -> tuple[bytes, int, int]:
    """The delivery dossier of `petition` in `locale` (fr, ar or en): (PDF bytes, signatures,
    pages), made with WeasyPrint.

    A first page with the committee's name and contact (`COMMITTEE_CONTACT`, the site's contact
    page), the petition's title, addressee, letter and demands in `locale` (French where
    untranslated) and the count on the date `when` (UTC now by default); then the signatories
    grouped by country, countries named and ordered in `locale` (Unicode Collation Algorithm),
    names by last name. Every page carries "page N of M" (CSS @page counters). The font carries
    Latin and Arabic glyphs; WeasyPrint (Pango, HarfBuzz) shapes Arabic and lays it out right to
    left.
    """
    from weasyprint import CSS, HTML

    html, count, page_numbers = _dossier_html(petition, locale, when or utcnow())
    document = HTML(string=html, base_url=FONT.as_uri() + "/").render(stylesheets=[CSS(string=page_numbers)])
    return document.write_pdf(), count, len(document.pages)


def _dossier_html(petition: Petition, locale: str, when: datetime) -> tuple[str, int, str]:
    """(the dossier's HTML, its count, the style sheet of its page numbers)."""
    if locale not in i18n.LANGUAGES:
        raise ValueError(f"not a language of the site: {locale}")
    by_country = dict(
        db.session.execute(
            select(Signature.country, func.count())
            .where(Signature.petition_id == petition.id, Signature.counts)
            .group_by(Signature.country)
        ).all()
    )
    names = countries.names(Locale.parse(locale))
    groups = [
        CountryGroup(code, names.get(code, code), count, _signatories(petition.id, code))
        for code, count in by_country.items()
    ]
    groups.sort(key=lambda group: countries.collation_key(group.name))
    count = sum(by_country.values())
    with force_locale(locale):
        html = render_template(
            "exports/dossier.html",
            petition=petitions.localized(petition, locale),
            locale=locale,
            direction=i18n.direction(locale),
            count=count,
            groups=groups,
            when=when,
            organiser=i18n.organiser_name(),
            contact_lines=[
                line.strip() for line in current_app.config["COMMITTEE_CONTACT"].split("|") if line.strip()
            ],
            font_dir=FONT.as_uri(),
        )
        page_numbers = _page_numbers()
    return html, count, page_numbers


def _page_numbers() -> str:
    """The paged-media style sheet (CSS GCPM, which WeasyPrint reads and HTML checkers do not
    know): A4, the petition's title at the head of each page after the first, and "Page N sur M"
    in the current language at the foot of every page."""
    words = _("Page %(page)s sur %(pages)s", page="\0", pages="\1")
    quoted = '"' + words.replace("\\", "\\\\").replace('"', '\\"') + '"'
    content = quoted.replace("\0", '" counter(page) "').replace("\1", '" counter(pages) "')
    return PAGES_CSS.replace("PAGE_NUMBERS", content)


def _signatories(petition_id: int, country: str) -> Iterator[list[Signatory]]:
    """The country's signatories by last name, in blocks of NAMES_PER_BLOCK."""
    query = (
        select(Signature.first_name, Signature.last_name, Signature.city)
        .where(Signature.petition_id == petition_id, Signature.country == country, Signature.counts)
        .order_by(Signature.last_name, Signature.first_name, Signature.id)
        .execution_options(yield_per=NAMES_PER_BLOCK)
    )
    for rows in db.session.execute(query).partitions():
        yield [Signatory(f"{first} {last}", city) for first, last, city in rows]


def public_counts(petition_id: int) -> dict:
    """{"countries": {ISO code: n}, "days": {"YYYY-MM-DD": n}}: the signatures that count, per
    country of residence and per day of confirmation (UTC), without names; cached for
    COUNTS_SECONDS (petition/caching.py). The countries are the count's own (counting.service),
    the days are read from the signatures."""
    return cached(f"public-counts/{petition_id}", COUNTS_SECONDS, lambda: _public_counts(petition_id))


def _public_counts(petition_id: int) -> dict:
    day = func.date(Signature.confirmed_dt)
    rows = db.session.execute(
        select(day, func.count())
        .where(Signature.petition_id == petition_id, Signature.counts)
        .group_by(day)
        .order_by(day)
    )
    return {
        "countries": counting.by_country(petition_id),
        "days": {str(when): int(n) for when, n in rows},
    }


def _dossiers_naming(email: str) -> list[Dossier]:
    """The dossiers kept of the petitions where the canonical `email` has a signature that counts."""
    petition_ids = select(Signature.petition_id).where(Signature.email_canonical == email, Signature.counts)
    return list(db.session.scalars(select(Dossier).where(Dossier.petition_id.in_(petition_ids))))


def _export_person(email: str) -> list[dict]:
    return [
        {
            "dossier": dossier.id,
            "petition": dossier.petition.slug,
            "language": dossier.locale,
            "asked": dossier.requested_dt.isoformat(),
            "built": dossier.done_dt.isoformat() if dossier.done_dt else None,
        }
        for dossier in _dossiers_naming(email)
    ]


def _erase_person(email: str, erasure: personal_data.Erasure) -> int:
    """A kept dossier prints the signer's name: it is deleted (it can be asked for again)."""
    dossiers = _dossiers_naming(email)
    for dossier in dossiers:
        db.session.delete(dossier)
    db.session.flush()
    return len(dossiers)


personal_data.holder(
    "dossiers",
    label=_l("Dossiers de remise qui portent votre nom"),
    export=_export_person,
    erase=_erase_person,
)
