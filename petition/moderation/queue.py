"""What moderators look at: comments waiting for a decision, comments readers reported, and recent
decisions, each with the context a decision needs."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, or_, select

from petition.comments.models import Comment, CommentReport, CommentStatus
from petition.core.time import utcnow
from petition.extensions import db

PER_PAGE = 100
RECENT = timedelta(days=7)
OTHERS_SHOWN = 5

_OPEN_REPORTS = (
    select(CommentReport.comment_id, func.count().label("reports"))
    .where(CommentReport.resolved_dt.is_(None))
    .group_by(CommentReport.comment_id)
    .subquery()
)


@dataclass
class Counts:
    pending: int
    reported: int


@dataclass
class Item:
    comment: Comment
    ancestors: list[Comment] = field(default_factory=list)  # the root first, the parent last
    others: list[Comment] = field(default_factory=list)  # the author's other comments, newest first
    reports: list[CommentReport] = field(default_factory=list)

    @property
    def open_reports(self) -> list[CommentReport]:
        return [report for report in self.reports if report.resolved_dt is None]


def counts() -> Counts:
    pending = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.awaits_review))
    reported = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(_OPEN_REPORTS, _OPEN_REPORTS.c.comment_id == Comment.id)
        .where(Comment.status == CommentStatus.APPROVED)
    )
    return Counts(pending=pending, reported=reported)


def pending(page: int = 1) -> list[Item]:
    """Oldest first: whoever waited longest is answered first."""
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.awaits_review)
        .order_by(Comment.created_dt, Comment.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return _items(comments)


def reported(page: int = 1) -> list[Item]:
    """Hidden comments first, then the most reported."""
    comments = db.session.scalars(
        select(Comment)
        .join(_OPEN_REPORTS, _OPEN_REPORTS.c.comment_id == Comment.id)
        .where(Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.hidden_by_reports.desc(), _OPEN_REPORTS.c.reports.desc(), Comment.created_dt)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return _items(comments)


def decided(page: int = 1) -> list[Item]:
    """The last week's decisions, newest first, to check or undo them."""
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.decided_dt >= utcnow() - RECENT, Comment.is_official.is_(False))
        .order_by(Comment.decided_dt.desc(), Comment.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return _items(comments)


def holds(queue_name: str, comment: Comment) -> bool:
    """Whether the comment still belongs to that list after an action."""
    if queue_name == "pending":
        return comment.awaits_review
    if queue_name == "reported":
        has_open_report = db.session.scalar(
            select(CommentReport.id)
            .where(CommentReport.comment_id == comment.id, CommentReport.resolved_dt.is_(None))
            .limit(1)
        )
        return comment.status == CommentStatus.APPROVED and has_open_report is not None
    return True


def item(comment: Comment) -> Item:
    return _items([comment])[0]


def _items(comments: list[Comment]) -> list[Item]:
    if not comments:
        return []
    items = [Item(comment) for comment in comments]
    ids = [comment.id for comment in comments]

    reports = defaultdict(list)
    for report in db.session.scalars(
        select(CommentReport).where(CommentReport.comment_id.in_(ids)).order_by(CommentReport.created_dt)
    ):
        reports[report.comment_id].append(report)

    ancestor_ids = {c.parent_id for c in comments if c.parent_id} | {c.root_id for c in comments if c.root_id}
    ancestors = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ancestor_ids)))}

    for entry in items:
        comment = entry.comment
        entry.reports = reports[comment.id]
        chain = (
            [comment.root_id, comment.parent_id]
            if comment.parent_id != comment.root_id
            else [comment.root_id]
        )
        entry.ancestors = [ancestors[i] for i in chain if i in ancestors]
        entry.others = _others(comment)
    return items


def _others(comment: Comment) -> list[Comment]:
    """The same author's other comments: same address, or same network when no address was left."""
    same_author = []
    if comment.email_canonical:
        same_author.append(Comment.email_canonical == comment.email_canonical)
    if comment.ip_hash:
        same_author.append(Comment.ip_hash == comment.ip_hash)
    if not same_author:
        return []
    return db.session.scalars(
        select(Comment)
        .where(or_(*same_author), Comment.id != comment.id)
        .order_by(Comment.created_dt.desc())
        .limit(OTHERS_SHOWN)
    ).all()
