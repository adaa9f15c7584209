"""Who owns a transaction: the service that writes.

The rule, everywhere: a public service function that changes the database runs its work in
`with write_transaction():`, which commits at the end (rolls back on an error) and says, by its
presence, that the function writes. Views never commit. Helpers that run inside another
service's transaction (counting.add, mail enqueue, comments.decide…) only add and flush, and their
docstrings say "in the caller's transaction".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from petition.extensions import db

_writing: ContextVar[bool] = ContextVar("write_transaction", default=False)


def writing() -> bool:
    """Whether the current code runs inside `write_transaction` (read by the engine's BEGIN)."""
    return _writing.get()


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a write as one transaction that takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE).

    With a deferred BEGIN, a transaction that reads and then writes fails at once with SQLITE_BUSY
    when another writer committed in between; taking the lock up front makes writers queue (the
    busy timeout) instead. Other databases get a plain BEGIN. A transaction left open by earlier
    reads (the view loading the petition) is ended first, so the write starts a fresh one; objects
    loaded before are reloaded on access. Nested uses join the outermost one, which commits.
    """
    if _writing.get():
        yield
        return
    if db.session().in_transaction():
        db.session.commit()
    token = _writing.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _writing.reset(token)
