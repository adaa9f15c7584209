"""The committee's numbers for one petition, as tables that the stats page shows beside a chart.

Every figure is read from the database (or the count shards) and kept in the cache under a key
that names what changes it (petition/caching.py): the newest signature or comment id, the
petition's count, and the current hour. A new signature, a confirmation, a withdrawal or a
new comment thus makes a new key, and the page shows it at the next visit; what no key names
(a moderator's decision on an old comment, a pending signature confirmed while another is
withdrawn) shows within STATS_SECONDS.

Days and hours are UTC. "Counted" means `Signature.counts`: confirmed and not held as suspect.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import format_date, format_datetime, format_percent, get_locale
from flask_babel import gettext as _
from sqlalchemy import String, case, cast, func, or_, select

from petition.caching import cached
from petition.comments.models import Comment, CommentCounts
from petition.core import countries
from petition.core.time import utcnow
from petition.counting import service as counting
from petition.extensions import db
from petition.sharing import links, referrals
from petition.signing.models import Signature, SignatureStatus

STATS_SECONDS = 300
DAYS = 30
HOURS = 48
TOP_COUNTRIES = 10


@dataclass
class Table:
    """A chart's data: `rows` of (label, value per column); `kind` is the chart drawn from it
    ("bar", "hbar", "pie", or None for a table alone)."""

    name: str
    title: str
    description: str
    columns: list[str]
    rows: list[tuple[str, ...]]
    kind: str | None = "bar"
    notes: list[str] = field(default_factory=list)
    svg: str | None = None


def _bucket(column, unit: str):
    """The UTC day ("2026-11-29") or hour ("2026-11-29 17") of a timestamp column, as text."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD" if unit == "day" else "YYYY-MM-DD HH24")
    return cast(func.strftime("%Y-%m-%d" if unit == "day" else "%Y-%m-%d %H", column), String)


def _days(today: date) -> list[date]:
    return [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]


def _day_label(day: date) -> str:
    return format_date(day, "d MMM")


def signatures_per_day(petition_id: int) -> Table:
    """Counted signatures by the UTC day they were confirmed, the last DAYS days."""
    start = datetime.combine(utcnow().date() - timedelta(days=DAYS - 1), datetime.min.time())
    day = _bucket(Signature.confirmed_dt, "day")
    found = dict(
        db.session.execute(
            select(day, func.count())
            .where(Signature.petition_id == petition_id, Signature.counts, Signature.confirmed_dt >= start)
            .group_by(day)
        ).all()
    )
    rows = [(_day_label(d), found.get(d.isoformat(), 0)) for d in _days(utcnow().date())]
    return Table(
        "per-day",
        _("Signatures par jour"),
        _(
            "Signatures confirmées et comptées chaque jour, sur les %(days)d derniers jours (heure UTC).",
            days=DAYS,
        ),
        [_("Jour"), _("Signatures")],
        rows,
    )


