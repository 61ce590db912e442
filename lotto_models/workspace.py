"""`Workspace`: the settings and the stores built from them — the composition root of `lotto_models`.

Every stage receives the stores it needs from here: the draw store, the quarantine and the prediction book (SQL), the
version store (SQL records of model versions) and the artifact store (their files).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from lotto_models.core.cache import CACHE
from lotto_models.core.settings import Settings, get_settings
from lotto_models.registry.artifact_cache import ArtifactCache
from lotto_models.registry.artifacts import ArtifactStore, DiskArtifactStore
from lotto_models.registry.bucket_artifacts import BucketArtifactStore
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


def open_artifact_store(settings: Settings) -> ArtifactStore:
    """The bucket of `LOTTO_ARTIFACTS_URL` when it is an `s3://` URL, else the directory (by default `LOTTO_HOME`)."""
    url = settings.artifacts_url
    if url and settings.artifacts_in_bucket:
        # One per process and configuration: the file system object keeps its HTTP session.
        key = (url, str(settings.home), settings.backup_retention, settings.artifacts_options)
        return CACHE.get(
            "artifact-store",
            key,
            None,
            lambda: BucketArtifactStore(
                url,
                ArtifactCache(settings.artifact_cache_dir),
                settings.home / "staging",
                settings.backup_retention,
                settings.artifact_storage_options,
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
