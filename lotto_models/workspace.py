"""`Workspace`: the settings and the stores built from them — the composition root of `lotto_models`.

Every stage receives the stores it needs from here: the draw store, the quarantine and the prediction book (SQL), the
version store (SQL records of model versions) and the artifact store (their files).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from lotto_models.core.cache import CACHE
from lotto_models.core.errors import StoreUnavailableError
from lotto_models.core.games import GAMES, Game
from lotto_models.core.games import game as game_named
from lotto_models.core.settings import Settings, get_settings
from lotto_models.registry.artifact_cache import ArtifactCache
from lotto_models.registry.artifacts import ArtifactStore, DiskArtifactStore
from lotto_models.registry.versions import VersionStore
from lotto_models.storage.draw_store import DrawStore
from lotto_models.storage.engine import (
    create_store_engine,
    current_revision,
    head_revision,
    migrate,
    reaching_store,
    sqlite_file,
    store_name,
)
from lotto_models.storage.prediction_book import PredictionBook
from lotto_models.storage.quarantine_store import QuarantineStore
from lotto_models.storage.run_lock import lock_file


@dataclass(frozen=True)
class Workspace:
    """The stores of one game (the draws, versions, guesses and quarantine of other games are not seen)."""

    settings: Settings
    game: Game
    engine: Engine
    draws: DrawStore
    versions: VersionStore
    artifacts: ArtifactStore
    predictions: PredictionBook
    quarantine: QuarantineStore


def _migrated_engine(url: str) -> Engine:
    engine = create_store_engine(url)
    with reaching_store(url):
        migrate(engine)
    return engine


def _read_only_engine(url: str) -> Engine:
    """An engine that never writes, on a store whose schema is the newest already (it is never migrated)."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise StoreUnavailableError(f"no store at {path}: `lotto run` creates and fills one (LOTTO_HOME)")
    engine = create_store_engine(url, read_only=True)
    with reaching_store(url):
        revision = current_revision(engine)
    head = head_revision()
    if revision != head:
        engine.dispose()
        raise StoreUnavailableError(
            f"the store {store_name(url)} has schema revision {revision or 'none'}, this code reads {head}: "
            "`lotto run` creates or upgrades it"
        )
    return engine


# Files of the store itself, beside its database file: its journal, its write-ahead log and the run lock.
STORE_FILE_SUFFIXES = ("", "-journal", "-wal", "-shm")


def refuse_empty_store_file(settings: Settings, path: Path) -> None:
    """Raise `StoreUnavailableError` when the SQLite file `path` is empty (0 bytes) while its directory,
    LOTTO_HOME or the artifact directory holds anything but the store's own files: that store was lost
    (truncated, or replaced by an empty file), and a new one there would seed the bundled history again,
    train every model again and number their versions as if none had been made. An empty file alone (made
    by `touch`, say) is a place for a new store."""
    own = {path.name + suffix for suffix in STORE_FILE_SUFFIXES} | {lock_file(path, g).name for g in GAMES}
    others: list[Path] = []
    for directory in dict.fromkeys([path.parent, settings.home, settings.models_dir]):
        if directory.is_dir():
            others += [entry for entry in directory.iterdir() if entry.name not in own and entry != path.parent]
    if others:
        shown = ", ".join(str(entry) for entry in sorted(set(others))[:3]) + (", …" if len(set(others)) > 3 else "")
        raise StoreUnavailableError(
            f"the store {path} is an empty file (0 bytes), beside {shown}: it is not the store those were made "
            f"with\nrestore {path.name} from a copy; or, to start a new store there, remove the empty file "
            "(model versions already on disk are kept, and new ones take the numbers after them)"
        )


def _require_writable(home: Path) -> None:
    """`home` exists (made if missing) and this user may write in it: the store's files go there."""
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailableError(
            f"LOTTO_HOME {home} cannot be created: {error.strerror}\n"
            "point LOTTO_HOME at a directory this user may write"
        ) from error
    if not os.access(home, os.W_OK | os.X_OK):
        raise StoreUnavailableError(
            f"LOTTO_HOME {home} is not writable, and this command writes the store and its files there\n"
            "make it writable or point LOTTO_HOME at another directory (`lotto status` only reads it, and works)"
        )


def store_exists(settings: Settings) -> bool:
    """Whether the settings' store is there: SQLite, its file; PostgreSQL, a lotoflow schema in its database.

    An empty (0-byte) SQLite file is no store; where LOTTO_HOME (or the file's directory, or the artifact
    directory) holds anything else, it is refused (`refuse_empty_store_file`), since a new store there
    would be filled and trained again as if nothing had been before."""
    url = settings.sqlalchemy_url
    path = sqlite_file(url)
    if path is not None:
        if path.is_file() and path.stat().st_size == 0:
            refuse_empty_store_file(settings, path)
            return False
        return path.is_file()
    engine = create_store_engine(url, read_only=True)
    try:
        with reaching_store(url):
            return current_revision(engine) is not None
    finally:
        engine.dispose()


