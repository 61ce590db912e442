"""`Workspace`: the settings and the stores built from them — the composition root of `lotto_models`.

Every stage receives the stores it needs from here: the draw store, the quarantine and the prediction book (SQL), the
version store (SQL records of model versions) and the artifact store (their files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from lotto_models.core.cache import CACHE
from lotto_models.core.settings import Settings, get_settings
from lotto_models.registry.artifact_cache import ArtifactCache
from lotto_models.registry.artifacts import ArtifactStore, DiskArtifactStore
from lotto_models.registry.versions import VersionStore
from lotto_models.storage.draw_store import DrawStore
from lotto_models.storage.engine import create_store_engine, migrate
from lotto_models.storage.prediction_book import PredictionBook
from lotto_models.storage.quarantine_store import QuarantineStore


@dataclass(frozen=True)
class Workspace:
    settings: Settings
    engine: Engine
    draws: DrawStore
    versions: VersionStore
    artifacts: ArtifactStore
    predictions: PredictionBook
    quarantine: QuarantineStore


def _migrated_engine(url: str) -> Engine:
    engine = create_store_engine(url)
    migrate(engine)
    return engine


# Reads a named block of the orchestrator (`LOTTO_ARTIFACTS_BLOCK`) into (bucket URL, s3fs options). The Prefect
# layer installs it (`tasks/__init__.py`): this library knows nothing of Prefect.
ArtifactBlockReader = Callable[[str], tuple[str, dict[str, Any]]]
_block_reader: list[ArtifactBlockReader] = []


def use_artifact_block_reader(reader: ArtifactBlockReader) -> None:
    _block_reader[:] = [reader]


def artifact_bucket(settings: Settings) -> tuple[str, dict[str, Any]] | None:
    """The bucket URL and its s3fs options, from `LOTTO_ARTIFACTS_BLOCK` or `LOTTO_ARTIFACTS_URL`; None on disk."""
    block = settings.artifacts_block
    if block:
        if not _block_reader:
            raise RuntimeError(f"LOTTO_ARTIFACTS_BLOCK={block} is read through Prefect: import `tasks` first")
        url, options = CACHE.get("artifact-block", block, None, lambda: _block_reader[0](block))
        if not url.startswith("s3://"):
            raise ValueError(f"LOTTO_ARTIFACTS_BLOCK {block}: basepath {url!r} is not an s3://bucket/prefix URL")
        return url, options
    if settings.artifacts_url and settings.artifacts_in_bucket:
        return settings.artifacts_url, settings.artifact_storage_options
    return None


def open_artifact_store(settings: Settings) -> ArtifactStore:
    """The bucket of `LOTTO_ARTIFACTS_BLOCK` or of an `s3://` `LOTTO_ARTIFACTS_URL`, else the directory (by
    default `LOTTO_HOME`)."""
    bucket = artifact_bucket(settings)
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


def open_workspace(settings: Settings | None = None) -> Workspace:
    """The stores for `settings` (the environment's by default), with the schema migrated to the newest."""
    settings = settings or get_settings()
    url = settings.sqlalchemy_url
    engine = CACHE.get("engine", url, None, lambda: _migrated_engine(url))
    return Workspace(
        settings=settings,
        engine=engine,
        draws=DrawStore(engine),
        versions=VersionStore(engine),
        artifacts=open_artifact_store(settings),
        predictions=PredictionBook(engine),
        quarantine=QuarantineStore(engine),
    )


def close_workspaces() -> None:
    """Dispose every engine `open_workspace` opened and empty the process cache (tests that recreate a store)."""
    for engine in CACHE.values("engine"):
        engine.dispose()
    CACHE.clear()
