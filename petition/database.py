"""Engine set-up shared by every feature: SQLite pragmas, portable upserts and id types."""

import enum

from sqlalchemy import BigInteger, Enum, Integer, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from petition.core.transactions import writing
from petition.extensions import db

# SQLite only auto-increments an INTEGER primary key; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# The largest id such a column holds; routes refuse larger numbers (a 404, not an overflow).
BIG_ID_MAX = 2**63 - 1
# The largest id of a plain Integer key (users, petitions): 32 bits on PostgreSQL.
INT_ID_MAX = 2**31 - 1


def parse_id(raw: str | None, maximum: int = BIG_ID_MAX) -> int | None:
    """An id typed or posted as text, or None when it cannot be one (letters, "²", 10**30…).

    `maximum` is the largest value the column compared with holds (INT_ID_MAX for an Integer
    key): a larger number would overflow in the query instead of finding nothing.
    """
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19):
        return None
    value = int(raw)
    return value if 0 < value <= maximum else None


# No listing of the site comes near a million pages; the bound keeps (page - 1) × per page far
# inside a 64-bit OFFSET on both databases.
PAGE_MAX = 1_000_000


def parse_page(raw: str | None) -> int | None:
    """A page number from a query string (?page=): 1 when there is none or it is not a whole
    number ("", "abc", "-1"), None for a number out of range (0, past PAGE_MAX), which the caller
    shows as the first page or as a 404."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return parse_id(raw, PAGE_MAX)


def max_id(model) -> int:
    """The largest id `model`'s primary key holds: BIG_ID_MAX for a BigId key, INT_ID_MAX for an
    Integer one (32 bits on PostgreSQL, where a larger number overflows in the query)."""
    (column,) = model.__table__.primary_key.columns
    return BIG_ID_MAX if isinstance(column.type, BigInteger) else INT_ID_MAX


def id_rule(name: str, model) -> str:
    """The URL rule of an id argument naming a row of `model`: an integer that fits its key
    (`max_id`), else the route is a 404 rather than an overflow."""
    return f"<int(max={max_id(model)}):{name}>"


def text_enum(values: type[enum.Enum], length: int = 16) -> Enum:
    """An enum stored as its values in a plain string column (no CREATE TYPE to migrate)."""
    return Enum(values, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout; BEGIN IMMEDIATE for the transactions that a service
    opened with `write_transaction()` (see petition.core.transactions), a deferred BEGIN otherwise."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing() else "BEGIN")


def upsert_increment(table, keys: dict, column: str, amount: int):
    """INSERT … ON CONFLICT DO UPDATE column = column + amount, on SQLite and PostgreSQL."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**keys, **{column: amount})
    return stmt.on_conflict_do_update(index_elements=list(keys), set_={column: table.c[column] + amount})


def upsert(table, keys: dict, values: dict):
    """INSERT … ON CONFLICT DO UPDATE SET values, on SQLite and PostgreSQL."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**keys, **values)
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=values)


def insert_missing(table, values: dict):
    """INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    return insert(table).values(**values).on_conflict_do_nothing()
