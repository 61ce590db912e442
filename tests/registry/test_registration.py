"""Registering a version: numbered immutable directories, and never over files already at a version's place
(issue 30: a 0-byte store beside models was seeded and trained anew, its versions overwriting `models/*/v1`)."""

from __future__ import annotations

import pytest

from lotto_models.registry.artifacts import directory_sha256
from lotto_models.workspace import Workspace
from tests.registry.stat_versions import register


def test_versions_are_numbered_directories_and_leave_no_staging_behind(workspace: Workspace) -> None:
    first, second = register(workspace, 0.1), register(workspace, 0.2)
    assert (first.version, second.version) == (1, 2)
    assert workspace.artifacts.path(first).name == "v1" and workspace.artifacts.path(first).is_dir()
    assert not any(p.name.startswith(".staging") for p in workspace.artifacts.path(first).parent.iterdir())


def test_a_registration_never_replaces_files_already_at_a_version_place(workspace: Workspace) -> None:
    """Files no row names, under `models/<model>/v<N>` or its backup: the versions of a store that was lost, or
    of a run killed between its move and its commit. The new version takes the next free number."""
    if workspace.settings.artifacts_in_bucket:  # pragma: no cover - the bucket has its own test
        pytest.skip("on disk")
    models, backups = workspace.settings.models_dir, workspace.settings.backups_dir
    (models / "stat" / "v1").mkdir(parents=True)
    (models / "stat" / "v1" / "stat_model.json").write_text('{"weights": [7, 7, 7, 7]}')
    (backups / "stat" / "v2").mkdir(parents=True)
    (backups / "stat" / "v2" / "stat_model.json").write_text('{"weights": [8, 8, 8, 8]}')
    before = {p: directory_sha256(p) for p in (models / "stat" / "v1", backups / "stat" / "v2")}

    first = register(workspace, 0.1)
    second = register(workspace, 0.2)

    assert (first.version, second.version) == (3, 4)
    assert {p: directory_sha256(p) for p in before} == before  # untouched
    workspace.artifacts.verify(first)
    assert (workspace.artifacts.path(first) / "stat_model.json").read_text() == '{"weights": [0.1, 0, 0, 0]}'
    assert not any(p.name.startswith(".staging") for p in (models / "stat").iterdir())
    assert [v.version for v in workspace.versions.versions("stat")] == [3, 4]
