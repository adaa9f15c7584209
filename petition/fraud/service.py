"""Rules against fraud: which signatures are held back, and what moderators do with them.

A signature is *flagged* when its `flag_reason` is set: it is kept, it never counts, and a
moderator decides. The reasons set here (besides the form's own "honeypot" and "no-timer"):

- "rate-limit": more signatures from one client than RATELIMIT_SIGN_FLAG (the client is the
  rate limits' one, core.network.client_key). Past RATELIMIT_SIGN the site answers 429 and
  stores nothing: that limit protects the server, this one only sorts signatures.
- "fast": the form was sent after SIGN_MIN_SECONDS but before SIGN_SUSPECT_SECONDS (a honeypot
  near-miss: a robot made to wait just long enough).
- "banned": the address, its domain or the client's network is banned from signing.
- "blocked-domain", "blocked-network": on a block list (disposable mail domains are seeded from
  the `disposable-email-domains` package; admins add to and take off the list).
- "invalidated": a moderator ruled it fraudulent (one by one, or in bulk).

A signature starts or stops counting only through `signing.service.change_count`, with the
event VALIDATED or INVALIDATED, so the count and its history always agree. UK Parliament
petitions work the same way (fraud flags, bulk invalidation by domain, IP range or time window).
"""

import ipaddress
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from disposable_email_domains import blocklist as disposable_domains
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import delete, func, or_, select

from petition.accounts.models import ADMIN, User
from petition.audit import service as audit
from petition.caching import TEXT_SECONDS, cached, clear_after_commit
from petition.core import personal_data
from petition.core.email import canonical_email
from petition.core.network import client_key, hash_ip
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.core.urls import absolute_url
from petition.database import insert_missing
from petition.extensions import cache, db, limiter
from petition.fraud.models import (
    Ban,
    BlockedNetwork,
    BulkInvalidation,
    BulkInvalidationItem,
    DomainRule,
    TrendAlert,
)
from petition.mail import service as mail
from petition.signing import service as signing
from petition.signing.models import Signature, SignatureStatus

RATE_LIMIT = "rate-limit"
FAST = "fast"
BANNED = "banned"
BLOCKED_DOMAIN = "blocked-domain"
BLOCKED_NETWORK = "blocked-network"
INVALIDATED = signing.INVALIDATED_FLAG
# Robots and banned people get no mail; a person behind a busy network may be real, and confirms.
SILENT_FLAGS = {"honeypot", "no-timer", BANNED}

TREND_MAIL = "fraud/trending"
NETWORKS_KEY = "fraud/networks"
PER_PAGE = 50


class Refused(Exception):
    """Input a moderator must correct; `message` says what, in their language; `field` names it."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


# ---------------------------------------------------------------------------------------------
# At signing and commenting


def domain_of(address: str) -> str:
    """The domain of a canonical or typed address, lower case ("" without one)."""
    return address.rpartition("@")[2].strip().lower()


def _parents(domain: str) -> list[str]:
    """The domain and the domains above it, but not the top level: a.b.example.org -> 3 names."""
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(max(len(parts) - 1, 1))]


def domain_blocked(domain: str) -> bool:
    """Whether mail at `domain` (or a domain above it) is on the block list: an admin's rule for
    the nearest name decides, else the `disposable-email-domains` package's list."""
    names = _parents(domain.lower())
    rules = dict(
        db.session.execute(
            select(DomainRule.domain, DomainRule.blocked).where(DomainRule.domain.in_(names))
        ).all()
    )
    for name in names:
        if name in rules:
            return rules[name]
        if name in disposable_domains:
            return True
    return False


@dataclass(frozen=True)
class NetworkRule:
    network: str
    signing: bool
    commenting: bool
    until: datetime | None
    blocked: bool  # a block list entry (flags), rather than a ban


