"""A one-second cache, per process, for the public reads a crowd repeats: the count and the page.

On a viral day thousands of visitors ask for the same count and the same page each second;
answering them from a copy at most MICROCACHE_SECONDS old (default 1) spares the database and
the template engine without making the count wrong for longer than that. Each process keeps its
own copy, so nothing depends on memory shared between workers; 0 turns the cache off.
"""

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from petition.core import edge

T = TypeVar("T")

# Keys may include a query string a visitor chose: past this many entries the cache starts over.
MAX_ENTRIES = 512

_entries: dict[Hashable, tuple[float, object]] = {}


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """The value for `key` computed at most MICROCACHE_SECONDS ago, computing it if needed."""
    lifetime = current_app.config.get("MICROCACHE_SECONDS", 0)
    if lifetime <= 0:
        return compute()
    # Several apps may live in one process (tests): each has its own entries.
    key = (id(current_app._get_current_object()), key)
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (now + lifetime, value)
    return value


def clear() -> None:
    """Forget every kept value, and every answer kept in front of the app (core/edge.py)."""
    _entries.clear()
    edge.clear()
