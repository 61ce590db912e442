import pytest

from lotto_models.core.errors import ArtifactChecksumError
from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.registration import register_version
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.reporting.backtest import ReportManifest, prune_backtest_reports
from lotto_models.training.challengers import expected_training_seconds, hyperparameters
from lotto_models.workspace import Workspace


def register(workspace: Workspace, weight: float):
    staged = workspace.artifacts.staging_dir("stat")
    (staged / "stat_model.json").write_text(f'{{"weights": [{weight}, 0, 0, 0]}}')
    return register_version(
        workspace.versions, workspace.artifacts, "stat", staged, "fp", 3700, {"kind": "stat"}, {"bce": 0.673}
    )


def test_versions_are_numbered_immutable_directories_with_a_checksum(workspace: Workspace) -> None:
    first, second = register(workspace, 0.1), register(workspace, 0.2)
    assert (first.version, second.version) == (1, 2)
    assert workspace.artifacts.path(first).name == "v1" and workspace.artifacts.path(first).is_dir()
    assert not any(p.name.startswith(".staging") for p in workspace.artifacts.path(first).parent.iterdir())
    workspace.artifacts.verify(first)
    (workspace.artifacts.path(first) / "stat_model.json").write_text('{"weights": [9, 9, 9, 9]}')
    with pytest.raises(ArtifactChecksumError, match="stat/v1"):
        workspace.artifacts.verify(first)


def test_promotion_moves_the_old_champion_to_previous_and_backs_it_up(workspace: Workspace) -> None:
    first, second = register(workspace, 0.1), register(workspace, 0.2)
    workspace.versions.set_champion("stat", first.id)
    assert workspace.versions.alias("stat", PREVIOUS) is None
    backup = workspace.artifacts.backup(first)
    workspace.versions.set_champion("stat", second.id)
    assert workspace.versions.alias("stat", CHAMPION).id == second.id
    assert workspace.versions.alias("stat", PREVIOUS).id == first.id
    assert (backup / "stat_model.json").read_text() == (workspace.artifacts.path(first) / "stat_model.json").read_text()


def test_backups_keep_only_the_newest_versions(workspace: Workspace) -> None:
    versions = [register(workspace, w / 10) for w in range(7)]
    for version in versions:
        workspace.artifacts.backup(version)
    workspace.artifacts.prune_backups(versions)
    kept = sorted(p.name for p in (workspace.settings.backups_dir / "stat").iterdir())
    assert kept == ["v3", "v4", "v5", "v6", "v7"]


def test_retention_removes_old_files_but_keeps_rows_champions_backups_and_the_newest(workspace: Workspace) -> None:
    from lotto_models.registry.retention import prune_versions

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


def test_a_training_is_expected_to_last_as_long_as_the_newest_one_of_its_kind_warm_or_from_scratch(
    workspace: Workspace,
) -> None:
    def trained(seconds: float, warm: bool) -> None:
        staged = workspace.artifacts.staging_dir("stat")
        (staged / "stat_model.json").write_text('{"weights": [0.1, 0, 0, 0]}')
        metrics = {"bce": 0.673, "training_seconds": seconds, "warm_started": warm}
        today = hyperparameters(workspace, MODELS["stat"])  # a warm start needs today's hyperparameters
        version = register_version(workspace.versions, workspace.artifacts, "stat", staged, "fp", 3700, today, metrics)
        workspace.versions.set_champion("stat", version.id)

    assert expected_training_seconds(workspace, ["stat"], from_scratch=True) == {}
    trained(40.0, warm=False)
    trained(30.0, warm=False)
    trained(2.0, warm=True)
    assert expected_training_seconds(workspace, ["stat"], from_scratch=True) == {"stat": 30.0}
    assert expected_training_seconds(workspace, ["stat"], from_scratch=False) == {"stat": 2.0}


def test_backtest_reports_beyond_the_retention_are_removed_but_the_one_just_written_stays(
    workspace: Workspace,
) -> None:
    reports = workspace.settings.home / "reports"
    for concurso in (*range(3690, 3702), 12):  # and a directory without a manifest is left alone
        (reports / f"backtest-{concurso}").mkdir(parents=True)
        ReportManifest(concurso).write(reports / f"backtest-{concurso}")
    (reports / "notes").mkdir()
    removed = prune_backtest_reports(workspace, reports / "backtest-12")  # an older store's report just written
    names = sorted(p.name for p in reports.iterdir())
    assert names == sorted([*(f"backtest-{c}" for c in range(3692, 3702)), "backtest-12", "notes"])
    assert len(removed) == 2
