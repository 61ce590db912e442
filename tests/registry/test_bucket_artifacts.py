"""The artifact store in an S3-compatible bucket (a real S3 API on loopback): staging, visibility at the
row's commit, the local cache keyed by sha256, backups, retention, and recovery from a damaged object."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from lotto_models.core.errors import ArtifactChecksumError
from lotto_models.core.failpoints import REGISTRATION_BEFORE_COMMIT
from lotto_models.core.fallbacks import FallbackKind
from lotto_models.core.settings import Settings
from lotto_models.modeling.dataset_cache import CacheOutcome
from lotto_models.modeling.features import FeatureSet
from lotto_models.registry.bucket_artifacts import BucketArtifactStore
from lotto_models.registry.recovery import checked_champion
from lotto_models.registry.registration import register_version
from lotto_models.registry.retention import prune_versions
from lotto_models.registry.versions import CHAMPION
from lotto_models.reporting.backtest import ReportManifest, prune_backtest_reports
from lotto_models.training.shared_datasets import prune_shared_datasets, shared_dataset
from lotto_models.workspace import Workspace, close_workspaces, open_workspace
from tests.conftest import migrated_sqlite_store

pytestmark = pytest.mark.slow  # an S3 server (moto) in a process of its own

ARTIFACT = "stat_model.json"


@pytest.fixture(scope="module")
def draws(history) -> pd.DataFrame:
    """The last 300 bundled draws as the store's frame (small: datasets build in milliseconds)."""
    from lotto_models.core.draws import NUMBER_COLUMNS

    recent = history[-300:]
    return pd.DataFrame(
        {
            "concurso": [d.concurso for d in recent],
            "date": [d.date for d in recent],
            **{col: [d.numbers[i] for d in recent] for i, col in enumerate(NUMBER_COLUMNS)},
        }
    )


def bucket_settings(home: Path, bucket: str, database: Path) -> Settings:
    return Settings(
        home=home, database_url=f"sqlite:///{database}", artifacts_url=f"s3://{bucket}/lotto", profile="quick"
    )


@pytest.fixture
def machines(s3_bucket: str, tmp_path: Path) -> tuple[Workspace, Workspace]:
    """Two homes (two machines) sharing only the store and the bucket."""
    close_workspaces()
    database = tmp_path / "shared.db"
    shutil.copy(migrated_sqlite_store(), database)
    first = open_workspace(bucket_settings(tmp_path / "a", s3_bucket, database))
    second = open_workspace(bucket_settings(tmp_path / "b", s3_bucket, database))
    return first, second


def register(ws: Workspace, weight: float):
    staged = ws.artifacts.staging_dir("stat")
    (staged / ARTIFACT).write_text(f'{{"weights": [{weight}, 0, 0, 0]}}')
    return register_version(ws.versions, ws.artifacts, "stat", staged, "fp", 3700, {"kind": "stat"}, {"bce": 0.673})


def objects(ws: Workspace, under: str) -> list[str]:
    store = ws.artifacts
    assert isinstance(store, BucketArtifactStore)
    return sorted(path.removeprefix(f"{store.root}/") for path in store.fs.find(f"{store.root}/{under}"))


def bucket_fs() -> Any:
    import s3fs  # a second of botocore: imported by the tests that use it, not at collection

    return s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)


def test_a_version_is_uploaded_under_a_staging_key_and_placed_under_its_key_while_its_row_commits(
    machines, monkeypatch
) -> None:
    ws, _ = machines
    seen_at_place: dict[str, list[str]] = {}
    original = BucketArtifactStore.place

    def place(self, staged, key):
        seen_at_place["staging"], seen_at_place["models"] = objects(ws, "staging"), objects(ws, "models")
        seen_at_place["rows"] = [v.label for v in ws.versions.versions("stat")]
        original(self, staged, key)

    monkeypatch.setattr(BucketArtifactStore, "place", place)
    version = register(ws, 0.1)

    assert [p.rsplit("/", 1)[-1] for p in seen_at_place["staging"]] == [ARTIFACT]  # uploaded, under staging
    assert seen_at_place["models"] == [] and seen_at_place["rows"] == []  # not yet a version anywhere
    assert objects(ws, "models") == [f"models/stat/v1/{ARTIFACT}"]
    assert objects(ws, "staging") == []  # the staging upload is gone once the row committed
    assert ws.artifacts.location(version) == f"{ws.settings.artifacts_url}/models/stat/v1"
    ws.artifacts.verify(version)


