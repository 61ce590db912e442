"""Retention of model versions: old files go, rows, champions, backups and the newest stay."""

from __future__ import annotations

from lotto_models.registry.retention import prune_versions
from lotto_models.workspace import Workspace
from tests.registry.stat_versions import register


def test_retention_removes_old_files_but_keeps_rows_champions_backups_and_the_newest(workspace: Workspace) -> None:
    versions = [register(workspace, w / 10) for w in range(7)]  # v1..v7
    workspace.versions.set_champion("stat", versions[0].id)
    workspace.versions.set_champion("stat", versions[1].id)  # champion v2, previous v1
    workspace.artifacts.backup(versions[2])  # v3 has a backup
    pruned = prune_versions(workspace.versions, workspace.artifacts, "stat", keep_newest=3)
    assert [v.label for v in pruned] == ["stat/v4"]
    assert not workspace.artifacts.path(versions[3]).exists()
    kept = [versions[i] for i in (0, 1, 2, 4, 5, 6)]
    assert all(workspace.artifacts.path(v).is_dir() for v in kept)
    v4 = workspace.versions.find("stat", 4)
    assert v4 is not None and v4.artifacts_pruned and v4.metrics == {"bce": 0.673}  # the row and metrics stay
    assert workspace.versions.trained_on("stat", "fp", {"kind": "stat"}).version == 7
    assert prune_versions(workspace.versions, workspace.artifacts, "stat", keep_newest=3) == []  # nothing more
