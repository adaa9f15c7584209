"""Bulk data for benchmarks, written straight with the database driver (executemany on SQLite,
COPY on PostgreSQL): a million signatures take seconds, not a million requests.

The count shards are written to match the confirmed signatures, so `flask counts reconcile`
finds the count exact after seeding.
"""

import random
import secrets
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine

from petition.core.time import utcnow
from petition.counting.service import SHARDS
from petition.signing.service import CONFIRM

BATCH = 50_000
COUNTRIES = ["FR"] * 40 + ["BE"] * 12 + ["ES"] * 10 + ["IT"] * 10 + ["NL"] * 6 + ["CA"] * 6
COUNTRIES += ["DE", "US", "GB", "CH", "MA", "SE", "NO", "AE", "SA", "QA"] * 2

SIGNATURE_COLUMNS = (
    "petition_id",
    "token",
    "status",
    "first_name",
    "last_name",
    "email",
    "email_canonical",
    "country",
    "city",
    "reason",
    "is_subscriber",
    "show_name",
    "wants_updates",
    "consent_wording",
    "locale",
    "created_dt",
    "confirmed_dt",
)
FIRST_NAMES = [
    "Fatima",
    "Mohamed",
    "Khadija",
    "Youssef",
    "Aïcha",
    "Karim",
    "Salma",
    "Rachid",
    "Nadia",
    "Omar",
]
LAST_NAMES = ["Benali", "El Amrani", "Alaoui", "Bennani", "Tazi", "Idrissi", "Chraibi", "Ouazzani"]
CITIES = ["Lyon", "Bruxelles", "Madrid", "Milan", "Montréal", "Rotterdam", None, None]