def _network_rules() -> list[NetworkRule]:
    """Block-list networks and active network bans, kept in the cache (petition/caching.py)."""

    def compute():
        now = utcnow()
        rules = [
            NetworkRule(n, True, False, None, True)
            for n in db.session.scalars(select(BlockedNetwork.network))
        ]
        bans = db.session.scalars(select(Ban).where(Ban.kind == "network", Ban.lifted_dt.is_(None)))
        rules += [
            NetworkRule(b.value, b.from_signing, b.from_commenting, b.until_dt, False)
            for b in bans
            if b.active(now)
        ]
        return rules

    return cached(NETWORKS_KEY, TEXT_SECONDS, compute)


def _forget_networks() -> None:
    clear_after_commit(lambda: cache.delete(NETWORKS_KEY))


def _matching_networks(ip: str | None, *, signing_side: bool) -> list[NetworkRule]:
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return []
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    now = utcnow()
    found = []
    for rule in _network_rules():
        network = ipaddress.ip_network(rule.network)
        if address.version != network.version or address not in network:
            continue
        if rule.until is not None and rule.until <= now:
            continue
        if rule.blocked or (rule.signing if signing_side else rule.commenting):
            found.append(rule)
    return found


def banned(canonical: str | None, ip: str | None, *, signing_side: bool) -> bool:
    """Whether a ban in force keeps this address or client from signing (or commenting)."""
    if any(not r.blocked for r in _matching_networks(ip, signing_side=signing_side)):
        return True
    keys = [("network-hash", hash_ip(ip))]
    if canonical:
        keys += [("email", canonical)] + [("domain", name) for name in _parents(domain_of(canonical))]
    keys = [(kind, value) for kind, value in keys if value]
    if not keys:
        return False
    side = Ban.from_signing if signing_side else Ban.from_commenting
    now = utcnow()
    found = db.session.scalar(
        select(Ban.id)
        .where(
            or_(*((Ban.kind == kind) & (Ban.value == value) for kind, value in keys)),
            side.is_(True),
            Ban.lifted_dt.is_(None),
            or_(Ban.until_dt.is_(None), Ban.until_dt > now),
        )
        .limit(1)
    )
    return found is not None


