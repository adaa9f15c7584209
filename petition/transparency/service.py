"""The count's public log: events written with the count, sealed into a hash chain, signed
checkpoints. The rules of hashing and signing are in `chain.py`.

- `record` runs in the transaction that changes the count (`signing.service.change_count`) and
  only inserts an unsealed row: confirmations never wait on a row that every other one locks.
- `seal` numbers the unsealed events and chains them, in its own transactions, one sealer at a
  time (it locks the single `transparency_state` row; on SQLite `BEGIN IMMEDIATE` serialises).
  An event committed after a sealer started is sealed by the next one.
- `checkpoint` seals, then signs the log's length, head hash and counts with Ed25519 and keeps
  the checkpoint. It runs every TRANSPARENCY_CHECKPOINT_MINUTES (cron, systemd timer, or the
  development server's thread) and when a visitor asks for one (rate limited).
"""

import threading
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from petition.caching import cached
from petition.core import personal_data
from petition.core.time import utcnow
from petition.core.transactions import write_transaction
from petition.extensions import db
from petition.signing.models import Signature
from petition.transparency import chain
from petition.transparency.models import Checkpoint, LogEvent, SealState

# Entries per page of the public log (and checkpoints per page of their list): a full page never
# changes again, so it is cached for long by browsers and the proxy.
PAGE_SIZE = 1000
SEAL_BATCH = 5000
# Without new events, a fresh checkpoint at most this often, so that readers see the site still
# stands by its log.
IDLE_CHECKPOINT = timedelta(hours=1)
FULL_PAGE_SECONDS = 86400
STATE_ID = 1


def receipt_of(signature: Signature) -> str:
    """The receipt shown to the signer (page after confirming, mails): derived from the
    signature's random token (chain.derive_receipt), nothing personal in it."""
    return chain.derive_receipt(current_app.config["SECRET_KEY"], signature.token)


def record(signature: Signature, event: str, reason: str | None = None) -> None:
    """Write an unsealed event for `signature` (one of chain.DELTAS), in the caller's transaction.

    A confirmation carries the signature's current receipt; any later event carries the receipt
    of that signature's latest event, so that a withdrawal cancels the very entry it follows.
    The day is today's (UTC); the reason (an invalidation's) is cut to 200 characters.
    """
    if event == "confirmed":
        receipt_hash = chain.receipt_hash(receipt_of(signature))
    else:
        receipt_hash = db.session.scalar(
            select(LogEvent.receipt_hash)
            .where(LogEvent.signature_id == signature.id)
            .order_by(LogEvent.id.desc())
            .limit(1)
        ) or chain.receipt_hash(receipt_of(signature))
    db.session.add(
        LogEvent(
            petition=signature.petition.slug,
            event=event,
            receipt_hash=receipt_hash,
            country=signature.country,
            day=utcnow().date(),
            reason=(reason or None) and reason[:200],
            signature_id=signature.id,
        )
    )
    db.session.flush()


def _locked_state() -> SealState:
    state = db.session.scalar(select(SealState).where(SealState.id == STATE_ID).with_for_update())
    if state is None:
        state = SealState(id=STATE_ID, length=0, head=chain.GENESIS, counts={})
        db.session.add(state)
        db.session.flush()
    return state


def seal(batch: int = SEAL_BATCH) -> int:
    """Number and chain every unsealed event, oldest first, `batch` per write transaction.
    Returns how many were sealed."""
    sealed = 0
    while True:
        with write_transaction():
            state = _locked_state()
            rows = db.session.scalars(
                select(LogEvent).where(LogEvent.seq.is_(None)).order_by(LogEvent.id).limit(batch)
            ).all()
            length, head, counts = state.length, state.head, dict(state.counts)
            for row in rows:
                length += 1
                row.seq = length
                row.prev_hash = head
                head = chain.entry_hash(head, row.published())
                row.hash = head
                counts[row.petition] = counts.get(row.petition, 0) + chain.DELTAS[row.event]
            state.length, state.head, state.counts = length, head, counts
        sealed += len(rows)
        if len(rows) < batch:
            return sealed


def signing_key():
    return chain.load_private_key(current_app.config["TRANSPARENCY_KEY"])


def public_key() -> str:
    """The public key of the checkpoints, base64 of its 32 raw bytes."""
    return chain.public_key_text(signing_key())


def checkpoint() -> Checkpoint:
    """Seal, then sign and keep a checkpoint of the log (a write transaction). Returns the
    latest one unchanged when the log did not grow and it is younger than IDLE_CHECKPOINT."""
    seal()
    with write_transaction():
        state = _locked_state()
        latest = latest_checkpoint()
        now = utcnow()
        if (
            latest is not None
            and latest.length == state.length
            and latest.public_key == public_key()
            and now - latest.created_dt < IDLE_CHECKPOINT
        ):
            return latest
        data = {
            "length": state.length,
            "head": state.head,
            "counts": dict(state.counts),
            "count": sum(state.counts.values()),
            "time": now.replace(microsecond=0).isoformat() + "Z",
            "key": public_key(),
        }
        made = Checkpoint(
            length=data["length"],
            head=data["head"],
            counts=data["counts"],
            count=data["count"],
            time=data["time"],
            created_dt=now,
            public_key=data["key"],
            signature=chain.sign_checkpoint(signing_key(), data),
        )
        db.session.add(made)
    return made


