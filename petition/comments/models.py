import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.accounts.models import User
from petition.core.time import utcnow
from petition.database import BigId, text_enum
from petition.extensions import db
from petition.petitions.models import Petition


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


class ReplyNotifications(enum.StrEnum):
    """Whether the author, who left an address, gets a mail when someone answers."""

    ASKED = "asked"  # the confirmation mail is out
    ON = "on"
    OFF = "off"


class Comment(db.Model):
    """A comment or a reply. Replies hang from `parent` (at most COMMENT_MAX_DEPTH deep) and from
    `root`, their top-level comment, which pages are made of; `reply_to` is the comment the author
    answered, which is the parent unless the depth limit moved the reply up a level.
    """

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_listing", "petition_id", "listed", "created_dt", "id"),
        Index("ix_comments_thread", "root_id", "created_dt"),
        Index("ix_comments_public", "petition_id", "status", "hidden_by_reports"),
        Index("ix_comments_featured", "petition_id", "is_featured", "created_dt"),
        Index("ix_comments_queue", "status", "decided_dt"),
        Index("ix_comments_decided", "decided_dt"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("comments.id"))
    root_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("comments.id"))
    reply_to_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("comments.id"))
    depth: Mapped[int] = mapped_column(default=0)
    author_name: Mapped[str] = mapped_column(String(60))
    # Only for reply notifications; never shown.
    email: Mapped[str | None] = mapped_column(String(254))
    email_canonical: Mapped[str | None] = mapped_column(String(254), index=True)
    reply_notifications: Mapped[ReplyNotifications | None] = mapped_column(text_enum(ReplyNotifications, 8))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(text_enum(CommentStatus), default=CommentStatus.PENDING)
    # Why a comment waits for a moderator even on a post-moderated petition ("link", "word: …").
    hold_reason: Mapped[str | None] = mapped_column(String(120))
    hidden_by_reports: Mapped[bool] = mapped_column(default=False)
    is_featured: Mapped[bool] = mapped_column(default=False)
    is_official: Mapped[bool] = mapped_column(default=False)
    # Top-level comments only: whether anything in the thread is public, so that pages of
    # threads are read from one index whatever the number of comments.
    listed: Mapped[bool] = mapped_column(default=False)
    edit_token_hash: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    decision_note: Mapped[str | None] = mapped_column(String(300))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    edited_dt: Mapped[datetime | None]
    decided_dt: Mapped[datetime | None]
    # The moderator who made the last decision, or wrote the committee's reply.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_notified_dt: Mapped[datetime | None]
    # When its author took it back: final, no moderator's action publishes it again.
    author_deleted_dt: Mapped[datetime | None]

    petition: Mapped[Petition] = relationship()
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    reply_to: Mapped["Comment | None"] = relationship(remote_side=[id], foreign_keys=[reply_to_id])
    decided_by: Mapped[User | None] = relationship()

    @property
    def is_public(self) -> bool:
        return self.status == CommentStatus.APPROVED and not self.hidden_by_reports

    @hybrid_property
    def awaits_review(self) -> bool:
        """No moderator has looked at this comment yet: it waits for a decision (pending), or it
        was published at once on a post-moderated petition and no decision followed. The
        committee's own replies never wait. Also a SQL condition: the one definition of it."""
        return self.status == CommentStatus.PENDING or (
            self.status == CommentStatus.APPROVED and self.decided_dt is None and not self.is_official
        )

    @awaits_review.inplace.expression
    @classmethod
    def _awaits_review_expression(cls):
        return or_(
            cls.status == CommentStatus.PENDING,
            and_(cls.status == CommentStatus.APPROVED, cls.decided_dt.is_(None), cls.is_official.is_(False)),
        )

    @property
    def deleted_by_author(self) -> bool:
        return self.author_deleted_dt is not None

    @property
    def thread_id(self) -> int:
        return self.root_id or self.id

    def moderation_state(self) -> dict:
        """What a moderator's action changes, as recorded in the audit log."""
        return {
            "status": self.status.value,
            "hidden_by_reports": self.hidden_by_reports,
            "is_featured": self.is_featured,
        }

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.status}>"

    @classmethod
    def public_filter(cls):
        return (cls.status == CommentStatus.APPROVED) & cls.hidden_by_reports.is_(False)


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    FALSE_INFORMATION = "false_information"
    OTHER = "other"


class RejectReason(enum.StrEnum):
    """Why a moderator refused a comment; its author sees it in place of the comment."""

    RULES = "rules"
    ABUSE = "abuse"
    UNVERIFIED = "unverified"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    ADVERTISING = "advertising"


class CommentReport(db.Model):
    """A reader's report. One per reader and comment: per browser, and per network for readers
    who clear their cookies."""

    __tablename__ = "comment_reports"
    __table_args__ = (
        UniqueConstraint("comment_id", "reader_key"),
        UniqueConstraint("comment_id", "ip_hash"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    comment_id: Mapped[int] = mapped_column(BigId, ForeignKey("comments.id"))
    reason: Mapped[ReportReason] = mapped_column(text_enum(ReportReason, 24))
    note: Mapped[str | None] = mapped_column(String(300))
    reader_key: Mapped[str] = mapped_column(String(64))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator decides on the comment; only open reports count towards hiding it.
    resolved_dt: Mapped[datetime | None]

    comment: Mapped[Comment] = relationship()


class WordKind(enum.StrEnum):
    SUSPECT = "suspect"  # the comment waits for a moderator
    BANNED = "banned"  # the comment is refused, with a message saying why


class ModeratedWord(db.Model):
    __tablename__ = "comment_words"
    __table_args__ = (UniqueConstraint("kind", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[WordKind] = mapped_column(text_enum(WordKind, 8))
    word: Mapped[str] = mapped_column(String(80))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class CommentCounts(db.Model):
    """Public comments and listed threads of a petition, recounted after every change, so that
    showing the count and the number of pages costs the same at any number of comments."""

    __tablename__ = "comment_counts"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    public: Mapped[int] = mapped_column(default=0)
    threads: Mapped[int] = mapped_column(default=0)
