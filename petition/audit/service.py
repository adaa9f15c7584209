"""Writing and reading the audit log."""

import json
from dataclasses import dataclass
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select

from petition.accounts.models import User
from petition.audit.models import AuditEntry
from petition.extensions import db

PER_PAGE = 50


def record(
    action: str,
    target_type: str | None = None,
    target_id=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
    actor=None,
) -> AuditEntry:
    """Add an entry to the session; the caller commits it together with the change it describes.

    The actor defaults to the staff member logged in on the current request, if any.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        before=_storable(before),
        after=_storable(after),
        note=note,
    )
    db.session.add(entry)
    return entry


def forget(target_type: str, target_id, fields: list[str]) -> int:
    """Remove `fields` from the states the log kept of one target (a person erased their data:
    the entries stay, without what identified them), in the caller's transaction. Returns how
    many entries changed."""
    if not fields:
        return 0
    changed = 0
    for entry in db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.target_type == target_type, AuditEntry.target_id == str(target_id)
        )
    ):
        before = {k: v for k, v in (entry.before or {}).items() if k not in fields}
        after = {k: v for k, v in (entry.after or {}).items() if k not in fields}
        if before != (entry.before or {}) or after != (entry.after or {}):
            entry.before, entry.after = before or None, after or None
            changed += 1
    db.session.flush()
    return changed


def _storable(values: dict | None) -> dict[str, Any] | None:
    """Dates, enums and the like become text, so that any state a feature passes can be kept."""
    if values is None:
        return None
    return json.loads(json.dumps(values, default=str))


@dataclass
class Filters:
    action: str | None = None
    actor_id: int | None = None


def entries(filters: Filters, page: int):
    """The log, newest first, one page at a time."""
    query = select(AuditEntry).order_by(AuditEntry.created_dt.desc(), AuditEntry.id.desc())
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor_id:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def known_actors() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def user_targets(page_entries: list[AuditEntry]) -> dict[str, str]:
    """The address of each account an entry of the page is about, by id, so the page names it."""
    ids = {
        int(e.target_id) for e in page_entries if e.target_type == "user" and (e.target_id or "").isdigit()
    }
    if not ids:
        return {}
    return {str(user.id): user.email for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
