"""Every model, imported in one place so that Alembic sees the whole schema."""

from petition.accounts.models import User
from petition.audit.models import AuditEntry
from petition.comments.models import Comment, CommentCounts, CommentReport, ModeratedWord
from petition.contact.models import ContactMessage
from petition.counting.models import CountShard
from petition.mail.models import OutboxMail
from petition.mailings.models import Mailing, MailingDelivery, MailingText
from petition.moderation.models import DigestState
from petition.petitions.models import Petition, PetitionTranslation
from petition.sharing.models import ReferralLink, ShareImage, SignatureSource
from petition.signing.models import Signature, SignatureStatus

__all__ = [
    "AuditEntry",
    "Comment",
    "CommentCounts",
    "CommentReport",
    "ContactMessage",
    "CountShard",
    "DigestState",
    "Mailing",
    "MailingDelivery",
    "MailingText",
    "ModeratedWord",
    "OutboxMail",
    "Petition",
    "PetitionTranslation",
    "ReferralLink",
    "ShareImage",
    "Signature",
    "SignatureSource",
    "SignatureStatus",
    "User",
]