# Reads a named block of the orchestrator (`LOTTO_ARTIFACTS_BLOCK`) into (bucket URL, s3fs options). The Prefect
# layer passes it to `open_workspace` (`tasks.workspace`): this library knows nothing of Prefect.
ArtifactBlockReader = Callable[[str], tuple[str, dict[str, Any]]]


def artifact_bucket(
    settings: Settings, block_reader: ArtifactBlockReader | None = None
) -> tuple[str, dict[str, Any]] | None:
    """The bucket URL and its s3fs options, from `LOTTO_ARTIFACTS_BLOCK` (read by `block_reader`) or
    `LOTTO_ARTIFACTS_URL`; None on disk."""
    block = settings.artifacts_block
    if block:
        if block_reader is None:
            raise RuntimeError(
                f"LOTTO_ARTIFACTS_BLOCK={block} is read through Prefect: open the workspace with "
                "`tasks.workspace.open_task_workspace`"
            )
        url, options = CACHE.get("artifact-block", block, None, lambda: block_reader(block))
        if not url.startswith("s3://"):
            raise ValueError(f"LOTTO_ARTIFACTS_BLOCK {block}: basepath {url!r} is not an s3://bucket/prefix URL")
        return url, options
    if settings.artifacts_url and settings.artifacts_in_bucket:
        return settings.artifacts_url, settings.artifact_storage_options
    return None


def open_artifact_store(settings: Settings, block_reader: ArtifactBlockReader | None = None) -> ArtifactStore:
    """The bucket of `LOTTO_ARTIFACTS_BLOCK` (read by `block_reader`) or of an `s3://` `LOTTO_ARTIFACTS_URL`,
    else the directory (by default `LOTTO_HOME`)."""
    bucket = artifact_bucket(settings, block_reader)
    if bucket is not None:
        from lotto_models.registry.bucket_artifacts import BucketArtifactStore  # fsspec only when used

        url, options = bucket
        # One per process and configuration: the file system object keeps its HTTP session.
        key = (url, str(settings.home), settings.backup_retention, settings.artifacts_options, settings.artifacts_block)
        return CACHE.get(
            "artifact-store",
            key,
            None,
            lambda: BucketArtifactStore(
                url,
                ArtifactCache(settings.artifact_cache_dir),
                settings.home / "staging",
                settings.backup_retention,
                options,
            ),
        )
    return DiskArtifactStore(settings.models_dir, settings.backups_dir, settings.backup_retention)


def open_workspace(
    settings: Settings | None = None,
    read_only: bool = False,
    block_reader: ArtifactBlockReader | None = None,
    game: Game | None = None,
) -> Workspace:
    """The stores for `settings` (the environment's by default), with the schema migrated to the newest.

    `read_only`: for commands that only read. Nothing is created, migrated or written (a store in a directory
    this user cannot write is read as it is); a store that is missing or not at the newest schema is refused.
    `block_reader`: reads `LOTTO_ARTIFACTS_BLOCK` (the orchestrator's); without it, settings naming a block
    are refused with a `RuntimeError`. `game`: whose stores (default: the settings' `LOTTO_GAME`, Lotofácil).
    Raises `StoreUnavailableError` naming the store and what to do when it cannot be used.
    """
    settings = settings or get_settings()
    game = game or game_named(settings.game)
    url = settings.sqlalchemy_url
    path = sqlite_file(url)
    if path is not None and path.is_file() and path.stat().st_size == 0:
        refuse_empty_store_file(settings, path)  # a lost store is never filled again over what it left behind
    if read_only:
        engine = CACHE.get("read-only-engine", url, None, lambda: _read_only_engine(url))
    else:
        _require_writable(settings.home)
        engine = CACHE.get("engine", url, None, lambda: _migrated_engine(url))
    return Workspace(
        settings=settings,
        game=game,
        engine=engine,
        draws=DrawStore(engine, game),
        versions=VersionStore(engine, game),
        artifacts=open_artifact_store(settings, block_reader),
        predictions=PredictionBook(engine, game),
        quarantine=QuarantineStore(engine, game),
    )


def close_workspaces() -> None:
    """Dispose every engine `open_workspace` opened and empty the process cache (tests that recreate a store)."""
    for engine in [*CACHE.values("engine"), *CACHE.values("read-only-engine")]:
        engine.dispose()
    CACHE.clear()
