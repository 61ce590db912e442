"""A store that is gone or damaged is never filled again over what it left behind (issue 30): a 0-byte
`lotoflow.db` beside models was seeded and trained anew, its versions overwriting `models/*/v1`; a truncated
one is refused naming it; and a registration never replaces files already at a version's place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lotto_models.core.errors import StoreUnavailableError
from lotto_models.core.settings import Settings
from lotto_models.registry.artifacts import directory_sha256
from lotto_models.registry.registration import register_version
from lotto_models.workspace import Workspace, close_workspaces, open_workspace, store_exists
from tests.conftest import migrated_sqlite_store
from tests.deployments.test_cli_errors import places, run_lotto  # noqa: F401 - `places` is a fixture


def models_of_a_lost_store(home: Path) -> dict[str, str]:
    """Model versions a store made before it was lost, with their checksums."""
    for model, version in (("stat", "v1"), ("ls14", "v1"), ("ls14", "v2")):
        directory = home / "models" / model / version
        directory.mkdir(parents=True)
        (directory / "model.keras").write_bytes(f"{model} {version} trained weights".encode())
    return {str(p.relative_to(home)): directory_sha256(p) for p in sorted((home / "models").glob("*/v*"))}


def test_an_empty_store_file_beside_models_is_refused_naming_it_and_nothing_is_touched(
    places: tuple[Path, Path],  # noqa: F811
) -> None:
    home, files = places
    before = models_of_a_lost_store(home)
    (home / "lotoflow.db").touch()
    header = "concurso,data," + ",".join(f"d{i}" for i in range(1, 16))
    (files / "one.csv").write_text(f"{header}\n3701,2026-06-02,1,2,4,5,7,9,10,12,14,16,18,20,21,23,25\n")

    for command in (["run"], ["status"], ["import-history", str(files / "one.csv")]):
        done = run_lotto(command, {"LOTTO_HOME": str(home)})
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 2 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"lotto {command[0]}: the store {home}/lotoflow.db is an empty file (0 bytes)")
        assert lines[1].startswith("restore lotoflow.db from a copy; or, to start a new store there, remove")
    assert (home / "lotoflow.db").stat().st_size == 0  # not migrated, not seeded
    after = {str(p.relative_to(home)): directory_sha256(p) for p in sorted((home / "models").glob("*/v*"))}
    assert after == before
    assert sorted(p.name for p in home.iterdir()) == ["lotoflow.db", "models"]


def test_an_empty_store_file_alone_is_a_place_for_a_new_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "lotoflow.db").touch()  # `touch lotoflow.db`, and nothing else there
    settings = Settings(home=home)
    close_workspaces()
    assert not store_exists(settings)
    ws = open_workspace(settings)
    assert ws.draws.count() == 0 and store_exists(settings)
    close_workspaces()


def test_the_library_refuses_an_empty_store_file_beside_other_files(tmp_path: Path) -> None:
    """Flows open the store without the CLI (a deployment's `prepare-store`): they are refused the same way."""
    home = tmp_path / "home"
    models_of_a_lost_store(home)
    (home / "lotoflow.db").touch()
    close_workspaces()
    for read_only in (False, True):
        with pytest.raises(StoreUnavailableError, match=r"lotoflow.db is an empty file \(0 bytes\), beside .*models"):
            open_workspace(Settings(home=home), read_only=read_only)
    assert (home / "lotoflow.db").stat().st_size == 0


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.02])
def test_a_truncated_store_is_refused_in_a_line_or_two_naming_it(places: tuple[Path, Path], keep: float) -> None:  # noqa: F811
    home, _ = places
    home.mkdir()
    store = home / "lotoflow.db"
    shutil.copy(migrated_sqlite_store(seeded=True), store)
    store.chmod(0o644)
    with store.open("r+b") as file:
        file.truncate(int(store.stat().st_size * keep))
    for command in (["run"], ["status"]):
        done = run_lotto(command, {"LOTTO_HOME": str(home)})
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert 1 <= len(lines) <= 2 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"lotto {command[0]}: the store {store} cannot be opened"), lines
        assert "restore it from a copy" in done.stderr
    own = {"lotoflow.db", "lotoflow.db-wal", "lotoflow.db-shm"}
    assert {p.name for p in home.iterdir()} <= own  # nothing seeded, trained or written


# -- a version's files are never replaced ---------------------------------------------------------------------------


def register(ws: Workspace, weight: float):
    staged = ws.artifacts.staging_dir("stat")
    (staged / "stat_model.json").write_text(f'{{"weights": [{weight}, 0, 0, 0]}}')
    return register_version(ws.versions, ws.artifacts, "stat", staged, "fp", 3700, {"kind": "stat"}, {"bce": 0.67})


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