def test_a_registration_whose_row_fails_leaves_no_version_and_no_objects(machines, monkeypatch) -> None:
    ws, _ = machines
    monkeypatch.setenv("LOTTO_FAILPOINTS", f"{REGISTRATION_BEFORE_COMMIT}=raise")
    with pytest.raises(Exception, match="failpoint"):
        register(ws, 0.1)
    assert ws.versions.versions("stat") == []
    assert objects(ws, "models") == [] and objects(ws, "staging") == []


@pytest.mark.slow
def test_an_upload_killed_before_its_row_commits_leaves_no_version_and_the_next_takes_the_next_key(
    machines, tmp_path
) -> None:
    ws, _ = machines
    script = textwrap.dedent(
        f"""
        from lotto_models.registry.registration import register_version
        from lotto_models.workspace import open_workspace
        ws = open_workspace()
        staged = ws.artifacts.staging_dir("stat")
        (staged / "{ARTIFACT}").write_text('{{"weights": [7, 7, 7, 7]}}')
        register_version(ws.versions, ws.artifacts, "stat", staged, "fp", 3700, {{}}, {{}})
        """
    )
    env = {
        **os.environ,
        "LOTTO_HOME": str(tmp_path / "killed"),
        "LOTTO_DATABASE_URL": ws.settings.sqlalchemy_url,
        "LOTTO_ARTIFACTS_URL": str(ws.settings.artifacts_url),
        "LOTTO_FAILPOINTS": f"{REGISTRATION_BEFORE_COMMIT}=kill",
    }
    killed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert objects(ws, "models") == [f"models/stat/v1/{ARTIFACT}"]  # files at a key no row names
    assert ws.versions.versions("stat") == [] and ws.versions.alias("stat", CHAMPION) is None

    version = register(ws, 0.1)
    assert version.version == 2  # objects no row names are never replaced (they may be a lost store's versions)
    assert objects(ws, "models") == [f"models/stat/v1/{ARTIFACT}", f"models/stat/v2/{ARTIFACT}"]
    ws.artifacts.verify(version)
    assert (ws.artifacts.path(version) / ARTIFACT).read_text() == '{"weights": [0.1, 0, 0, 0]}'


def test_another_machine_downloads_verifies_and_caches_a_version_by_its_sha256(machines, monkeypatch) -> None:
    trainer, other = machines
    version = register(trainer, 0.3)
    local = other.artifacts.path(version)
    assert local == other.settings.artifact_cache_dir / version.sha256 / "files"
    assert (local / ARTIFACT).read_text() == '{"weights": [0.3, 0, 0, 0]}'

    downloads: list[str] = []
    store = other.artifacts
    assert isinstance(store, BucketArtifactStore)
    original = store.fs.get_file
    monkeypatch.setattr(
        store.fs, "get_file", lambda rpath, lpath, **kw: downloads.append(rpath) or original(rpath, lpath, **kw)
    )
    assert other.artifacts.path(version) == local
    assert downloads == []  # the cached copy serves while the bucket still lists the same objects


def test_a_damaged_cached_copy_is_never_served_but_downloaded_again(machines) -> None:
    trainer, other = machines
    version = register(trainer, 0.4)
    local = other.artifacts.path(version)
    (local / ARTIFACT).write_text('{"weights": [9, 9, 9, 9]}')
    assert (other.artifacts.path(version) / ARTIFACT).read_text() == '{"weights": [0.4, 0, 0, 0]}'


