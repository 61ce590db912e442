"""Mirroring the workspace's model versions and aliases into MLflow, idempotently.

For each model: one experiment (`lotofacil/ls14`), one run per version (found again by its
`lotoflow.version_id` tag), one registered model (`lotofacil.ls14`) with a model version per version whose
files are kept, and the aliases `champion` and `previous` pointed where lotoflow's point (MLflow aliases,
not the deprecated stages). What is already there is left alone, so a mirror run after any decision, or
`lotto mlflow-sync` after the server was down, adds only what is missing: running it twice adds nothing.
A run left unfinished by an interrupted mirror is deleted and logged again.

MLflow is imported here only, when a mirror runs; every request gives up after `mlflow_timeout_s` with no
retry, and anything the server does not answer becomes one `TrackingUnavailableError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from lotto_models.core.errors import LotoflowError
from lotto_models.modeling.catalog import models_of
from lotto_models.registry.versions import CHAMPION, PREVIOUS, ModelVersion
from lotto_models.tracking.version_record import (
    VERSION_ID_TAG,
    VERSION_TAG,
    experiment_name,
    registered_model_name,
    version_record,
)
from lotto_models.workspace import Workspace

if TYPE_CHECKING:
    from mlflow import MlflowClient

ALIASES = (CHAMPION, PREVIOUS)
PYFUNC_NAME = "model"  # the logged model's name in its run
MODEL_URI_TAG = "lotoflow.model_uri"  # where a run's logged model is (none when retention pruned the files)


class TrackingUnavailableError(LotoflowError):
    """The MLflow tracking server did not answer (down, slow past the timeout, or refusing)."""


@dataclass
class MirrorReport:
    """What one mirror run added (nothing, when MLflow already held everything)."""

    runs_logged: list[str] = field(default_factory=list)  # version labels
    versions_registered: list[str] = field(default_factory=list)
    aliases_moved: list[str] = field(default_factory=list)  # "ls14@champion -> v3", "ls14@previous removed"

    def sentence(self) -> str:
        if not (self.runs_logged or self.versions_registered or self.aliases_moved):
            return "MLflow already mirrors every version and alias"
        parts = [
            f"{len(self.runs_logged)} run(s) logged",
            f"{len(self.versions_registered)} model version(s) registered",
            f"aliases: {', '.join(self.aliases_moved) or 'unchanged'}",
        ]
        return "MLflow mirror: " + "; ".join(parts)


def mirror_models(
    ws: Workspace, models: Iterable[str] | None = None, prefect_ui_url: str | None = None
) -> MirrorReport:
    """Mirror `models` (default: every model of the workspace's game) into `LOTTO_MLFLOW_TRACKING_URI`.

    Raises `TrackingUnavailableError` when the server does not answer in time; what was mirrored before
    that stays, and the next mirror run adds the rest."""
    uri = ws.settings.mlflow_tracking_uri
    if not uri:
        raise ValueError("no MLflow tracking server is configured (LOTTO_MLFLOW_TRACKING_URI)")
    timeout = ws.settings.mlflow_timeout_s
    _check_reachable(uri, timeout)
    _bound_requests(timeout)
    import mlflow
    import requests
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    report = MirrorReport()
    try:
        for model in models if models is not None else models_of(ws.game):
            _mirror_model(ws, client, model, prefect_ui_url, report)
    except (MlflowException, requests.RequestException, OSError) as error:
        raise TrackingUnavailableError(f"MLflow at {uri} did not answer in time: {_first_line(error)}") from error
    return report


def _check_reachable(uri: str, timeout: float) -> None:
    """One quick request before MLflow is imported: a server that is down costs one refused connection."""
    if not uri.startswith(("http://", "https://")):
        return  # a local store (file:, sqlite:) has no server to ask
    try:
        httpx.get(f"{uri.rstrip('/')}/health", timeout=timeout).raise_for_status()
    except httpx.HTTPError as error:
        raise TrackingUnavailableError(f"MLflow at {uri} did not answer: {_first_line(error)}") from error


def _bound_requests(timeout: float) -> None:
    """MLflow's own settings for its HTTP requests: give up after `timeout`, never retry (the next mirror
    run is the retry)."""
    os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = str(max(1, round(timeout)))
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    os.environ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "0"
    # nothing leaves the machine (MLflow 3 sends usage telemetry unless told not to)
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    # a worker's log is no terminal: no progress bars, no links printed to stdout
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT", "true")


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def _mirror_model(ws: Workspace, client: MlflowClient, model: str, ui: str | None, report: MirrorReport) -> None:
    from mlflow.exceptions import MlflowException

    versions = ws.versions.versions(model)
    if not versions:
        return  # nothing trained yet: no empty experiment or registered model
    experiment = client.get_experiment_by_name(experiment_name(ws.game, model))
    experiment_id = (
        experiment.experiment_id
        if experiment is not None
        else client.create_experiment(
            experiment_name(ws.game, model), tags={"lotoflow.game": ws.game.id, "lotoflow.model": model}
        )
    )
    name = registered_model_name(ws.game, model)
    try:
        client.get_registered_model(name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        client.create_registered_model(
            name,
            tags={"lotoflow.game": ws.game.id, "lotoflow.model": model},
            description=f"{model} of {ws.game.name}, mirrored from lotoflow's registry (the source of truth).",
        )
    runs = {
        run.data.tags[VERSION_ID_TAG]: run
        for run in client.search_runs([experiment_id], max_results=5000)
        if VERSION_ID_TAG in run.data.tags
    }
    registered = {
        mv.tags[VERSION_ID_TAG]: mv
        for mv in client.search_model_versions(f"name = '{name}'", max_results=5000)
        if VERSION_ID_TAG in mv.tags
    }
    for version in versions:
        key = str(version.id)
        run = runs.get(key)
        if run is not None and run.info.status != "FINISHED":
            client.delete_run(run.info.run_id)  # an interrupted mirror's: logged again in full
            run = None
        if run is None:
            run = client.get_run(_log_run(ws, experiment_id, version, ui))
            report.runs_logged.append(version.label)
        model_uri = run.data.tags.get(MODEL_URI_TAG)
        if key not in registered and model_uri is not None:
            registered[key] = _register(name, model_uri, version)
            report.versions_registered.append(version.label)
    _follow_aliases(ws, client, model, name, registered, report)


def _log_run(ws: Workspace, experiment_id: str, version: ModelVersion, ui: str | None) -> str:
    import mlflow
    from mlflow.entities import Metric

    files = None if version.artifacts_pruned else ws.artifacts.checked_path(version)
    record = version_record(ws.game, version, ws.versions.decisions_about(version.id), files, ui)
    with mlflow.start_run(
        experiment_id=experiment_id, run_name=record.run_name, tags=record.tags, description=record.description
    ) as run:
        mlflow.log_params(record.params)
        mlflow.log_metrics(record.metrics)
        stamp = int(version.created_at.timestamp() * 1000)
        points = [
            Metric(key, value, stamp, epoch) for key, series in record.epoch_metrics.items() for epoch, value in series
        ]
        for start in range(0, len(points), 1000):  # MLflow takes at most 1000 metrics a request
            mlflow.MlflowClient().log_batch(run.info.run_id, metrics=points[start : start + 1000])
        if files is not None:
            mlflow.set_tag(MODEL_URI_TAG, _log_files(files, version))
        chart = newest_backtest_chart(ws)
        if chart is not None:
            mlflow.log_artifact(str(chart), artifact_path=f"backtest/{chart.parent.name}")
        return run.info.run_id


def _log_files(files: Path, version: ModelVersion) -> str:
    """The version's directory as a pyfunc model (which loads and predicts as lotoflow does), and its training
    log at the run's top level."""
    import mlflow
    import mlflow.pyfunc

    from lotto_models.tracking.pyfunc_model import VERSION_FILES, LotoflowVersionModel

    logged = mlflow.pyfunc.log_model(
        name=PYFUNC_NAME,
        python_model=LotoflowVersionModel(),
        artifacts={VERSION_FILES: str(files)},
        model_config={"model": version.model},
        # given, not inferred: inferring loads the model in a subprocess (TensorFlow, seconds)
        pip_requirements=["lotoflow", f"mlflow=={mlflow.__version__}"],
    )
    log = files / "training_log.csv"
    if log.is_file():
        mlflow.log_artifact(str(log))
    return logged.model_uri


