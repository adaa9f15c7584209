from dataclasses import dataclass

from sqlalchemy import select

from petition.counting import service as counting
from petition.extensions import db
from petition.petitions.models import Petition


def featured() -> Petition | None:
    return db.session.scalar(
        select(Petition).order_by(Petition.is_featured.desc(), Petition.is_open.desc(), Petition.id).limit(1)
    )


def all_petitions() -> list[Petition]:
    return list(
        db.session.scalars(
            select(Petition).order_by(Petition.is_featured.desc(), Petition.is_open.desc(), Petition.id)
        )
    )


def by_slug(slug: str) -> Petition | None:
    return db.session.scalar(select(Petition).where(Petition.slug == slug))


@dataclass(frozen=True)
class Progress:
    count: int
    goal: int
    target: int

    @property
    def percent(self) -> int:
        return min(100, self.count * 100 // self.target) if self.target else 100

    @property
    def goal_reached(self) -> bool:
        return self.count >= self.goal


def next_target(count: int, goal: int) -> int:
    """The goal, then twice the goal, and so on: the next milestone above the count."""
    target = max(goal, 1)
    while count >= target:
        target *= 2
    return target


def progress(petition: Petition) -> Progress:
    count = counting.total(petition.id)
    return Progress(count=count, goal=petition.goal, target=next_target(count, petition.goal))