def test_a_corrupted_object_fails_its_checksum_even_where_a_good_copy_is_cached(machines) -> None:
    ws, _ = machines
    version = register(ws, 0.5)
    ws.artifacts.verify(version)  # a good copy is now cached on this machine
    bucket_fs().pipe_file(f"{ws.artifacts.location(version).removeprefix('s3://')}/{ARTIFACT}", b'{"weights": [1]}')
    with pytest.raises(ArtifactChecksumError, match="stat/v1"):
        ws.artifacts.verify(version)


def test_a_corrupted_champion_object_is_restored_from_its_backup_in_the_bucket(machines) -> None:
    trainer, other = machines
    version = register(trainer, 0.6)
    trainer.versions.set_champion("stat", version.id)
    trainer.artifacts.backup(version)
    target = f"{trainer.artifacts.location(version).removeprefix('s3://')}/{ARTIFACT}"
    bucket_fs().pipe_file(target, b'{"weights": [9, 9, 9, 9]}')

    checked = checked_champion(other.versions, other.artifacts, "stat")

    assert checked.version is not None and checked.version.id == version.id
    assert [f.kind for f in checked.fallbacks] == [FallbackKind.CHAMPION_RESTORED]
    assert bucket_fs().cat_file(target) == b'{"weights": [0.6, 0, 0, 0]}'  # the bucket is whole again
    trainer.artifacts.verify(version)


def test_a_missing_object_without_a_backup_loses_the_champion(machines) -> None:
    ws, _ = machines
    version = register(ws, 0.7)
    ws.versions.set_champion("stat", version.id)
    bucket_fs().rm(f"{ws.artifacts.location(version).removeprefix('s3://')}/{ARTIFACT}")
    checked = checked_champion(ws.versions, ws.artifacts, "stat")
    assert checked.version is None and [f.kind for f in checked.fallbacks] == [FallbackKind.CHAMPION_LOST]


def test_backups_and_retention_in_the_bucket_keep_what_they_keep_on_disk(machines) -> None:
    ws, _ = machines
    versions = [register(ws, w / 10) for w in range(7)]  # v1..v7
    for version in versions[:6]:
        ws.artifacts.backup(version)
    ws.artifacts.prune_backups(versions)
    assert [v.version for v in ws.artifacts.backed_up(versions)] == [6, 5, 4, 3, 2]  # the newest 5 backups
    assert not any(p.startswith("backups/stat/v1") for p in objects(ws, "backups"))
    ws.versions.set_champion("stat", versions[6].id)
    pruned = prune_versions(ws.versions, ws.artifacts, "stat", keep_newest=1)
    assert [v.label for v in pruned] == ["stat/v1"]  # v2..v6 have backups, v7 is champion and newest
    assert not any(p.startswith("models/stat/v1/") for p in objects(ws, "models"))
    assert ws.versions.find("stat", 1).artifacts_pruned


def test_stale_staging_uploads_of_killed_runs_are_removed(machines) -> None:
    ws, _ = machines
    staged = ws.artifacts.staging_dir("stat")
    (staged / ARTIFACT).write_text("{}")
    ws.artifacts.stage(staged)
    time.sleep(1.1)  # S3 times are whole seconds
    removed = ws.artifacts.remove_stale_staging(older_than_s=1)
    assert objects(ws, "staging") == [] and not staged.exists()
    assert len(removed) == 2  # the local directory and the uploaded object


def test_a_report_is_kept_in_the_bucket_under_its_name(machines, tmp_path) -> None:
    ws, _ = machines
    report = tmp_path / "backtest-3700"
    report.mkdir()
    (report / "backtest.md").write_text("# Backtest")
    assert ws.artifacts.keep_report(report) == f"{ws.settings.artifacts_url}/reports/backtest-3700"
    assert objects(ws, "reports") == ["reports/backtest-3700/backtest.md"]
    assert (
        bucket_fs().cat_file(f"{ws.settings.artifacts_url.removeprefix('s3://')}/reports/backtest-3700/backtest.md")
        == b"# Backtest"
    )


