"""The MLflow mirror against a real `mlflow server` on loopback: what a trained version becomes there, the
aliases following lotoflow's, a run that goes on when the server is down or hangs, and `lotto mlflow-sync`."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from deployments.cli import main as lotto
from lotto_models.core.settings import Settings
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.fitting import load_predictor
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.training.challengers import build_feature_dataset
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import migrated_sqlite_store, use_lotto_env
from tests.tracking.conftest import RestartableServer


@pytest.fixture
def mirrored_home(
    prefect_api, mlflow_server: RestartableServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A store holding the bundled history, the smoke profile, and the session's MLflow server as the mirror."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(migrated_sqlite_store(seeded=True), home / "lotoflow.db")
    use_lotto_env(monkeypatch, home, "http://127.0.0.1:9/portaldeloterias/api", None)
    monkeypatch.setenv("LOTTO_MLFLOW_TRACKING_URI", mlflow_server.url)
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("LOTTO_MLFLOW_TIMEOUT_S", "60")  # a test machine shared by two test processes is slow
    yield home
    close_workspaces()


def mlflow_client(server: RestartableServer):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=server.url, registry_uri=server.url)


def runs_of(server: RestartableServer, experiment: str) -> list:
    client = mlflow_client(server)
    found = client.get_experiment_by_name(experiment)
    return [] if found is None else client.search_runs([found.experiment_id], order_by=["attributes.start_time ASC"])


def aliases(server: RestartableServer, name: str) -> dict[str, str]:
    """Each alias of the registered model `name` -> the lotoflow version its model version mirrors."""
    client = mlflow_client(server)
    model = client.get_registered_model(name)
    return {
        alias: client.get_model_version(name, number).tags["lotoflow.version"]
        for alias, number in model.aliases.items()
    }


@pytest.mark.slow  # its own MLflow server, three trainings and three flow runs
def test_trained_versions_become_mlflow_runs_and_model_versions_whose_aliases_follow_every_decision(
    mirrored_home: Path, mlflow_server: RestartableServer, capsys
) -> None:
    from flows.manual_control import rollback_model
    from flows.train_one_model import train_one_model

    for model, force in (("stat", False), ("stat", True), ("ls14", False)):
        state = train_one_model(model=model, force=force, return_state=True)
        assert state.is_completed() and "tracking unavailable" not in (state.message or "")
    ws = open_workspace()
    stat_v1, stat_v2 = ws.versions.versions("stat")
    [ls14_v1] = ws.versions.versions("ls14")

    # one run per version, with what an ML engineer compares versions by
    first, second = runs_of(mlflow_server, "lotofacil/stat")
    [network] = runs_of(mlflow_server, "lotofacil/ls14")
    assert (first.info.run_name, second.info.run_name, network.info.run_name) == ("stat/v1", "stat/v2", "ls14/v1")
    params = network.data.params
    assert params["feature_set"] == MODELS["ls14"].feature_set.value and params["profile"] == "smoke"
    assert params["window"] == str(ls14_v1.hyperparameters["window"]) and params["hp.units"] == "8"
    assert (
        params["dataset_fingerprint"] == ls14_v1.dataset_fingerprint and params["code_version"] == ls14_v1.code_version
    )
    metrics = network.data.metrics
    assert metrics["holdout.mean_hits"] == pytest.approx(ls14_v1.metrics["mean_hits"])
    assert metrics["holdout.hits_ci95_low"] < metrics["holdout.mean_hits"] < metrics["holdout.hits_ci95_high"]
    assert metrics["holdout.baseline_hits"] == 9.0
    assert "gate.versus_baseline.mean_difference" in metrics and network.data.tags["gate.decided_by"] == "gate"
    assert network.data.tags["gate.verdict"] == ws.versions.last_decision("ls14").verdict.value
    assert network.data.tags["prefect.flow_run_id"] == ls14_v1.flow_run_id
    history = mlflow_client(mlflow_server).get_metric_history(network.info.run_id, "epoch.loss")
    assert [point.step for point in history] == list(range(ls14_v1.metrics["epochs"]))
    files = {item.path for item in mlflow_client(mlflow_server).list_artifacts(network.info.run_id)}
    assert "training_log.csv" in files and network.data.tags["lotoflow.model_uri"].startswith("models:/")

    # the registered model predicts what lotoflow predicts, for a network and for stat
    import mlflow.pyfunc

    for model in ("ls14", "stat"):
        inputs = build_feature_dataset(ws, MODELS[model].feature_set).load().inputs[-40:]
        ours = load_predictor(MODELS[model], ws.artifacts.path(ws.versions.alias(model, CHAMPION)))(inputs)
        downloaded = mirrored_home.parent / f"downloaded-{model}"  # (without it MLflow leaves a copy in /tmp)
        downloaded.mkdir()
        loaded = mlflow.pyfunc.load_model(f"models:/lotofacil.{model}@champion", dst_path=str(downloaded))
        np.testing.assert_allclose(np.asarray(loaded.predict(inputs)), ours, rtol=0, atol=1e-6)

    # the aliases follow the gate, then a rollback
    champion, previous = ws.versions.alias("stat", CHAMPION), ws.versions.alias("stat", PREVIOUS)
    assert aliases(mlflow_server, "lotofacil.stat") == {"champion": champion.label, "previous": previous.label}
    rollback_model(model="stat")
    assert aliases(mlflow_server, "lotofacil.stat")["champion"] == ws.versions.alias("stat", CHAMPION).label
    assert ws.versions.alias("stat", CHAMPION).label != champion.label

    # nothing is missing, so a sync (twice) adds nothing
    capsys.readouterr()
    assert lotto(["mlflow-sync"]) == 0 and lotto(["mlflow-sync"]) == 0
    assert capsys.readouterr().out.count("MLflow already mirrors every version and alias") == 2
    assert len(runs_of(mlflow_server, "lotofacil/stat")) == 2
    versions = mlflow_client(mlflow_server).search_model_versions("name = 'lotofacil.stat'")
    assert sorted(v.tags["lotoflow.version"] for v in versions) == [stat_v1.label, stat_v2.label]


@pytest.mark.slow  # stops and restarts the MLflow server, two trainings
def test_a_run_with_the_tracking_server_down_completes_naming_it_and_mlflow_sync_mirrors_what_it_missed(
    mirrored_home: Path, mlflow_server: RestartableServer, capsys
) -> None:
    from flows.train_one_model import train_one_model

    assert train_one_model(model="ls15", return_state=True).is_completed()
    assert [run.info.run_name for run in runs_of(mlflow_server, "lotofacil/ls15")] == ["ls15/v1"]
    mlflow_server.stop()
    try:
        started = time.monotonic()
        state = train_one_model(model="ls15", force=True, return_state=True)
        assert state.is_completed(), state.message
        assert "tracking unavailable" in state.message and "lotto mlflow-sync" in state.message
        assert time.monotonic() - started < 60
        assert lotto(["mlflow-sync"]) == 1  # a sync that could not sync says so
        assert "did not answer" in capsys.readouterr().err
    finally:
        mlflow_server.start()
    assert lotto(["mlflow-sync"]) == 0 and lotto(["mlflow-sync"]) == 0
    assert [run.info.run_name for run in runs_of(mlflow_server, "lotofacil/ls15")] == ["ls15/v1", "ls15/v2"]
    ws = open_workspace()
    assert aliases(mlflow_server, "lotofacil.ls15")["champion"] == ws.versions.alias("ls15", CHAMPION).label


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections and never answers: a tracking server stalled."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_tracking_server_that_never_answers_costs_the_mirror_its_timeout_not_the_run(
    silent_server: str, tmp_path: Path
) -> None:
    from lotto_models.tracking.mlflow_mirror import TrackingUnavailableError, mirror_models

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(migrated_sqlite_store(), home / "lotoflow.db")
    close_workspaces()
    ws = open_workspace(Settings(home=home, mlflow_tracking_uri=silent_server, mlflow_timeout_s=1))
    started = time.monotonic()
    with pytest.raises(TrackingUnavailableError, match="did not answer"):
        mirror_models(ws)
    assert time.monotonic() - started < 5
    close_workspaces()
