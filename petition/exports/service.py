"""Handing the signatures over: a CSV of the confirmed signatures, a delivery dossier as a PDF
and the public counts per country and per day.

Exports of personal data are written to the audit log with who made them and why, in their own
transaction, before a single row is sent (`record_export`). The CSV is streamed: rows are read
from the database in batches (`yield_per`, a server-side cursor on PostgreSQL) and written out in
chunks, so a million signatures never sit in memory at once.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from petition import i18n
from petition.audit import service as audit
from petition.caching import cached
from petition.core import countries
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.counting import service as counting
from petition.extensions import db
from petition.petitions import service as petitions
from petition.petitions.models import Petition
from petition.signing.models import Signature

# Rows read from the database, and written out, at a time.
BATCH = 1000
# Seconds the public counts per country and per day are kept (petition/caching.py).
COUNTS_SECONDS = 60
# The dossier's font: Noto Sans merged with Noto Sans Arabic, shipped for the share card.
FONT = Path(__file__).resolve().parents[1] / "sharing" / "fonts"

# OWASP "CSV Injection": a cell a spreadsheet would read as a formula (or a DDE call) starts with
# one of these; tab and carriage return too, as some spreadsheets drop them and read what follows.
# The full-width forms are folded to the ASCII ones by some spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: str) -> str:
    """The text of a CSV cell that no spreadsheet runs as a formula: a cell starting with
    `= + - @`, a tab or a carriage return gets a leading `'` (OWASP's advice), shown as text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


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
    signatories: Iterator[Signatory]


def dossier_filename(petition: Petition, locale: str, when: datetime) -> str:
    return f"dossier-{petition.slug}-{locale}-{when:%Y-%m-%d}.pdf"


def dossier_pdf(petition: Petition, locale: str, when: datetime | None = None) -> bytes:
    """The delivery dossier of `petition` in `locale` (fr, ar or en), as PDF bytes (WeasyPrint).

    A cover page (title, addressee, letter, demands in `locale`, or French where untranslated;
    the count on the date `when`, UTC now by default), the committee's contact (the organiser's
    name, `COMMITTEE_CONTACT`, the site's contact page), then the signatories grouped by country,
    countries named and ordered in `locale` (Unicode Collation Algorithm), names by last name.
    Every page after the cover carries "page N of M" (CSS @page counters). The font carries
    Latin and Arabic glyphs; WeasyPrint (Pango, HarfBuzz) shapes Arabic and lays it out right
    to left.
    """
    from weasyprint import CSS, HTML

    if locale not in i18n.LANGUAGES:
        raise ValueError(f"not a language of the site: {locale}")
    when = when or utcnow()
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
    with force_locale(locale):
        html = render_template(
            "exports/dossier.html",
            petition=petitions.localized(petition, locale),
            locale=locale,
            direction=i18n.direction(locale),
            count=sum(by_country.values()),
            groups=groups,
            when=when,
            organiser=i18n.organiser_name(),
            contact_lines=[
                line.strip() for line in current_app.config["COMMITTEE_CONTACT"].split("|") if line.strip()
            ],
            font_dir=FONT.as_uri(),
        )
    with force_locale(locale):
        page_numbers = CSS(string=_page_numbers())
    return HTML(string=html, base_url=FONT.as_uri() + "/").write_pdf(stylesheets=[page_numbers])


def _page_numbers() -> str:
    """A style sheet putting "Page N sur M" in the current language at the foot of each page."""
    words = _("Page %(page)s sur %(pages)s", page="\0", pages="\1")
    quoted = '"' + words.replace("\\", "\\\\").replace('"', '\\"') + '"'
    content = quoted.replace("\0", '" counter(page) "').replace("\1", '" counter(pages) "')
    return "@page { @bottom-center { content: " + content + "; } }"


def _signatories(petition_id: int, country: str) -> Iterator[Signatory]:
    query = (
        select(Signature.first_name, Signature.last_name, Signature.city)
        .where(Signature.petition_id == petition_id, Signature.country == country, Signature.counts)
        .order_by(Signature.last_name, Signature.first_name, Signature.id)
        .execution_options(yield_per=BATCH)
    )
    for first, last, city in db.session.execute(query):
        yield Signatory(f"{first} {last}", city)


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
