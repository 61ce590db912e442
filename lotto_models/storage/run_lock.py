"""One after-draw run at a time per store and game: a lock held in the store itself, released if its holder dies.
Runs of two games take two locks, and may run at once.

On PostgreSQL it is a session advisory lock (`pg_try_advisory_lock`), which the server releases when the
holding connection closes — a run killed with SIGKILL cannot leave it held. SQLite has no advisory locks;
its equivalent is an exclusive `flock` on a file beside the database, which the kernel releases when the
holding process dies, however it dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.game_ids import FIRST_GAME, legacy_form

# A fixed 64-bit key for pg_try_advisory_lock: "lotoflow" in ASCII, Lotofácil's (the one game before the others
# came, so that a run of an older version and one of this version still exclude each other); the other games'
# keys are derived from their API ids.
ADVISORY_KEY = int.from_bytes(b"lotoflow", "big") & 0x7FFF_FFFF_FFFF_FFFF


def advisory_key(game: str) -> int:
    if legacy_form(game):
        return ADVISORY_KEY
    return int.from_bytes(hashlib.sha256(f"lotoflow/{game}".encode()).digest()[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


def lock_file(database: Path, game: str) -> Path:
    """The file a SQLite store's runs of `game` lock, beside the database."""
    return database.with_suffix(".run.lock" if legacy_form(game) else f".{game}.run.lock")


POLL_S = 0.5


class RunLockTimeout(TimeoutError):
    """Another run held the store's lock for longer than this run was willing to wait."""


@dataclass(frozen=True)
class LockWait:
    """How the lock was obtained: at once, or after `waited_s` behind another run."""

    waited_s: float

    @property
    def waited(self) -> bool:
        return self.waited_s > 0


@contextmanager
def run_lock(engine: Engine, wait_s: float, game: str = FIRST_GAME) -> Iterator[LockWait]:
    """Hold the store's run lock of `game` for the duration of the block; wait up to `wait_s` for it."""
    started = time.monotonic()
    key = advisory_key(game)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            while not connection.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                _wait_or_give_up(started, wait_s)
            connection.commit()
            try:
                yield LockWait(_waited(started))
            finally:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield LockWait(0.0)  # a private in-memory store: nobody else can run on it
        return
    path = lock_file(Path(database), game)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                _wait_or_give_up(started, wait_s)
        try:
            yield LockWait(_waited(started))
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _waited(started: float) -> float:
    waited = time.monotonic() - started
    return round(waited, 1) if waited >= POLL_S else 0.0


def _wait_or_give_up(started: float, wait_s: float) -> None:
    if time.monotonic() - started >= wait_s:
        raise RunLockTimeout(f"another after-draw run has held this store's lock for over {wait_s:g} s")
    time.sleep(POLL_S)
