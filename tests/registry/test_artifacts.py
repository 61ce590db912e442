"""A version's files on disk: checked against their checksum, backed up, and only the newest backups kept."""

from __future__ import annotations

import pytest

from lotto_models.core.errors import ArtifactChecksumError
from lotto_models.workspace import Workspace
from tests.registry.stat_versions import register


def test_a_version_whose_files_changed_fails_its_checksum_check_naming_it(workspace: Workspace) -> None:
    first = register(workspace, 0.1)
    workspace.artifacts.verify(first)
    (workspace.artifacts.path(first) / "stat_model.json").write_text('{"weights": [9, 9, 9, 9]}')
    with pytest.raises(ArtifactChecksumError, match="stat/v1"):
        workspace.artifacts.verify(first)


def test_a_backup_holds_the_files_of_its_version(workspace: Workspace) -> None:
    first = register(workspace, 0.1)
    backup = workspace.artifacts.backup(first)
    assert (backup / "stat_model.json").read_text() == (workspace.artifacts.path(first) / "stat_model.json").read_text()


def test_backups_keep_only_the_newest_versions(workspace: Workspace) -> None:
    versions = [register(workspace, w / 10) for w in range(7)]
    for version in versions:
        workspace.artifacts.backup(version)
    workspace.artifacts.prune_backups(versions)
    kept = sorted(p.name for p in (workspace.settings.backups_dir / "stat").iterdir())
    assert kept == ["v3", "v4", "v5", "v6", "v7"]