def latest_checkpoint() -> Checkpoint | None:
    return db.session.scalar(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1))


def sealed_length() -> int:
    return db.session.scalar(select(SealState.length).where(SealState.id == STATE_ID)) or 0


def log_page(page: int) -> tuple[list[dict], bool]:
    """The published entries of page `page` (1-based, PAGE_SIZE each, by seq) and whether the
    page is full, hence final. Full pages are cached (petition/caching.py)."""
    full = page <= sealed_length() // PAGE_SIZE
    if full:
        return cached(f"transparency-log/{page}", FULL_PAGE_SECONDS, lambda: _log_page(page)), True
    return _log_page(page), False


def _log_page(page: int) -> list[dict]:
    first = (page - 1) * PAGE_SIZE + 1
    rows = db.session.scalars(
        select(LogEvent).where(LogEvent.seq >= first, LogEvent.seq < first + PAGE_SIZE).order_by(LogEvent.seq)
    )
    return [row.published() for row in rows]


def checkpoints_page(page: int) -> tuple[list[dict], bool]:
    """Checkpoints of page `page`, oldest first, and whether the page is full (final)."""
    rows = db.session.scalars(
        select(Checkpoint).order_by(Checkpoint.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return [row.published() for row in rows], len(rows) == PAGE_SIZE


@dataclass(frozen=True)
class ReceiptEntry:
    seq: int | None  # None until sealed
    petition: str
    event: str
    country: str
    day: str
    reason: str | None


def entries_for(receipt: str) -> list[ReceiptEntry] | None:
    """The log's entries (sealed or not yet) for a receipt as typed, or None when what was typed
    cannot be a receipt."""
    if chain.normalise_receipt(receipt) is None:
        return None
    rows = db.session.scalars(
        select(LogEvent).where(LogEvent.receipt_hash == chain.receipt_hash(receipt)).order_by(LogEvent.id)
    )
    return [
        ReceiptEntry(row.seq, row.petition, row.event, row.country, row.day.isoformat(), row.reason)
        for row in rows
    ]


@dataclass
class LogStatus:
    length: int
    waiting: int
    checkpoint: Checkpoint | None
    late: bool  # events wait and no checkpoint for three intervals: is the cron job running?


def status() -> LogStatus:
    """For the dashboard: sealed entries, events waiting for the sealer, the latest checkpoint."""
    waiting = db.session.scalar(select(func.count()).select_from(LogEvent).where(LogEvent.seq.is_(None))) or 0
    latest = latest_checkpoint()
    interval = timedelta(minutes=3 * current_app.config["TRANSPARENCY_CHECKPOINT_MINUTES"])
    late = bool(waiting) and (latest is None or utcnow() - latest.created_dt > interval)
    return LogStatus(sealed_length(), waiting, latest, late)


def run_checkpoints(app, minutes: float, stop: threading.Event) -> None:
    """Make a checkpoint every `minutes` until `stop` is set (the development server's thread)."""
    while not stop.is_set():
        with app.app_context():
            try:
                checkpoint()
            except Exception:
                app.logger.exception("transparency checkpoint failed")
            finally:
                db.session.remove()
        stop.wait(minutes * 60)


def start_background_checkpoints(app) -> threading.Event:
    stop = threading.Event()
    minutes = app.config["TRANSPARENCY_CHECKPOINT_MINUTES"]
    threading.Thread(
        target=run_checkpoints, args=(app, minutes, stop), name="transparency-checkpoints", daemon=True
    ).start()
    return stop


def _export(canonical: str) -> list[dict]:
    """A signer's receipts (one per signature of theirs that entered the log)."""
    signatures = db.session.scalars(select(Signature).where(Signature.email_canonical == canonical)).all()
    records = []
    for signature in signatures:
        hashes = db.session.scalars(
            select(LogEvent.receipt_hash).where(LogEvent.signature_id == signature.id).distinct()
        ).all()
        if hashes:
            records.append({"petition": signature.petition.slug, "receipt": receipt_of(signature)})
    return records


def _erase(canonical: str, erasure: personal_data.Erasure) -> int:
    """Cut the link between a person's signatures and their log entries; the entries stay
    (receipt hash, event, country, day), as the count's history needs them."""
    ids = select(Signature.id).where(Signature.email_canonical == canonical).scalar_subquery()
    return db.session.execute(
        update(LogEvent)
        .where(LogEvent.signature_id.in_(ids))
        .values(signature_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount


personal_data.holder(
    "transparency",
    label=_l("Reçus du registre public du compte"),
    export=_export,
    erase=_erase,
)
