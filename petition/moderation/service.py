"""Moderators' actions on comments, and admins' settings. Each one is written to the audit log with
the state before and after, in the transaction that makes the change."""

import enum

from sqlalchemy import select

from petition.accounts.models import User
from petition.audit import service as audit
from petition.comments import service as comments
from petition.comments import words
from petition.comments.models import Comment, CommentStatus, RejectReason, WordKind
from petition.core.transactions import write_transaction
from petition.extensions import db
from petition.petitions.models import CommentModeration, Petition


class Action(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    DELETE = "delete"
    FEATURE = "feature"
    UNFEATURE = "unfeature"


_DECISIONS = {
    Action.APPROVE: CommentStatus.APPROVED,
    Action.REJECT: CommentStatus.REJECTED,
    Action.SPAM: CommentStatus.SPAM,
    Action.DELETE: CommentStatus.DELETED,
}


def act(
    action: Action, comment_ids: list[int], moderator: User, reason: RejectReason | None = None
) -> list[Comment]:
    """Apply one action to comments (one, or a selection) and commit; returns those changed.

    Comments are taken in id order, so that two moderators acting on overlapping selections lock
    them in the same order. The committee's replies and the comments their authors deleted are
    left as they are.
    """
    with write_transaction():
        changed = []
        for comment_id in sorted(set(comment_ids)):
            comment = db.session.get(Comment, comment_id)
            if comment is None or comment.is_official or comment.deleted_by_author:
                continue
            before = comment.moderation_state()
            note = None
            if action in (Action.FEATURE, Action.UNFEATURE):
                comments.set_featured(comment, action == Action.FEATURE, by=moderator)
            else:
                if action == Action.REJECT:
                    note = (reason or RejectReason.RULES).value
                comments.decide(comment, _DECISIONS[action], note, by=moderator)
            if action == Action.DELETE:
                # The text leaves the site: its entry in the log is where it can still be read.
                before["text"] = comment.text
            audit.record(
                f"comment.{action.value}",
                "comment",
                comment.id,
                before=before,
                after=comment.moderation_state(),
                note=note,
                actor=moderator,
            )
            changed.append(comment)
    return changed


def deletable(comment_ids: list[int]) -> list[Comment]:
    """The comments a deletion would take down (not the committee's own replies), oldest first."""
    return db.session.scalars(
        select(Comment)
        .where(
            Comment.id.in_(set(comment_ids)),
            Comment.is_official.is_(False),
            Comment.author_deleted_dt.is_(None),
        )
        .order_by(Comment.created_dt, Comment.id)
    ).all()


def official_reply(answered: Comment, text: str, moderator: User) -> Comment:
    with write_transaction():
        before = answered.moderation_state()
        reply = comments.official_reply(answered, text, by=moderator)
        if answered.moderation_state() != before:
            audit.record(
                "comment.approve",
                "comment",
                answered.id,
                before=before,
                after=answered.moderation_state(),
                actor=moderator,
            )
        db.session.flush()
        audit.record(
            "comment.official_reply",
            "comment",
            reply.id,
            after={**reply.moderation_state(), "in_reply_to": answered.id, "text": text},
            actor=moderator,
        )
    return reply


def save_words(suspect: list[str], banned: list[str]) -> bool:
    """Replace both lists (as words.parse gives them); False when nothing changed."""
    with write_transaction():
        before = {kind.value: words.listed(kind) for kind in WordKind}
        after = {WordKind.SUSPECT.value: suspect, WordKind.BANNED.value: banned}
        if before == after:
            return False
        for kind in WordKind:
            words.replace(kind, after[kind.value])
        audit.record("comment_words.update", "comment_words", None, before=before, after=after)
    return True


def set_moderation(petition: Petition, mode: CommentModeration) -> None:
    with write_transaction():
        if petition.comment_moderation == mode:
            return
        before = {"comment_moderation": petition.comment_moderation.value}
        petition.comment_moderation = mode
        audit.record(
            "petition.comment_moderation",
            "petition",
            petition.id,
            before=before,
            after={"comment_moderation": mode.value},
        )


def petitions() -> list[Petition]:
    return db.session.scalars(select(Petition).order_by(Petition.id)).all()
