"""Reading threads: pages of top-level comments, oldest first, each with its replies.

A reader sees public comments, plus their own comments that wait for moderation. A comment that is
not shown but has shown replies stays as a short notice, so that the replies keep their context.
"""

import math
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, or_, select, tuple_

from petition.comments.labels import reject_reason
from petition.comments.models import Comment, CommentCounts, CommentStatus
from petition.comments.service import still_editable
from petition.extensions import db

# What an author sees of their own comments besides public ones: waiting, or refused with the reason.
OWN_UNPUBLISHED = (CommentStatus.PENDING, CommentStatus.REJECTED)


@dataclass
class Node:
    comment: Comment
    mine: bool
    children: list["Node"] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.comment.is_public or (self.mine and self.comment.status in OWN_UNPUBLISHED)

    @property
    def waiting(self) -> bool:
        """The author's own comment, not yet public."""
        return self.mine and self.comment.status == CommentStatus.PENDING

    @property
    def refusal(self):
        """Why a moderator refused the author's own comment, for the author only."""
        if self.mine and self.comment.status == CommentStatus.REJECTED:
            return reject_reason(self.comment.decision_note)
        return None

    @property
    def editable(self) -> bool:
        return self.mine and still_editable(self.comment)

    @property
    def why_not_shown(self) -> str:
        comment = self.comment
        if comment.hidden_by_reports and comment.status == CommentStatus.APPROVED:
            return "reported"
        if comment.status == CommentStatus.DELETED and comment.decided_dt is None:
            return "deleted"
        if comment.status == CommentStatus.PENDING:
            return "edited"
        return "removed"

    def has_content(self) -> bool:
        return self.shown or any(child.has_content() for child in self.children)


@dataclass
class Page:
    threads: list[Node]
    number: int
    count: int  # pages
    comments: int  # public comments of the petition

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def numbers(self) -> list[int | None]:
        """The first, last and nearby page numbers; None where a gap is skipped."""
        near = sorted(
            n for n in {1, self.count, *range(self.number - 2, self.number + 3)} if 1 <= n <= self.count
        )
        shown: list[int | None] = []
        for number in near:
            if shown and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown


def counts(petition_id: int) -> CommentCounts:
    return db.session.get(CommentCounts, petition_id) or CommentCounts(
        petition_id=petition_id, public=0, threads=0
    )


def _own_unpublished_roots(owned_ids: set[int]):
    return and_(Comment.id.in_(owned_ids), Comment.status.in_(OWN_UNPUBLISHED))


def _roots(petition_id: int, owned_ids: set[int]):
    shown = Comment.listed.is_(True)
    if owned_ids:
        shown = or_(shown, _own_unpublished_roots(owned_ids))
    return select(Comment).where(Comment.petition_id == petition_id, Comment.parent_id.is_(None), shown)


def _extra_own_roots(petition_id: int, owned_ids: set[int], *conditions) -> int:
    """The reader's own unpublished top-level comments, which the public count of threads leaves out."""
    if not owned_ids:
        return 0
    return db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.petition_id == petition_id,
            Comment.parent_id.is_(None),
            Comment.listed.is_(False),
            _own_unpublished_roots(owned_ids),
            *conditions,
        )
    )


def per_page() -> int:
    return current_app.config["COMMENTS_PER_PAGE"]


def page_count(petition_id: int, owned_ids: set[int]) -> int:
    threads = counts(petition_id).threads + _extra_own_roots(petition_id, owned_ids)
    return max(1, math.ceil(threads / per_page()))


def page(petition_id: int, number: int, owned_ids: set[int], owns) -> Page | None:
    """Page `number` (from 1), or None past the last page. `owns(comment)` says which comments
    this reader wrote."""
    pages = page_count(petition_id, owned_ids)
    if number < 1 or number > pages:
        return None
    roots = db.session.scalars(
        _roots(petition_id, owned_ids)
        .order_by(Comment.created_dt, Comment.id)
        .offset((number - 1) * per_page())
        .limit(per_page())
    ).all()
    return Page(threads=_grow(roots, owns), number=number, count=pages, comments=counts(petition_id).public)


def latest(petition_id: int, owned_ids: set[int], owns, limit: int = 3) -> list[Node]:
    """The newest threads, in reading order (oldest of them first), for the petition page."""
    roots = db.session.scalars(
        _roots(petition_id, owned_ids).order_by(Comment.created_dt.desc(), Comment.id.desc()).limit(limit)
    ).all()
    return _grow(list(reversed(roots)), owns)


def featured(petition_id: int, limit: int = 3) -> list[Comment]:
    return db.session.scalars(
        select(Comment)
        .where(Comment.petition_id == petition_id, Comment.is_featured.is_(True), Comment.public_filter())
        .order_by(Comment.created_dt.desc())
        .limit(limit)
    ).all()


def page_of(comment: Comment, owned_ids: set[int]) -> int:
    """The page on which a comment's thread is listed for this reader.

    Counted from the end: the threads shown after this one are few for the comments people
    reach most (the one just posted, a recent reply), and the number of threads shown is kept.
    """
    root = db.session.get(Comment, comment.thread_id)
    later = tuple_(Comment.created_dt, Comment.id) > tuple_(root.created_dt, root.id)
    after = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.petition_id == root.petition_id, Comment.listed.is_(True), later)
    ) + _extra_own_roots(root.petition_id, owned_ids, later)
    shown = counts(root.petition_id).threads + _extra_own_roots(root.petition_id, owned_ids)
    own_unpublished = root.id in owned_ids and root.status in OWN_UNPUBLISHED
    before = max(shown - after - (1 if root.listed or own_unpublished else 0), 0)
    return before // per_page() + 1


def shows_public(nodes: list[Node], comment_id: int | None) -> bool:
    """Whether these trees show that comment, public (a form may be placed under it)."""
    return comment_id is not None and any(
        (node.comment.id == comment_id and node.comment.is_public) or shows_public(node.children, comment_id)
        for node in nodes
    )


def _grow(roots: list[Comment], owns) -> list[Node]:
    """The roots with all their replies, as trees, keeping only what has something to show."""
    if not roots:
        return []
    ids = [root.id for root in roots]
    replies = db.session.scalars(
        select(Comment).where(Comment.root_id.in_(ids)).order_by(Comment.created_dt, Comment.id)
    ).all()
    nodes = {comment.id: Node(comment, mine=owns(comment)) for comment in [*roots, *replies]}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.children.append(nodes[reply.id])
    for node in nodes.values():
        node.children = [child for child in node.children if child.has_content()]
    return [nodes[root.id] for root in roots if nodes[root.id].has_content()]
