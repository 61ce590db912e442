"""Retention of model versions: old versions lose their files, never their rows or metrics.

Kept with their files: the champion, the previous champion, every version with a backup, and the newest
`keep_newest` of each model. The others are marked pruned first, then their files removed, so a run
killed in between leaves a pruned row whose files the next pass removes — never a live row without files.
"""

from __future__ import annotations

from lotto_models.registry.artifacts import ArtifactStore
from lotto_models.registry.versions import CHAMPION, PREVIOUS, ModelVersion, VersionStore


def prune_versions(
    versions: VersionStore, artifacts: ArtifactStore, model: str, keep_newest: int
) -> list[ModelVersion]:
    """Remove the files of `model`'s versions beyond the retention; the versions that lost them."""
    history = versions.versions(model)
    keep = {v.id for v in history[-max(1, keep_newest) :]}
    keep |= {v.id for alias in (CHAMPION, PREVIOUS) if (v := versions.alias(model, alias)) is not None}
    keep |= {v.id for v in artifacts.backed_up(history)}
    pruned = []
    for version in history:
        if version.id in keep:
            continue
        if not version.artifacts_pruned:
            versions.mark_artifacts_pruned(version.id)
        if artifacts.remove(version):
            pruned.append(version)
    return pruned
