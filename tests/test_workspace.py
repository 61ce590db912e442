"""Opening the workspace on a store that is gone (issue 30): a 0-byte `lotoflow.db` beside models was seeded
and trained anew, its versions overwriting `models/*/v1`; now an empty store file is a place for a new store
only when nothing else is there, and is refused, naming it, by the library and by `lotto` alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotto_models.core.errors import StoreUnavailableError
from lotto_models.core.settings import Settings
from lotto_models.registry.artifacts import directory_sha256
from lotto_models.workspace import close_workspaces, open_workspace, store_exists
from tests.lotto_cli import run_lotto


def models_of_a_lost_store(home: Path) -> dict[str, str]:
    """Model versions a store made before it was lost, with their checksums."""
    for model, version in (("stat", "v1"), ("ls14", "v1"), ("ls14", "v2")):
        directory = home / "models" / model / version
        directory.mkdir(parents=True)
        (directory / "model.keras").write_bytes(f"{model} {version} trained weights".encode())
    return {str(p.relative_to(home)): directory_sha256(p) for p in sorted((home / "models").glob("*/v*"))}


def test_an_empty_store_file_beside_models_is_refused_naming_it_and_nothing_is_touched(
    places: tuple[Path, Path],
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
