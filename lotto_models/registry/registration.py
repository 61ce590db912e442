"""Registering a trained artifact as an immutable model version: files placed, then the row committed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from lotto_models.registry.artifacts import ArtifactStore, directory_sha256
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
    """Make the staged directory an immutable version; the directory is moved, not copied."""
    sha = directory_sha256(staged_dir)

    def place(key: str) -> Callable[[], None]:
        artifacts.place(staged_dir, key)
        return lambda: artifacts.unplace(key, staged_dir)

    return versions.register(
        model, sha, place, dataset_fingerprint, trained_through, hyperparameters, metrics, flow_run_id
    )
