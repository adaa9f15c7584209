"""Every model, imported in one place so that Alembic sees the whole schema."""

from petition.accounts.models import RecoveryCode, User
from petition.audit.models import AuditEntry
from petition.comments.models import Comment, CommentCounts, CommentReport, ModeratedWord
from petition.contact.models import ContactMessage
from petition.counting.models import CountShard
from petition.exports.models import Dossier
from petition.fraud.models import (
    Ban,
    BlockedNetwork,
    BulkInvalidation,
    BulkInvalidationItem,
    DomainRule,
    TrendAlert,
)
from petition.mail.models import OutboxMail
from petition.mailings.models import Mailing, MailingDelivery, MailingText
from petition.moderation.models import DigestState
from petition.petitions.models import Petition, PetitionSlug, PetitionTranslation
from petition.privacy.models import ConsentRecord, DataRequest, RetentionTally
from petition.sharing.models import ReferralLink, ShareImage, SignatureSource
from petition.signing.models import Signature, SignatureStatus
from petition.transparency.models import Checkpoint, LogEvent, SealState
from petition.updates.models import Update, UpdateText
from petition.volunteers.models import Volunteer, VolunteerStatus

__all__ = [
    "AuditEntry",
    "Ban",
    "BlockedNetwork",
    "BulkInvalidation",
    "BulkInvalidationItem",
    "Checkpoint",
    "Comment",
    "CommentCounts",
    "CommentReport",
    "ConsentRecord",
    "ContactMessage",
    "CountShard",
    "DataRequest",
    "DigestState",
    "DomainRule",
    "Dossier",
    "LogEvent",
    "Mailing",
    "MailingDelivery",
    "MailingText",
    "ModeratedWord",
    "OutboxMail",
    "Petition",
    "PetitionSlug",
    "PetitionTranslation",
    "RecoveryCode",
    "ReferralLink",
    "RetentionTally",
    "SealState",
    "ShareImage",
    "Signature",
    "SignatureSource",
    "SignatureStatus",
    "TrendAlert",
    "Update",
    "UpdateText",
    "User",
    "Volunteer",
    "VolunteerStatus",
]
