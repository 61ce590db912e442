"""The one process-wide cache, with one rule.

Rule: an entry is found by its `kind` and `key` (what it was computed for) and is valid only for the
`version` of its source it was computed from — the signature of the files it read (path, size,
modification time) or the newest concurso of the store it summarises. A lookup with another version
recomputes and replaces the entry. `clear()` empties everything (a test that recreates a store).

Datasets, loaded predictors, verified checksums, open engines and derived figures all live here, so
there is one place to reason about staleness and one call to reset it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

FileSignature = tuple[tuple[str, int, int], ...]


def file_signature(path: Path) -> FileSignature:
    """(relative path, size, mtime) of `path` or of every file under it, sorted: changes when a file does."""
    if path.is_file():
        stat = path.stat()
        return ((path.name, stat.st_size, stat.st_mtime_ns),)
    entries = []
    for item in sorted(path.rglob("*")):
        if item.is_file():
            stat = item.stat()
            entries.append((str(item.relative_to(path)), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class ProcessCache:
    """Per kind, a bounded least-recently-used map of key to (version, value)."""

    def __init__(self, limits: dict[str, int] | None = None, default_limit: int = 64) -> None:
        self._kinds: dict[str, OrderedDict[Hashable, tuple[Hashable, Any]]] = {}
        self._limits = limits or {}
        self._default_limit = default_limit
        self._lock = threading.Lock()

    def get(self, kind: str, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        """The value cached for (kind, key) at `version`; computed (and stored) when absent or stale."""
        with self._lock:
            entries = self._kinds.setdefault(kind, OrderedDict())
            found = entries.get(key)
            if found is not None and found[0] == version:
                entries.move_to_end(key)
                return found[1]  # stored below by this method for this kind
        value = compute()
        with self._lock:
            entries[key] = (version, value)
            entries.move_to_end(key)
            while len(entries) > self._limits.get(kind, self._default_limit):
                entries.popitem(last=False)
        return value

    def values(self, kind: str) -> list[Any]:
        with self._lock:
            return [value for _, value in self._kinds.get(kind, {}).values()]

    def clear(self) -> None:
        with self._lock:
            self._kinds.clear()


# Datasets are large (tens of MB each): few are kept; engines are never evicted in practice.
CACHE = ProcessCache(limits={"dataset": 8, "engine": 16})