def signatures_per_hour(petition_id: int) -> Table:
    """Counted signatures by the UTC hour they were confirmed, the last HOURS hours."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=HOURS - 1)
    hour = _bucket(Signature.confirmed_dt, "hour")
    found = dict(
        db.session.execute(
            select(hour, func.count())
            .where(Signature.petition_id == petition_id, Signature.counts, Signature.confirmed_dt >= start)
            .group_by(hour)
        ).all()
    )
    hours = [start + timedelta(hours=n) for n in range(HOURS)]
    rows = [
        (format_datetime(h.replace(tzinfo=UTC), "d MMM HH:mm"), found.get(h.strftime("%Y-%m-%d %H"), 0))
        for h in hours
    ]
    return Table(
        "per-hour",
        _("Signatures par heure"),
        _(
            "Signatures confirmées et comptées chaque heure, sur les %(hours)d dernières heures (heure UTC).",
            hours=HOURS,
        ),
        [_("Heure"), _("Signatures")],
        rows,
    )


def by_country(petition_id: int) -> Table:
    """Counted signatures per country of residence: the TOP_COUNTRIES first, then the rest together."""
    ranked = sorted(counting.by_country(petition_id).items(), key=lambda item: (-item[1], item[0]))
    rows = [(countries.name(code), n) for code, n in ranked[:TOP_COUNTRIES] if n > 0]
    rest = sum(n for _code, n in ranked[TOP_COUNTRIES:])
    if rest:
        rows.append((_("Autres pays"), rest))
    return Table(
        "countries",
        _("Signatures par pays"),
        _(
            "Signatures comptées selon le pays de résidence, les %(top)d premiers pays puis les autres ensemble.",
            top=TOP_COUNTRIES,
        ),
        [_("Pays"), _("Signatures")],
        rows,
        kind="hbar",
    )


def subscribers(petition_id: int) -> Table:
    """Counted signatures of people who said they subscribe to KLEEMA, and of the others."""
    row = db.session.execute(
        select(
            func.count().filter(Signature.is_subscriber.is_(True)),
            func.count().filter(Signature.is_subscriber.is_(False)),
        ).where(Signature.petition_id == petition_id, Signature.counts)
    ).one()
    return Table(
        "subscribers",
        _("Abonnés à KLEEMA et autres signataires"),
        _("Signatures comptées dont l'auteur a coché « Je suis abonné(e) à KLEEMA », et les autres."),
        [_("Signataires"), _("Signatures")],
        [(_("Abonnés à KLEEMA"), row[0]), (_("Autres"), row[1])],
        kind="pie",
    )


def channels(petition_id: int) -> Table:
    """Signatures by the share button or place their signer first came from (sharing.referrals)."""
    rows = [
        (links.source_label(c.channel), c.signed, c.confirmed) for c in referrals.channel_counts(petition_id)
    ]
    return Table(
        "channels",
        _("Canaux de partage"),
        _(
            "Signatures selon le bouton de partage ou le lieu par lequel leur auteur est arrivé : toutes, et celles qui sont comptées."
        ),
        [_("Canal"), _("Signatures"), _("Dont comptées")],
        rows,
        kind="hbar",
    )


def top_referrers(petition_id: int) -> Table:
    """The personal links that brought the most counted signatures, named as the public list does."""
    rows = [
        (
            r.name or _("inconnu ou retiré"),
            countries.name(r.country) if r.country else "",
            r.code,
            r.confirmed,
        )
        for r in referrals.top_referrers(petition_id, limit=10)
    ]
    return Table(
        "referrers",
        _("Liens personnels les plus suivis"),
        _("Les dix liens personnels qui ont amené le plus de signatures comptées."),
        [_("Signataire"), _("Pays"), _("Code"), _("Signatures comptées")],
        rows,
        kind=None,
    )


def comments_per_day(petition_id: int) -> Table:
    """Comments received each UTC day, the last DAYS days, and how many of them are published."""
    start = datetime.combine(utcnow().date() - timedelta(days=DAYS - 1), datetime.min.time())
    day = _bucket(Comment.created_dt, "day")
    found = {
        d: (received, published)
        for d, received, published in db.session.execute(
            select(day, func.count(), func.count().filter(Comment.public_filter()))
            .where(Comment.petition_id == petition_id, Comment.created_dt >= start)
            .group_by(day)
        )
    }
    rows = [(_day_label(d), *found.get(d.isoformat(), (0, 0))) for d in _days(utcnow().date())]
    return Table(
        "comments",
        _("Commentaires par jour"),
        _(
            "Commentaires reçus chaque jour, et ceux d'entre eux qui sont publiés, sur les %(days)d derniers jours (heure UTC).",
            days=DAYS,
        ),
        [_("Jour"), _("Reçus"), _("Publiés")],
        rows,
    )


def confirmation_rate(petition_id: int) -> Table:
    """Signatures made each UTC day of the last DAYS days and how many were confirmed since (a
    withdrawn signature that had been confirmed counts as confirmed; suspect ones are left out)."""
    start = datetime.combine(utcnow().date() - timedelta(days=DAYS - 1), datetime.min.time())
    day = _bucket(Signature.created_dt, "day")
    was_confirmed = or_(
        Signature.status == SignatureStatus.CONFIRMED,
        (Signature.status == SignatureStatus.WITHDRAWN) & Signature.confirmed_dt.is_not(None),
    )
    found = {
        d: (signed, confirmed)
        for d, signed, confirmed in db.session.execute(
            select(day, func.count(), func.coalesce(func.sum(case((was_confirmed, 1), else_=0)), 0))
            .where(
                Signature.petition_id == petition_id,
                Signature.flag_reason.is_(None),
                Signature.created_dt >= start,
            )
            .group_by(day)
        )
    }
    rows, total_signed, total_confirmed = [], 0, 0
    for d in _days(utcnow().date()):
        signed, confirmed = found.get(d.isoformat(), (0, 0))
        total_signed, total_confirmed = total_signed + signed, total_confirmed + int(confirmed)
        rows.append((_day_label(d), signed, int(confirmed), _rate(int(confirmed), signed)))
    return Table(
        "confirmation",
        _("Taux de confirmation"),
        _(
            "Signatures faites chaque jour et celles que leur auteur a confirmées depuis, sur les %(days)d derniers jours (heure UTC).",
            days=DAYS,
        ),
        [_("Jour"), _("Signées"), _("Confirmées"), _("Taux")],
        rows,
        notes=[
            _(
                "Sur la période : %(confirmed)s confirmées sur %(signed)s signées, soit %(rate)s.",
                confirmed=total_confirmed,
                signed=total_signed,
                rate=_rate(total_confirmed, total_signed) or "–",
            )
        ],
    )


def _rate(part: int, whole: int) -> str:
    return format_percent(part / whole) if whole else ""


SIGNATURE_TABLES = {
    "per-day": signatures_per_day,
    "per-hour": signatures_per_hour,
    "countries": by_country,
    "subscribers": subscribers,
    "confirmation": confirmation_rate,
    "channels": channels,
    "referrers": top_referrers,
}
COMMENT_TABLES = {"comments": comments_per_day}
NAMES = (*SIGNATURE_TABLES, *COMMENT_TABLES)


def _fingerprint(petition_id: int, name: str) -> str:
    """What changes when the figures of `name` change: the newest id of its rows (a new
    signature or comment anywhere), the petition's count or its public comment count, the hour."""
    hour = utcnow().strftime("%Y%m%d%H")
    if name in COMMENT_TABLES:
        newest = db.session.scalar(select(func.max(Comment.id))) or 0
        public = db.session.scalar(
            select(CommentCounts.public).where(CommentCounts.petition_id == petition_id)
        )
        return f"{newest}-{public or 0}-{hour}"
    newest = db.session.scalar(select(func.max(Signature.id))) or 0
    return f"{newest}-{counting.total(petition_id)}-{hour}"


def key(petition_id: int, name: str) -> str:
    return f"stats/{petition_id}/{name}/{get_locale()}/{_fingerprint(petition_id, name)}"


def table(petition_id: int, name: str, draw=None) -> Table:
    """The table `name` (one of NAMES) of a petition in the page's language, with its chart drawn
    by `draw(table) -> svg` when it has one; cached (petition/caching.py)."""
    compute = (SIGNATURE_TABLES | COMMENT_TABLES)[name]

    def build() -> Table:
        built = compute(petition_id)
        if draw is not None and built.kind is not None:
            built.svg = draw(built)
        return built

    return cached(key(petition_id, name), STATS_SECONDS, build)
