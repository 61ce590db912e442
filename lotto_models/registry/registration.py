"""Registering a trained artifact as an immutable model version: files placed, then the row committed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from lotto_models.registry.artifacts import ArtifactStore
from lotto_models.registry.versions import ModelVersion, VersionStore


def register_version(
    versions: VersionStore,
    artifacts: ArtifactStore,
    model: str,
    staged_dir: Path,
    dataset_fingerprint: str,
    trained_through: int,
    hyperparameters: dict[str, Any],
    metrics: dict[str, Any],
    flow_run_id: str | None = None,
) -> ModelVersion:
    """Make the staged directory an immutable version.

    The files are staged first (in a bucket: uploaded under a staging key, outside any transaction), then
    placed under the version's key while its row is written; the row's commit makes the version visible.
    On disk the directory is moved, not copied."""
    staged = artifacts.stage(staged_dir)

    def place(key: str) -> Callable[[], None]:
        artifacts.place(staged, key)
        return lambda: artifacts.unplace(key, staged)

    try:
        return versions.register(
            model, staged.sha256, place, dataset_fingerprint, trained_through, hyperparameters, metrics, flow_run_id
        )
    finally:
        artifacts.release(staged)
