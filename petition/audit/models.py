import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petition.accounts.models import User
from petition.core.time import utcnow
from petition.database import BigId
from petition.extensions import db


class AuditEntry(db.Model):
    """One thing done in the back office (or tried at its door), kept for the admins to read."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_created", "created_dt"),
        Index("ix_audit_entries_action", "action", "created_dt"),
        Index("ix_audit_entries_actor", "actor_id", "created_dt"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field named on either side, in the order written."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, _readable(before.get(key)), _readable(after.get(key))) for key in keys]


def _readable(value: Any) -> Any:
    """A list of plain values (a word list) reads as one line; other nested values are shown as
    compact JSON; plain ones are left for the template to show."""
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
