"""`Workspace`: the settings and the stores built from them, opened once per process and database."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from lotto_models.core.settings import Settings, get_settings
from lotto_models.registry.versions import ModelRegistry
from lotto_models.storage.draw_store import DrawStore
from lotto_models.storage.engine import create_store_engine, migrate
from lotto_models.storage.prediction_book import PredictionBook


@dataclass(frozen=True)
class Workspace:
    settings: Settings
    engine: Engine
    draws: DrawStore
    registry: ModelRegistry
    predictions: PredictionBook


_open_engines: list[Engine] = []


@functools.lru_cache(maxsize=8)
def _migrated_engine(url: str) -> Engine:
    engine = create_store_engine(url)
    migrate(engine)
    _open_engines.append(engine)
    return engine


def open_workspace(settings: Settings | None = None) -> Workspace:
    """The stores for `settings` (the environment's by default), with the schema migrated to the newest."""
    settings = settings or get_settings()
    engine = _migrated_engine(settings.sqlalchemy_url)
    return Workspace(
        settings=settings,
        engine=engine,
        draws=DrawStore(engine),
        registry=ModelRegistry(engine, settings.models_dir, settings.backups_dir, settings.backup_retention),
        predictions=PredictionBook(engine),
    )


def close_workspaces() -> None:
    """Dispose every engine opened by `open_workspace` (tests that recreate a database call this)."""
    for engine in _open_engines:
        engine.dispose()
    _open_engines.clear()
    _migrated_engine.cache_clear()
