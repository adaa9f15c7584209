"""Create the PostgreSQL database named in the URL if the server is up and it is missing."""

import sys

import psycopg
from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
try:
    with psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{url.database}"')
except psycopg.OperationalError as error:
    print(f"PostgreSQL unavailable: {error}", file=sys.stderr)
    sys.exit(1)
