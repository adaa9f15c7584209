"""The confirmed count of a petition: exact, cheap to read, and without a row every writer locks."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text

from petition.caching import COUNT_SECONDS, cached, clear_after_commit
from petition.counting.models import CountShard
from petition.database import upsert_increment
from petition.extensions import cache, db

SHARDS = 16


def add(petition_id: int, country: str, amount: int) -> None:
    """Add to the count in the caller's transaction (amount is -1 on withdrawal); the cached
    count and what changes with it are cleared when that transaction commits."""
    clear_after_commit(lambda: forget(petition_id))
    db.session.execute(
        upsert_increment(
            CountShard.__table__,
            {"petition_id": petition_id, "country": country, "shard": random.randrange(SHARDS)},
            "total",
            amount,
        )
    )


def forget(petition_id: int) -> None:
    """Drop the cached numbers of a petition."""
    cache.delete(_key(petition_id))


def _key(petition_id: int) -> str:
    return f"count/{petition_id}"


def total(petition_id: int) -> int:
    """Confirmed signatures that count (from the cached counts by country)."""
    return sum(by_country(petition_id).values())


def by_country(petition_id: int) -> dict[str, int]:
    """{ISO country code: confirmed signatures}, largest first; cached (petition/caching.py)."""
    return cached(_key(petition_id), COUNT_SECONDS, lambda: _by_country(petition_id))


def _by_country(petition_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(CountShard.country, func.sum(CountShard.total))
        .where(CountShard.petition_id == petition_id)
        .group_by(CountShard.country)
    )
    return {country: int(n) for country, n in sorted(rows, key=lambda r: (-r[1], r[0])) if n}


@dataclass
class Reconciliation:
    petition_id: int
    counted: dict[str, int]
    actual: dict[str, int]

    @property
    def differences(self) -> dict[str, tuple[int, int]]:
        countries = set(self.counted) | set(self.actual)
        return {
            c: (self.counted.get(c, 0), self.actual.get(c, 0))
            for c in sorted(countries)
            if self.counted.get(c, 0) != self.actual.get(c, 0)
        }


def reconcile(
    petition_id: int, count_actual: Callable[[int], dict[str, int]], repair: bool = False
) -> Reconciliation:
    """Compare the shards with a real count ({country: n}, from `count_actual(petition_id)`, the
    signing feature's count of the signatures that count); optionally rewrite them, in the
    caller's transaction.

    When repairing on PostgreSQL the shards are locked first, so that confirmations made during
    the repair wait for it instead of slipping between the real count and the rewrite.
    """
    if repair and db.engine.dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE count_shards IN SHARE ROW EXCLUSIVE MODE"))

    actual = count_actual(petition_id)
    result = Reconciliation(petition_id, _by_country(petition_id), actual)
    if repair and result.differences:
        clear_after_commit(lambda: forget(petition_id))
        db.session.execute(delete(CountShard).where(CountShard.petition_id == petition_id))
        db.session.add_all(
            CountShard(petition_id=petition_id, country=c, shard=0, total=n) for c, n in actual.items()
        )
    return result