def test_backtest_reports_beyond_the_retention_are_removed_here_and_from_the_bucket(machines) -> None:
    ws, _ = machines
    reports = ws.settings.home / "reports"
    for concurso in range(3690, 3702):  # 12 runs' reports, one more than ten apart
        report = reports / f"backtest-{concurso}"
        report.mkdir(parents=True)
        (report / "backtest.md").write_text(f"# Backtest {concurso}")
        ReportManifest(concurso).write(report)
        ws.artifacts.keep_report(report)
    prune_backtest_reports(ws, reports / "backtest-3701")
    kept = [f"backtest-{c}" for c in range(3692, 3702)]  # the newest LOTTO_REPORT_RETENTION (10)
    assert sorted(p.name for p in reports.iterdir()) == kept
    assert sorted({key.split("/")[1] for key in objects(ws, "reports")}) == kept


def test_a_dataset_built_on_one_machine_is_fetched_and_verified_by_another(machines, draws) -> None:
    builder, other = machines
    built = shared_dataset(builder, draws, FeatureSet.LS15)
    assert built.outcome is CacheOutcome.BUILT
    assert objects(builder, "datasets") == [f"datasets/{built.path.name}", f"datasets/{built.path.name}.sha256"]
    fetched = shared_dataset(other, draws, FeatureSet.LS15)
    assert fetched.outcome is CacheOutcome.REUSED and fetched.path.parent == other.settings.datasets_dir
    assert fetched.path.read_bytes() == built.path.read_bytes()


def test_a_corrupted_shared_dataset_is_not_used_but_built_again_and_replaced(machines, draws) -> None:
    builder, other = machines
    built = shared_dataset(builder, draws, FeatureSet.LS15)
    key = f"{builder.settings.artifacts_url.removeprefix('s3://')}/datasets/{built.path.name}"
    bucket_fs().pipe_file(key, b"not a dataset")
    again = shared_dataset(other, draws, FeatureSet.LS15)
    assert again.outcome is CacheOutcome.BUILT
    assert again.path.read_bytes() == built.path.read_bytes()
    assert bucket_fs().cat_file(key) == built.path.read_bytes()


def test_datasets_of_earlier_draws_are_pruned_from_the_bucket_too(machines, draws) -> None:
    ws, _ = machines
    older = shared_dataset(ws, draws.iloc[:-1], FeatureSet.LS15)
    current = shared_dataset(ws, draws, FeatureSet.LS15)
    removed = prune_shared_datasets(ws, [current])
    assert len(removed) == 3  # the local file, the object and its sha256
    assert objects(ws, "datasets") == [f"datasets/{current.path.name}", f"datasets/{current.path.name}.sha256"]
    assert not older.path.exists() and current.path.exists()


def test_the_bucket_and_its_credentials_can_come_from_a_prefect_block(
    prefect_api, s3_server, s3_bucket, tmp_path, monkeypatch
) -> None:
    from prefect.filesystems import RemoteFileSystem

    from tasks.workspace import open_task_workspace  # the Prefect layer passes its reader of the block

    block = RemoteFileSystem(
        basepath=f"s3://{s3_bucket}/from-block",
        settings={
            "key": s3_server.environment()["AWS_ACCESS_KEY_ID"],
            "secret": s3_server.environment()["AWS_SECRET_ACCESS_KEY"],
            "client_kwargs": {"endpoint_url": s3_server.endpoint_url, "region_name": "us-east-1"},
        },
    )
    block.save("lotoflow-artifacts-test", overwrite=True)
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)  # nothing but the block says where the bucket is and how to sign in
    close_workspaces()
    ws = open_task_workspace(
        None,
        Settings(
            home=tmp_path / "home",
            database_url=f"sqlite:///{tmp_path / 'store.db'}",
            artifacts_block="remote-file-system/lotoflow-artifacts-test",
        ),
    )
    version = register(ws, 0.9)
    assert ws.artifacts.location(version) == f"s3://{s3_bucket}/from-block/models/stat/v1"
    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    assert bucket_fs().cat_file(f"{s3_bucket}/from-block/models/stat/v1/{ARTIFACT}") == b'{"weights": [0.9, 0, 0, 0]}'
