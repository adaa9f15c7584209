"""Every model, imported in one place so that Alembic sees the whole schema."""

from petition.comments.models import Comment, CommentCounts, CommentReport, ModeratedWord
from petition.counting.models import CountShard
from petition.mail.models import OutboxMail
from petition.petitions.models import Petition
from petition.signing.models import Signature, SignatureStatus

__all__ = [
    "Comment",
    "CommentCounts",
    "CommentReport",
    "CountShard",
    "ModeratedWord",
    "OutboxMail",
    "Petition",
    "Signature",
    "SignatureStatus",
]