def _over_flag_rate(ip: str | None) -> bool:
    """Counts this signature against RATELIMIT_SIGN_FLAG (Flask-Limiter's storage, shared by every
    process through Redis) and says whether the client went over it."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    over = False
    for limit in parse_many(current_app.config["RATELIMIT_SIGN_FLAG"]):
        if not limiter.limiter.hit(limit, "sign-flag", client_key(ip)):
            over = True
    return over


def suspect_seconds() -> float:
    configured = current_app.config.get("SIGN_SUSPECT_SECONDS")
    return 2 * current_app.config["SIGN_MIN_SECONDS"] if configured is None else configured


@dataclass(frozen=True)
class Verdict:
    flag_reason: str | None
    mail_owner: bool


def judge_signature(
    email: str, ip: str | None, robot_signal: str | None, seconds_taken: float | None
) -> Verdict:
    """Whether a signature about to be recorded is held back, and why (see the module's docstring).

    `robot_signal` is the form's own ("honeypot", "no-timer"); `seconds_taken` the time the form
    was open. Reads only; counts the signature against RATELIMIT_SIGN_FLAG."""
    over_rate = _over_flag_rate(ip)
    canonical = canonical_email(email)
    if robot_signal:
        reason = robot_signal
    elif banned(canonical, ip, signing_side=True):
        reason = BANNED
    elif any(rule.blocked for rule in _matching_networks(ip, signing_side=True)):
        reason = BLOCKED_NETWORK
    elif domain_blocked(domain_of(canonical)):
        reason = BLOCKED_DOMAIN
    elif over_rate:
        reason = RATE_LIMIT
    elif seconds_taken is not None and seconds_taken < suspect_seconds():
        reason = FAST
    else:
        reason = None
    return Verdict(reason, reason not in SILENT_FLAGS)


def comment_refused(email: str | None, ip: str | None) -> bool:
    """Whether this address or client is banned from commenting."""
    canonical = canonical_email(email) if email else None
    return banned(canonical, ip, signing_side=False)


# ---------------------------------------------------------------------------------------------
# The review queue


@dataclass(frozen=True)
class Filters:
    network: str | None = None
    domain: str | None = None
    hour: datetime | None = None
    reason: str | None = None


def _held():
    return [
        Signature.flag_reason.is_not(None),
        Signature.flag_reason != INVALIDATED,
        Signature.status != SignatureStatus.WITHDRAWN,
    ]


def _domain_condition(domain: str):
    escaped = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Signature.email_canonical.like(f"%@{escaped}", escape="\\")


def flagged(filters: Filters, page: int):
    """Held-back signatures (not invalidated, not withdrawn), newest first, one page at a time."""
    query = select(Signature).where(*_held())
    if filters.network:
        query = query.where(Signature.ip_hash == filters.network)
    if filters.domain:
        query = query.where(_domain_condition(filters.domain))
    if filters.hour:
        query = query.where(
            Signature.created_dt >= filters.hour, Signature.created_dt < filters.hour + timedelta(hours=1)
        )
    if filters.reason:
        query = query.where(Signature.flag_reason == filters.reason)
    query = query.order_by(Signature.created_dt.desc(), Signature.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)


@dataclass
class Group:
    key: str
    signatures: int = 0
    confirmed: int = 0
    first: datetime | None = None
    last: datetime | None = None
    countries: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)


def groups(limit: int = 20) -> dict[str, list[Group]]:
    """The held-back signatures grouped by network (/24 or /48, by its hash), mail domain and hour:
    {"network"|"domain"|"hour": [Group, largest first]}."""
    rows = db.session.execute(
        select(
            Signature.ip_hash,
            Signature.email_canonical,
            Signature.created_dt,
            Signature.country,
            Signature.status,
            Signature.flag_reason,
        ).where(*_held())
    ).all()
    by: dict[str, dict[str, Group]] = {"network": {}, "domain": {}, "hour": {}}
    for ip_hash, canonical, created, country, status, reason in rows:
        hour = created.replace(minute=0, second=0, microsecond=0).isoformat(timespec="minutes")
        for kind, key in (("network", ip_hash or "?"), ("domain", domain_of(canonical)), ("hour", hour)):
            group = by[kind].setdefault(key, Group(key))
            group.signatures += 1
            group.confirmed += status == SignatureStatus.CONFIRMED
            group.first = min(group.first or created, created)
            group.last = max(group.last or created, created)
            group.countries[country] += 1
            group.reasons[reason] += 1
    return {
        kind: sorted(found.values(), key=lambda g: (-g.signatures, g.key))[:limit]
        for kind, found in by.items()
    }


def validate(ids: list[int], actor: User) -> int:
    """Clear the flag of these signatures (a write transaction): a confirmed one counts from now
    (event VALIDATED), a pending one when its owner confirms. Returns how many changed."""
    with write_transaction():
        rows = db.session.scalars(
            select(Signature).where(Signature.id.in_(ids), *_held_or_invalidated())
        ).all()
        for signature in rows:
            before = signature.flag_reason
            signature.flag_reason = None
            if signature.counts:
                signing.change_count(signature, 1, event=signing.VALIDATED)
            audit.record(
                "signature.validate", "signature", signature.id, {"flag": before}, {"flag": None}, actor=actor
            )
    return len(rows)


def _held_or_invalidated():
    return [Signature.flag_reason.is_not(None), Signature.status != SignatureStatus.WITHDRAWN]


def invalidate(ids: list[int], reason: str, actor: User) -> int:
    """Rule these signatures fraudulent (a write transaction): a counted one stops counting
    (event INVALIDATED, with `reason`). Returns how many changed."""
    with write_transaction():
        rows = db.session.scalars(
            select(Signature).where(
                Signature.id.in_(ids),
                Signature.status != SignatureStatus.WITHDRAWN,
                or_(Signature.flag_reason.is_(None), Signature.flag_reason != INVALIDATED),
            )
        ).all()
        for signature in rows:
            was_counted, before = signature.counts, signature.flag_reason
            signature.flag_reason = INVALIDATED
            if was_counted:
                signing.change_count(signature, -1, event=signing.INVALIDATED, reason=reason)
            audit.record(
                "signature.invalidate",
                "signature",
                signature.id,
                {"flag": before},
                {"flag": INVALIDATED},
                note=reason,
                actor=actor,
            )
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Bulk invalidation

_HASH = re.compile(r"^[0-9a-f]{32}$")


def network_hashes(text: str) -> list[str]:
    """The stored network hashes (core.network.hash_ip of a /24 or /48) that a typed network covers:
    an IPv4 network from /16 to /24, an IPv6 one from /40 to /48, or a hash shown by the queue.
    Raises Refused."""
    text = text.strip().lower()
    if _HASH.match(text):
        return [text]
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise Refused(_l("Écrivez un réseau comme 203.0.113.0/24 ou 2001:db8:1::/48."), "network") from None
    stored, widest = (24, 16) if network.version == 4 else (48, 40)
    if network.prefixlen > stored:
        raise Refused(
            _l(
                "Le site ne garde que le réseau /%(stored)s des adresses : choisissez /%(stored)s ou plus large.",
                stored=stored,
            ),
            "network",
        )
    if network.prefixlen < widest:
        raise Refused(_l("Réseau trop large : au plus /%(widest)s.", widest=widest), "network")
    return [hash_ip(str(subnet.network_address)) for subnet in network.subnets(new_prefix=stored)]


@dataclass(frozen=True)
class Criteria:
    """What a bulk invalidation matches: every given part at once (at least one is given)."""

    petition_id: int
    domain: str | None = None
    network: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "domain": self.domain,
            "network": self.network,
            "since": self.since.isoformat(timespec="minutes") if self.since else None,
            "until": self.until.isoformat(timespec="minutes") if self.until else None,
        }


def checked_domain(text: str) -> str:
    """A mail domain as stored (lower case, IDNA ASCII, no "@"); raises Refused."""
    domain = text.strip().lower().lstrip("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise Refused(_l("Écrivez un domaine comme exemple.org."), "domain") from None
    if "." not in domain or " " in domain or "@" in domain:
        raise Refused(_l("Écrivez un domaine comme exemple.org."), "domain")
    return domain


def criteria(
    petition_id: int, domain: str | None, network: str | None, since: datetime | None, until: datetime | None
) -> Criteria:
    """Checked criteria; raises Refused naming the field to correct."""
    domain = checked_domain(domain) if (domain or "").strip() else None
    network = (network or "").strip() or None
    if network:
        network_hashes(network)
    if since and until and since >= until:
        raise Refused(_l("La fin doit venir après le début."), "until")
    if not (domain or network or since or until):
        raise Refused(_l("Donnez au moins un domaine, un réseau ou une période."))
    return Criteria(petition_id, domain, network, since, until)


def _matching(found: Criteria):
    conditions = [
        Signature.petition_id == found.petition_id,
        Signature.status != SignatureStatus.WITHDRAWN,
        or_(Signature.flag_reason.is_(None), Signature.flag_reason != INVALIDATED),
    ]
    if found.domain:
        conditions.append(_domain_condition(found.domain))
    if found.network:
        conditions.append(Signature.ip_hash.in_(network_hashes(found.network)))
    if found.since:
        conditions.append(Signature.created_dt >= found.since)
    if found.until:
        conditions.append(Signature.created_dt < found.until)
    return conditions


@dataclass
class Preview:
    signatures: int
    counted: int
    countries: list[tuple[str, int]]


def preview(found: Criteria) -> Preview:
    """What a bulk invalidation would touch: how many signatures, how many count now, by country."""
    rows = db.session.execute(
        select(Signature.country, func.count(), func.count().filter(Signature.counts))
        .where(*_matching(found))
        .group_by(Signature.country)
    ).all()
    countries = sorted(((country, n) for country, n, _counted in rows), key=lambda pair: (-pair[1], pair[0]))
    return Preview(sum(n for _c, n, _k in rows), sum(k for _c, _n, k in rows), countries)


def apply_bulk(found: Criteria, reason: str, actor: User) -> BulkInvalidation:
    """Invalidate every signature matching (a write transaction): each counted one stops counting
    (event INVALIDATED, with `reason`); the flags they had are kept for undo; one audit entry."""
    with write_transaction():
        bulk = BulkInvalidation(
            petition_id=found.petition_id, criteria=found.as_dict(), reason=reason, created_by_id=actor.id
        )
        db.session.add(bulk)
        db.session.flush()
        rows = db.session.scalars(select(Signature).where(*_matching(found)).order_by(Signature.id)).all()
        for signature in rows:
            db.session.add(
                BulkInvalidationItem(
                    bulk_id=bulk.id, signature_id=signature.id, previous_flag=signature.flag_reason
                )
            )
            if signature.counts:
                bulk.uncounted += 1
                signing.change_count(signature, -1, event=signing.INVALIDATED, reason=reason)
            signature.flag_reason = INVALIDATED
        bulk.signatures = len(rows)
        audit.record(
            "signatures.bulk_invalidate",
            "bulk_invalidation",
            bulk.id,
            None,
            {**found.as_dict(), "signatures": bulk.signatures, "uncounted": bulk.uncounted},
            note=reason,
            actor=actor,
        )
    return bulk


def undo_bulk(bulk_id: int, actor: User) -> int | None:
    """Undo a bulk invalidation (a write transaction): each signature still invalidated gets its
    former flag back, and counts again if it then counts (event VALIDATED). Returns how many
    count again, or None if it was already undone or does not exist."""
    with write_transaction():
        bulk = db.session.get(BulkInvalidation, bulk_id, with_for_update=True)
        if bulk is None or bulk.undone_dt is not None:
            return None
        items = db.session.execute(
            select(Signature, BulkInvalidationItem.previous_flag)
            .join(BulkInvalidationItem, BulkInvalidationItem.signature_id == Signature.id)
            .where(BulkInvalidationItem.bulk_id == bulk_id)
        ).all()
        recounted = 0
        for signature, previous in items:
            if signature.flag_reason != INVALIDATED:
                continue  # decided again since, one by one
            signature.flag_reason = previous
            if signature.counts:
                recounted += 1
                signing.change_count(signature, 1, event=signing.VALIDATED)
        bulk.undone_dt = utcnow()
        bulk.undone_by_id = actor.id
        audit.record(
            "signatures.bulk_undo", "bulk_invalidation", bulk.id, None, {"recounted": recounted}, actor=actor
        )
    return recounted


def bulk_history(limit: int = 30) -> list[BulkInvalidation]:
    return list(
        db.session.scalars(select(BulkInvalidation).order_by(BulkInvalidation.id.desc()).limit(limit))
    )


# ---------------------------------------------------------------------------------------------
# Bans

BAN_KINDS = ("email", "domain", "network", "network-hash")


def ban_value(kind: str, value: str) -> str:
    """The stored form of what is banned; raises Refused."""
    value = value.strip()
    if kind == "email":
        if "@" not in value:
            raise Refused(_l("Écrivez une adresse e-mail complète."), "value")
        return canonical_email(value)
    if kind == "domain":
        try:
            return checked_domain(value)
        except Refused as refusal:
            raise Refused(refusal.message, "value") from None
    if kind == "network":
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise Refused(_l("Écrivez un réseau comme 203.0.113.0/24 ou 2001:db8:1::/48."), "value") from None
        allowed = (24,) if network.version == 4 else (48, 64)
        if network.prefixlen not in allowed:
            raise Refused(_l("Un réseau IPv4 se bannit en /24, un réseau IPv6 en /48 ou /64."), "value")
        return str(network)
    if kind == "network-hash" and _HASH.match(value):
        return value
    raise Refused(_l("Choisissez ce qui est banni."), "kind")


def add_ban(
    kind: str,
    value: str,
    *,
    signing_side: bool,
    commenting_side: bool,
    days: int | None,
    reason: str,
    actor: User,
) -> Ban:
    """Ban an address, a domain or a network (a write transaction); `days` None is for good."""
    stored = ban_value(kind, value)
    if not (signing_side or commenting_side):
        raise Refused(_l("Choisissez au moins : signer ou commenter."), "sides")
    with write_transaction():
        ban = Ban(
            kind=kind,
            value=stored,
            from_signing=signing_side,
            from_commenting=commenting_side,
            reason=reason,
            until_dt=utcnow() + timedelta(days=days) if days else None,
            created_by_id=actor.id,
        )
        db.session.add(ban)
        db.session.flush()
        audit.record("ban.add", "ban", ban.id, None, _ban_state(ban), note=reason, actor=actor)
        _forget_networks()
    return ban


def lift_ban(ban_id: int, actor: User) -> bool:
    """End a ban now (a write transaction)."""
    with write_transaction():
        ban = db.session.get(Ban, ban_id)
        if ban is None or ban.lifted_dt is not None:
            return False
        ban.lifted_dt = utcnow()
        audit.record("ban.lift", "ban", ban.id, _ban_state(ban), None, actor=actor)
        _forget_networks()
    return True


def _ban_state(ban: Ban) -> dict:
    return {
        "kind": ban.kind,
        "value": ban.value,
        "signing": ban.from_signing,
        "commenting": ban.from_commenting,
        "until": ban.until_dt,
    }


def bans() -> list[Ban]:
    """Bans in force, newest first."""
    now = utcnow()
    rows = db.session.scalars(select(Ban).where(Ban.lifted_dt.is_(None)).order_by(Ban.id.desc()))
    return [ban for ban in rows if ban.active(now)]


# ---------------------------------------------------------------------------------------------
# Block lists


def package_domains() -> int:
    return len(disposable_domains)


def domain_rules() -> list[DomainRule]:
    return list(db.session.scalars(select(DomainRule).order_by(DomainRule.domain)))


def set_domain(domain: str, blocked: bool, actor: User) -> str:
    """Block a mail domain, or take it off the list (also a domain the package lists); a write
    transaction. Returns the domain as stored."""
    name = checked_domain(domain)
    with write_transaction():
        rule = db.session.scalar(select(DomainRule).where(DomainRule.domain == name))
        before = None if rule is None else rule.blocked
        if blocked == (name in disposable_domains):
            if rule is not None:
                db.session.delete(rule)  # back to what the package says
        elif rule is None:
            db.session.add(DomainRule(domain=name, blocked=blocked))
        else:
            rule.blocked = blocked
        audit.record("blocklist.domain", "domain", name, {"rule": before}, {"blocked": blocked}, actor=actor)
    return name


def networks() -> list[BlockedNetwork]:
    return list(db.session.scalars(select(BlockedNetwork).order_by(BlockedNetwork.network)))


BLOCKED_NETWORK_WIDEST = {4: 8, 6: 19}


def block_network(text: str, note: str, actor: User) -> str:
    """Add a network to the block list (a write transaction); returns it as stored."""
    try:
        parsed = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise Refused(_l("Écrivez un réseau comme 203.0.113.0/24 ou 2001:db8:1::/48."), "network") from None
    # A typo such as 0.0.0.0/0 would set every signature aside: no wider than one /8 of IPv4
    # or the largest IPv6 block a registry hands a provider (/19).
    widest = BLOCKED_NETWORK_WIDEST[parsed.version]
    if parsed.prefixlen < widest:
        raise Refused(_l("Réseau trop large : au plus /%(widest)s.", widest=widest), "network")
    network = str(parsed)
    with write_transaction():
        db.session.execute(
            insert_missing(
                BlockedNetwork.__table__, {"network": network, "note": note, "created_dt": utcnow()}
            )
        )
        audit.record("blocklist.network_add", "network", network, None, {"note": note}, actor=actor)
        _forget_networks()
    return network


def unblock_network(network_id: int, actor: User) -> None:
    with write_transaction():
        row = db.session.get(BlockedNetwork, network_id)
        if row is not None:
            audit.record(
                "blocklist.network_remove", "network", row.network, {"note": row.note}, None, actor=actor
            )
            db.session.execute(delete(BlockedNetwork).where(BlockedNetwork.id == network_id))
            _forget_networks()


# ---------------------------------------------------------------------------------------------
# Trending alerts


def _admins() -> list[str]:
    return list(db.session.scalars(select(User.email).where(User.is_active.is_(True), User.role == ADMIN)))


def watch_trends(now: datetime | None = None) -> list[TrendAlert]:
    """Alert admins (a write transaction) about each network (/24, /48) and mail domain that made
    FRAUD_ALERT_SIGNATURES signatures or more within the last FRAUD_ALERT_MINUTES, at most once an
    hour per source (a unique row per source and hour, so several processes agree). Big providers
    in FRAUD_ALERT_IGNORE_DOMAINS are left out. Returns the new alerts."""
    config = current_app.config
    now = now or utcnow()
    minutes, threshold = config["FRAUD_ALERT_MINUTES"], config["FRAUD_ALERT_SIGNATURES"]
    rows = db.session.execute(
        select(Signature.ip_hash, Signature.email_canonical).where(
            Signature.created_dt >= now - timedelta(minutes=minutes)
        )
    ).all()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    ignored = set(config["FRAUD_ALERT_IGNORE_DOMAINS"])
    for ip_hash, canonical in rows:
        if ip_hash:
            counts[("network", ip_hash)] += 1
        domain = domain_of(canonical)
        if domain not in ignored:
            counts[("domain", domain)] += 1
    hot = {source: n for source, n in counts.items() if n >= threshold}
    if not hot:
        return []
    new = []
    with write_transaction():
        recent = {
            (a.source_kind, a.source)
            for a in db.session.scalars(
                select(TrendAlert).where(TrendAlert.created_dt > now - timedelta(hours=1))
            )
        }
        hour = now.strftime("%Y-%m-%dT%H")
        for (kind, source), n in sorted(hot.items()):
            if (kind, source) in recent:
                continue
            inserted = db.session.execute(
                insert_missing(
                    TrendAlert.__table__,
                    {
                        "source_kind": kind,
                        "source": source,
                        "hour": hour,
                        "signatures": n,
                        "minutes": minutes,
                        "created_dt": now,
                    },
                ).returning(TrendAlert.__table__.c.id)
            ).scalar()
            if inserted is None:
                continue
            alert = db.session.get(TrendAlert, inserted)
            new.append(alert)
            for address in _admins():
                mail.enqueue(
                    TREND_MAIL,
                    recipient=address,
                    recipient_key=canonical_email(address),
                    locale=config["BABEL_DEFAULT_LOCALE"],
                    alert=inserted,
                )
    return new


def watch_trends_now_and_then() -> None:
    """`watch_trends` at most once a minute per cache (all processes with Redis): called after
    each signature, so that a flood is seen within a minute without a query per signature."""
    if cache.add("fraud/trend-check", 1, timeout=60):
        watch_trends()


def recent_alerts(hours: int = 24) -> list[TrendAlert]:
    since = utcnow() - timedelta(hours=hours)
    return list(
        db.session.scalars(
            select(TrendAlert).where(TrendAlert.created_dt >= since).order_by(TrendAlert.created_dt.desc())
        )
    )


@mail.composer(TREND_MAIL)
def _trend_mail(params: dict, locale: str) -> dict | None:
    alert = db.session.get(TrendAlert, params["alert"])
    if alert is None:
        return None
    args = {"network": alert.source} if alert.source_kind == "network" else {"domain": alert.source}
    return {"alert": alert, "queue_url": absolute_url("fraud.queue", lang=locale, **args)}


def _export_bans(canonical: str) -> list[dict]:
    rows = db.session.scalars(select(Ban).where(Ban.kind == "email", Ban.value == canonical))
    return [
        {
            "signing": ban.from_signing,
            "commenting": ban.from_commenting,
            "reason": ban.reason,
            "created": ban.created_dt.isoformat(),
            "until": ban.until_dt.isoformat() if ban.until_dt else None,
            "lifted": ban.lifted_dt.isoformat() if ban.lifted_dt else None,
        }
        for ban in rows
    ]


def _erase_bans(canonical: str, erasure: personal_data.Erasure) -> int:
    """The bans naming the address go with it (in the caller's transaction)."""
    result = db.session.execute(delete(Ban).where(Ban.kind == "email", Ban.value == canonical))
    _forget_networks()
    return result.rowcount


personal_data.holder(
    "fraud-bans", label=_l("Bannissements de cette adresse"), export=_export_bans, erase=_erase_bans
)