def _register(name: str, model_uri: str, version: ModelVersion) -> Any:
    import mlflow

    return mlflow.register_model(
        model_uri,
        name,
        await_registration_for=0,
        tags={VERSION_ID_TAG: str(version.id), VERSION_TAG: version.label},
    )


def _follow_aliases(
    ws: Workspace, client: MlflowClient, model: str, name: str, registered: dict[str, Any], report: MirrorReport
) -> None:
    """Point `champion` and `previous` at the model versions mirroring lotoflow's (removed where lotoflow has
    none, or where its version has no files to register)."""
    current = client.get_registered_model(name).aliases
    for alias in ALIASES:
        target = ws.versions.alias(model, alias)
        mirrored = registered.get(str(target.id)) if target is not None else None
        wanted = str(mirrored.version) if mirrored is not None else None
        have = str(current[alias]) if alias in current else None
        if wanted == have:
            continue
        if wanted is None:
            client.delete_registered_model_alias(name, alias)
            report.aliases_moved.append(f"{model}@{alias} removed")
        else:
            client.set_registered_model_alias(name, alias, wanted)
            report.aliases_moved.append(f"{model}@{alias} -> {target.label if target else '?'}")


def newest_backtest_chart(ws: Workspace) -> Path | None:
    """The newest backtest chart written under LOTTO_HOME/reports (the run's own is written after training,
    so a version's run holds the one its training saw)."""
    charts = [
        path
        for path in (ws.settings.home / "reports").glob("backtest-*/hits.png")
        if path.parent.name.removeprefix("backtest-").isdigit()
    ]
    return max(charts, key=lambda path: int(path.parent.name.removeprefix("backtest-")), default=None)