class Database:
    """A raw driver connection, with the two ways of writing many rows fast."""

    def __init__(self, url: str):
        self.engine = create_engine(url)
        self.dialect = self.engine.dialect.name
        self.connection = self.engine.raw_connection()

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()

    def scalar(self, sql: str, *params):
        cursor = self.connection.cursor()
        cursor.execute(
            sql.replace("?", "%s") if self.dialect == "postgresql" else sql,
            [_sqlite_value(p) if self.dialect == "sqlite" else p for p in params],
        )
        row = cursor.fetchone()
        cursor.close()
        return row[0] if row else None

    def execute(self, sql: str, *params) -> None:
        cursor = self.connection.cursor()
        cursor.execute(
            sql.replace("?", "%s") if self.dialect == "postgresql" else sql,
            [_sqlite_value(p) if self.dialect == "sqlite" else p for p in params],
        )
        self.connection.commit()
        cursor.close()

    def petition_id(self, slug: str = "kleema") -> int:
        return self.scalar("SELECT id FROM petitions WHERE slug = ?", slug)

    def write_rows(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:
        written = 0
        cursor = self.connection.cursor()
        if self.dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 (names from this module)
            batch = []
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
        self.connection.commit()
        cursor.close()
        return written

    def add_to_shards(self, petition_id: int, per_country: Counter) -> None:
        """Spread each country's new signatures over its count shards, adding to what they hold."""
        rows = []
        for country, total in per_country.items():
            share, rest = divmod(total, SHARDS)
            rows += [(petition_id, country, shard, share + (shard < rest)) for shard in range(SHARDS)]
        sql = (
            "INSERT INTO count_shards (petition_id, country, shard, total) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (petition_id, country, shard) DO UPDATE SET total = count_shards.total + excluded.total"
        )
        cursor = self.connection.cursor()
        cursor.executemany(sql.replace("?", "%s") if self.dialect == "postgresql" else sql, rows)
        self.connection.commit()
        cursor.close()

    def analyze(self) -> None:
        """Leave the database as months of signing would have: statistics up to date and, on
        SQLite, the write-ahead log folded into the file, as its automatic checkpoints would have
        done along the way (a bulk load writes it in one transaction)."""
        cursor = self.connection.cursor()
        cursor.execute("ANALYZE")
        self.connection.commit()
        if self.dialect == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()


def _sqlite_value(value):
    """SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' and booleans as 0/1."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _signature_rows(petition_id: int, count: int, status: str, prefix: str, start: datetime):
    rng = random.Random(prefix)
    for n in range(count):
        created = start + timedelta(milliseconds=n)
        address = f"{prefix}{n}@example.org"
        yield (
            petition_id,
            secrets.token_urlsafe(18),
            status,
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            address,
            address,
            rng.choice(COUNTRIES),
            rng.choice(CITIES),
            None,
            rng.random() < 0.8,
            rng.random() < 0.5,
            rng.random() < 0.3,
            "seeded",
            "fr",
            created,
            created + timedelta(minutes=5) if status == "confirmed" else None,
        )


def confirmed_signatures(url: str, count: int, prefix: str = "seeded-") -> int:
    """`count` confirmed signatures, and count shards that add up to them, country by country."""
    database = Database(url)
    try:
        petition_id = database.petition_id()
        per_country: Counter[str] = Counter()
        start = datetime(2009, 9, 8)

        def rows():
            for row in _signature_rows(petition_id, count, "confirmed", prefix, start):
                per_country[row[7]] += 1
                yield row

        written = database.write_rows("signatures", SIGNATURE_COLUMNS, rows())
        database.add_to_shards(petition_id, per_country)
        database.analyze()
        return written
    finally:
        database.close()


def pending_signatures(url: str, count: int, secret: str, prefix: str = "pending-") -> list[str]:
    """`count` signatures waiting for confirmation; returns the path of each one's mailed link."""
    database = Database(url)
    serializer = URLSafeTimedSerializer(secret, salt=CONFIRM)
    tokens: list[str] = []
    try:
        petition_id = database.petition_id()

        def rows():
            for row in _signature_rows(petition_id, count, "pending", prefix, utcnow()):
                tokens.append(row[1])
                yield row

        database.write_rows("signatures", SIGNATURE_COLUMNS, rows())
    finally:
        database.close()
    return [f"/confirm/{serializer.dumps(token)}" for token in tokens]


def count_rows(url: str, sql: str, *params) -> int:
    database = Database(url)
    try:
        return int(database.scalar(sql, *params) or 0)
    finally:
        database.close()


COMMENT_COLUMNS = (
    "petition_id",
    "depth",
    "author_name",
    "text",
    "status",
    "hidden_by_reports",
    "is_featured",
    "is_official",
    "listed",
    "locale",
    "created_dt",
)
COMMENT_TEXTS = [
    "Ma mère vit à Fès et je l'appelais tous les soirs avec KLEEMA. Depuis le 7 septembre, plus rien.",
    "En plein Ramadan, couper les appels vers les familles, c'est indigne. Je signe et je partage.",
    "Abonné depuis deux ans : le service marchait très bien. Qu'on nous rende la ligne pendant le procès.",
    "Mon mari est resté à Oujda avec les enfants. Nous avons besoin de pouvoir nous parler.",
]


def comments(url: str, count: int, prefix: str = "Lecteur", analyze: bool = True) -> int:
    """`count` approved top-level comments, oldest first, and the thread counts recounted to match."""
    database = Database(url)
    try:
        petition_id = database.petition_id()
        start = datetime(2009, 9, 12)

        def rows():
            for n in range(count):
                text = f"{COMMENT_TEXTS[n % len(COMMENT_TEXTS)]} ({n + 1})"
                yield (
                    petition_id,
                    0,
                    f"{prefix} {n + 1}",
                    text,
                    "approved",
                    False,
                    False,
                    False,
                    True,
                    "fr",
                    start + timedelta(seconds=n),
                )

        written = database.write_rows("comments", COMMENT_COLUMNS, rows())
        database.execute(
            "INSERT INTO comment_counts (petition_id, public, threads) VALUES (?, 0, 0) "
            "ON CONFLICT (petition_id) DO NOTHING",
            petition_id,
        )
        database.execute(
            "UPDATE comment_counts SET "
            "public = (SELECT count(*) FROM comments WHERE petition_id = ? AND status = 'approved' "
            "AND hidden_by_reports = ?), "
            "threads = (SELECT count(*) FROM comments WHERE petition_id = ? AND parent_id IS NULL AND listed = ?) "
            "WHERE petition_id = ?",
            petition_id,
            False,
            petition_id,
            True,
            petition_id,
        )
        if analyze:
            database.analyze()
        return written
    finally:
        database.close()
