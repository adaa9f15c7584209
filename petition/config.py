"""Settings read from the environment, with an embedded default that runs on one machine."""

import math
import os
import secrets
from collections import Counter
from datetime import timedelta
from email.utils import parseaddr
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _hosts(value: str | None) -> list[str]:
    return [host.strip().lower() for host in (value or "").split(",") if host.strip()]


def _dev_secret(instance: Path) -> str:
    """A random secret kept under instance/ so sessions survive a restart of the dev server."""
    path = instance / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    return secret


def _dev_transparency_key(instance: Path) -> str:
    """An Ed25519 key kept under instance/ that signs the development site's checkpoints."""
    from petition.transparency.chain import new_private_key_pem

    path = instance / "dev-transparency-key.pem"
    if path.exists():
        return path.read_text()
    instance.mkdir(parents=True, exist_ok=True)
    key = new_private_key_pem()
    path.write_text(key)
    path.chmod(0o600)
    return key


def from_environment(instance: Path = INSTANCE) -> dict:
    secret = os.environ.get("SECRET_KEY")
    transparency_key = os.environ.get("TRANSPARENCY_KEY")
    production = _flag("PRODUCTION", bool(secret))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'kleema.db'}"
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret or _dev_secret(instance),
        "DEV_SECRET": not secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "AUTO_SETUP": _flag("AUTO_SETUP", not os.environ.get("DATABASE_URL")),
        "MAIL_URL": os.environ.get("MAIL_URL") or f"file://{instance / 'mail'}",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Comité de soutien à KLEEMA <petition@localhost>"),
        "MAIL_BACKGROUND_SENDER": _flag("MAIL_BACKGROUND_SENDER", True),
        # Unset, mails link to the development server where `python app.py` serves it.
        "BASE_URL": os.environ.get("BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}").rstrip(
            "/"
        ),
        "REDIS_URL": redis_url,
        # Flask-Caching: one copy per process, or one shared by every process through Redis.
        # What is kept, for how long and who clears it: petition/caching.py.
        "CACHE_TYPE": os.environ.get("CACHE_TYPE") or ("RedisCache" if redis_url else "SimpleCache"),
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kleema:"),
        "CACHE_THRESHOLD": 2000,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "kleema"),
        # Over RATELIMIT_SIGN_FLAG a signature is kept but flagged (petition/fraud); over
        # RATELIMIT_SIGN nothing is stored and the client gets a 429, which protects the server.
        "RATELIMIT_SIGN": os.environ.get("RATELIMIT_SIGN", "30 per minute;300 per hour"),
        "RATELIMIT_SIGN_FLAG": os.environ.get("RATELIMIT_SIGN_FLAG", "10 per minute;60 per hour"),
        "RATELIMIT_LOGIN_IP": os.environ.get("RATELIMIT_LOGIN_IP", "10 per minute;50 per hour"),
        "RATELIMIT_LOGIN_ACCOUNT": os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "5 per 15 minutes;20 per day"),
        "RATELIMIT_SECOND_FACTOR": os.environ.get("RATELIMIT_SECOND_FACTOR", "5 per 15 minutes;20 per day"),
        "RATELIMIT_LOGIN_NEW_NETWORKS": os.environ.get("RATELIMIT_LOGIN_NEW_NETWORKS", "100 per day"),
        "STAFF_SESSION_LIFETIME": timedelta(hours=_int("STAFF_SESSION_HOURS", 8)),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Host names accepted besides the one of BASE_URL (a health check through a proxy that
        # sends its own Host); the full list becomes Flask's TRUSTED_HOSTS in create_app.
        "EXTRA_TRUSTED_HOSTS": _hosts(os.environ.get("TRUSTED_HOSTS")),
        "SIGN_MIN_SECONDS": _int("SIGN_MIN_SECONDS", 3),
        # A form sent after SIGN_MIN_SECONDS but before this is kept, flagged "fast"; unset: twice
        # SIGN_MIN_SECONDS.
        "SIGN_SUSPECT_SECONDS": _int("SIGN_SUSPECT_SECONDS", -1)
        if os.environ.get("SIGN_SUSPECT_SECONDS")
        else None,
        # A network (/24, /48) or a mail domain with this many signatures within FRAUD_ALERT_MINUTES
        # makes an alert to admins, at most once an hour per source; the big mail providers are left out.
        "FRAUD_ALERT_SIGNATURES": _int("FRAUD_ALERT_SIGNATURES", 30),
        "FRAUD_ALERT_MINUTES": _int("FRAUD_ALERT_MINUTES", 10),
        "FRAUD_ALERT_IGNORE_DOMAINS": _hosts(
            os.environ.get(
                "FRAUD_ALERT_IGNORE_DOMAINS",
                "gmail.com,hotmail.com,hotmail.fr,outlook.com,outlook.fr,live.fr,live.com,yahoo.com,yahoo.fr,"
                "icloud.com,orange.fr,wanadoo.fr,free.fr,sfr.fr,laposte.net,gmx.fr,gmx.de,menara.ma",
            )
        ),
        "MAILS_PER_ADDRESS_PER_DAY": _int("MAILS_PER_ADDRESS_PER_DAY", 3),
        "MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 30),
        # Past this age a mail that still fails is given up, its reason kept for the dashboard.
        "MAIL_GIVE_UP_HOURS": _int("MAIL_GIVE_UP_HOURS", 72),
        # Mail to every signer (petition/mailings) goes to the outbox at this pace, whatever the
        # number of senders; other mail waits behind a minute's worth of it at most.
        "MAILING_PER_MINUTE": _int("MAILING_PER_MINUTE", 60),
        "CONFIRM_TOKEN_DAYS": _int("CONFIRM_TOKEN_DAYS", 30),
        "WITHDRAW_TOKEN_DAYS": _int("WITHDRAW_TOKEN_DAYS", 730),
        "PETITION_GOAL": _int("PETITION_GOAL", 50000),
        "SHARE_CARD_REFRESH_SECONDS": _int("SHARE_CARD_REFRESH_SECONDS", 300),
        "COMMENTS_PER_PAGE": _int("COMMENTS_PER_PAGE", 20),
        "COMMENT_MAX_DEPTH": _int("COMMENT_MAX_DEPTH", 2),
        "COMMENT_MAX_LENGTH": _int("COMMENT_MAX_LENGTH", 2000),
        "COMMENT_MIN_SECONDS": _int("COMMENT_MIN_SECONDS", 3),
        "COMMENT_EDIT_MINUTES": _int("COMMENT_EDIT_MINUTES", 15),
        "COMMENT_REPEAT_SECONDS": _int("COMMENT_REPEAT_SECONDS", 300),
        "COMMENT_REPORTS_TO_HIDE": _int("COMMENT_REPORTS_TO_HIDE", 3),
        "RATELIMIT_COMMENT": os.environ.get("RATELIMIT_COMMENT", "5 per minute;30 per hour"),
        "RATELIMIT_REPORT": os.environ.get("RATELIMIT_REPORT", "10 per minute;50 per hour"),
        "MODERATION_DIGEST_MINUTES": _int("MODERATION_DIGEST_MINUTES", 60),
        # The committee's name in each language; unset, the translation of "Comité de soutien à KLEEMA".
        "ORGANISER_NAME": os.environ.get("ORGANISER_NAME") or None,
        "ORGANISER_NAME_AR": os.environ.get("ORGANISER_NAME_AR") or None,
        "ORGANISER_NAME_EN": os.environ.get("ORGANISER_NAME_EN") or None,
        "RATELIMIT_CONTACT": os.environ.get("RATELIMIT_CONTACT", "3 per minute;10 per hour"),
        "CONTACT_MIN_SECONDS": _int("CONTACT_MIN_SECONDS", 3),
        "RATELIMIT_VOLUNTEER": os.environ.get("RATELIMIT_VOLUNTEER", "3 per minute;10 per hour"),
        "VOLUNTEER_MIN_SECONDS": _int("VOLUNTEER_MIN_SECONDS", 3),
        # Who answers for the personal data the site keeps (named on the privacy page); the
        # committee itself unless set.
        "DATA_CONTROLLER_NAME": os.environ.get("DATA_CONTROLLER_NAME", ""),
        "DATA_CONTROLLER_EMAIL": os.environ.get("DATA_CONTROLLER_EMAIL", ""),
        # The committee's contact printed in the delivery dossier (postal address, phone, mail),
        # its lines separated by "|"; the dossier also gives the site's contact page.
        "COMMITTEE_CONTACT": os.environ.get("COMMITTEE_CONTACT", ""),
        # A delivery dossier of a petition with at most this many signatures is built by the
        # request that asks for it (about three seconds); a bigger one by `flask exports build`.
        "DOSSIER_BUILD_IN_REQUEST": _int("DOSSIER_BUILD_IN_REQUEST", 1000),
        # Days a built dossier (it prints the signers' names) is kept for download.
        "DOSSIER_KEEP_DAYS": _int("DOSSIER_KEEP_DAYS", 7),
        # Signers' rights (petition/privacy): the mailed link to one's data, and how long data is kept.
        "RATELIMIT_MY_DATA": os.environ.get("RATELIMIT_MY_DATA", "3 per minute;10 per hour"),
        "MY_DATA_MIN_SECONDS": _int("MY_DATA_MIN_SECONDS", 3),
        "MY_DATA_LINK_HOURS": _int("MY_DATA_LINK_HOURS", 24),
        "ANONYMISE_AFTER_DAYS": _int("ANONYMISE_AFTER_DAYS", 180),
        "MAIL_KEEP_DAYS": _int("MAIL_KEEP_DAYS", 30),
        "IP_HASH_KEEP_DAYS": _int("IP_HASH_KEEP_DAYS", 90),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # Brotli first, at quality 5: pages and CSS a tenth smaller than zstd or Brotli 4 for about
        # a millisecond more on the petition page; gzip for older clients.
        "COMPRESS_ALGORITHM": ["br", "zstd", "gzip", "deflate"],
        "COMPRESS_BR_LEVEL": 5,
        "COMPRESS_ALGORITHM_STREAMING": ["br", "zstd", "deflate"],
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        # Signs the public checkpoints of the count (petition/transparency); PEM or base64.
        "TRANSPARENCY_KEY": transparency_key or _dev_transparency_key(instance),
        "DEV_TRANSPARENCY_KEY": not transparency_key,
        "TRANSPARENCY_CHECKPOINT_MINUTES": _int("TRANSPARENCY_CHECKPOINT_MINUTES", 5),
        "TRANSPARENCY_BACKGROUND": _flag("TRANSPARENCY_BACKGROUND", True),
        "RATELIMIT_CHECKPOINT": os.environ.get("RATELIMIT_CHECKPOINT", "2 per minute;20 per hour"),
    }


LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def trusted_hosts(config: dict) -> list[str]:
    """The host names a request may name in its Host header (Flask's TRUSTED_HOSTS): the one of
    BASE_URL and the EXTRA_TRUSTED_HOSTS. Any other host gets a 400, so that no redirect or link
    built from the request points to a site an attacker chose.

    A BASE_URL on loopback (development, tests) accepts every loopback name.
    """
    host = (urlsplit(config.get("BASE_URL", "")).hostname or "").lower()
    hosts = [host, *config.get("EXTRA_TRUSTED_HOSTS", [])]
    if host in LOOPBACK_HOSTS:
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(name for name in hosts if name))


def make_local_directories(config: dict) -> None:
    """Create the folders that a SQLite file or .eml mail needs, such as `instance/` on a fresh checkout.

    SQLite opens a file but never creates its folder ("unable to open database file"); this runs
    whatever the secret, so `SECRET_KEY=… python app.py` starts as well as the bare command.
    """
    database = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() == "sqlite" and database.database not in (None, "", ":memory:"):
        Path(database.database).parent.mkdir(parents=True, exist_ok=True)
    mail_url = str(config.get("MAIL_URL", ""))
    if mail_url.startswith("file://"):
        Path(mail_url.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


class InsecureConfiguration(RuntimeError):
    """Raised at start-up in production when a setting would put signers at risk."""


# The value .env.example shows: a copy of the example file must not reach production as is.
PLACEHOLDER_SECRET = "change-me-to-64-random-characters"  # noqa: S105
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128

# Names that never reach the public Internet (RFC 2606, RFC 6761, RFC 6762, RFC 8375, ICANN's
# .internal): a mail from them is refused or lost, and a link to them leads nowhere.
PRIVATE_SUFFIXES = (
    "localhost",
    "local",
    "invalid",
    "test",
    "example",
    "internal",
    "home.arpa",
    "localdomain",
    "lan",
    "example.com",
    "example.net",
    "example.org",
)


def secret_strength_problem(secret: str) -> str | None:
    """Why SECRET_KEY is too weak to sign sessions and links, or None.

    SECRET_KEY signs staff sessions and the tokens in mails: guessing it logs anyone in. The rule
    asks for a 128-bit security strength (NIST SP 800-57 Part 1, table 2, for keys used past
    2030), as Flask's documentation gives with `python -c "import secrets; print(secrets.token_hex())"`:
    - at least 32 characters, and not the placeholder of .env.example;
    - an estimated entropy of at least 128 bits: the length times the Shannon entropy of the
      characters it uses (a random 64-character hex or base64 secret scores 230 to 350 bits,
      "aaaa…" 0, "abab…" 1 bit per character);
    - no run: at most half of neighbouring characters equal or next to each other
      ("abcdef…", "123456…" fail; a random hex secret has about one such pair in five).
    """
    if secret == PLACEHOLDER_SECRET:
        return "SECRET_KEY is still the placeholder of .env.example: generate one"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters"
    counts = Counter(secret)
    bits = len(secret) * sum(n / len(secret) * math.log2(len(secret) / n) for n in counts.values())
    if bits < MIN_SECRET_BITS:
        return f"SECRET_KEY has too little entropy (about {bits:.0f} bits, {MIN_SECRET_BITS} needed)"
    steps = sum(abs(ord(a) - ord(b)) <= 1 for a, b in pairwise(secret))
    if steps * 2 > len(secret) - 1:
        return "SECRET_KEY follows a simple pattern (runs of equal or consecutive characters)"
    return None


def is_public_domain(domain: str) -> bool:
    """A name that the public DNS can resolve: dotted, not an address, not a reserved name."""
    domain = domain.strip().rstrip(".").lower()
    if "." not in domain or domain.startswith("[") or domain.replace(".", "").isdigit():
        return False
    return not any(domain == suffix or domain.endswith("." + suffix) for suffix in PRIVATE_SUFFIXES)


GENERATE = 'python -c "import secrets; print(secrets.token_hex(32))"'


def check_production(config: dict) -> None:
    """Refuse to serve production traffic with a development secret or an insecure setting."""
    if not config.get("PRODUCTION"):
        return
    problems = []
    if config.get("DEV_SECRET"):
        problems.append("SECRET_KEY is not set: the development secret cannot be used in production")
    elif weakness := secret_strength_problem(config.get("SECRET_KEY") or ""):
        problems.append(f"{weakness}, e.g. with {GENERATE}")
    base_url = str(config.get("BASE_URL", ""))
    if not base_url.startswith("https://"):
        problems.append("BASE_URL must start with https:// in production")
    if not is_public_domain(urlsplit(base_url).hostname or ""):
        problems.append(f"BASE_URL must name the public domain of the site (got {base_url!r})")
    mail_from = parseaddr(str(config.get("MAIL_FROM", "")))[1]
    if not is_public_domain(mail_from.rpartition("@")[2]):
        problems.append(
            f"MAIL_FROM must be an address at a public domain that may send mail (got {mail_from!r})"
        )
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must not be turned off in production")
    if str(config.get("MAIL_URL", "")).startswith("file://"):
        problems.append(
            "MAIL_URL must name an SMTP server in production (mail would only be written to files)"
        )
    if not config.get("RATELIMIT_ENABLED"):
        problems.append("RATELIMIT_ENABLED=false is not allowed in production")
    if config.get("DEV_TRANSPARENCY_KEY"):
        problems.append(
            "TRANSPARENCY_KEY must be set in production (the development key signs checkpoints), "
            "e.g. with python -m petition.transparency new-key"
        )
    elif config.get("TRANSPARENCY_KEY"):
        from petition.transparency.chain import load_private_key

        try:
            load_private_key(config["TRANSPARENCY_KEY"])
        except ValueError as error:
            problems.append(str(error))
    if config.get("DEBUG"):
        problems.append("FLASK_DEBUG must be off in production (the debugger runs any code it is sent)")
    if problems:
        raise InsecureConfiguration("Refusing to start in production:\n  - " + "\n  - ".join(problems))
