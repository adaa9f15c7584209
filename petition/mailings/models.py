import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.accounts.models import User
from petition.core.time import utcnow
from petition.database import BigId, text_enum
from petition.extensions import db
from petition.petitions.models import Petition
from petition.signing.models import Signature


class MailingStatus(enum.StrEnum):
    DRAFT = "draft"  # being written: preview and test mails only
    SENDING = "sending"  # its deliveries are being handed to the outbox at MAILING_PER_MINUTE
    QUEUED = "queued"  # every delivery is in the outbox (or left out)


class Mailing(db.Model):
    """A mail from the committee to the confirmed signers of a petition who asked for its news."""

    __tablename__ = "mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    status: Mapped[MailingStatus] = mapped_column(text_enum(MailingStatus), default=MailingStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    started_dt: Mapped[datetime | None]

    petition: Mapped[Petition] = relationship()
    created_by: Mapped[User | None] = relationship()
    texts: Mapped[list["MailingText"]] = relationship(
        back_populates="mailing", cascade="all, delete-orphan", order_by="MailingText.locale"
    )

    def language_for(self, locale: str) -> str:
        """The language a reader of `locale` gets the whole mail in: theirs if the mailing has a
        text in it, else French, so that the greeting, the footer and the text agree and the
        mail is marked with the language it is written in."""
        return self.text_in(locale).locale

    def text_in(self, locale: str) -> "MailingText":
        """The text in `locale`, or the French one when that language has none."""
        by_locale = {text.locale: text for text in self.texts}
        return by_locale.get(locale) or by_locale["fr"]


class MailingText(db.Model):
    """A mailing's subject and body in one language; French always exists."""

    __tablename__ = "mailing_texts"
    __table_args__ = (UniqueConstraint("mailing_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    mailing: Mapped[Mailing] = relationship(back_populates="texts")


class MailingDelivery(db.Model):
    """One signature's copy of a mailing. The unique (mailing, signature) pair is what makes a
    signature get a mailing once, whatever crashes or parallel workers happen.

    `released_dt`: when it was handed to the outbox (`outbox_id`), paced by MAILING_PER_MINUTE;
    `skipped_dt`: left out because the signature stopped counting or unsubscribed meanwhile;
    `unsubscribed_dt`: its reader stopped the mailings from this mail's link.
    """

    __tablename__ = "mailing_deliveries"
    __table_args__ = (
        UniqueConstraint("mailing_id", "signature_id"),
        Index("ix_mailing_deliveries_released", "released_dt"),
        Index("ix_mailing_deliveries_outbox", "outbox_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    signature_id: Mapped[int] = mapped_column(BigId, ForeignKey("signatures.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    released_dt: Mapped[datetime | None]
    outbox_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("mail_outbox.id", ondelete="SET NULL"))
    skipped_dt: Mapped[datetime | None]
    unsubscribed_dt: Mapped[datetime | None]

    mailing: Mapped[Mailing] = relationship()
    signature: Mapped[Signature] = relationship()
