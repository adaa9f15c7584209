"""Every model, imported in one place so that Alembic sees the whole schema."""

from petition.accounts.models import User
from petition.audit.models import AuditEntry
from petition.comments.models import Comment, CommentCounts, CommentReport, ModeratedWord
from petition.contact.models import ContactMessage
from petition.counting.models import CountShard
from petition.mail.models import OutboxMail
from petition.moderation.models import DigestState
from petition.petitions.models import Petition, PetitionTranslation
from petition.privacy.models import ConsentRecord, DataRequest, RetentionTally
from petition.sharing.models import ReferralLink, ShareImage, SignatureSource
from petition.signing.models import Signature, SignatureStatus

__all__ = [
    "AuditEntry",
    "Comment",
    "CommentCounts",
    "CommentReport",
    "ConsentRecord",
    "ContactMessage",
    "CountShard",
    "DataRequest",
    "DigestState",
    "ModeratedWord",
    "OutboxMail",
    "Petition",
    "PetitionTranslation",
    "ReferralLink",
    "RetentionTally",
    "ShareImage",
    "Signature",
    "SignatureSource",
    "SignatureStatus",
    "User",
]
