"""What the MLflow mirror writes for one model version, as plain values (no MLflow here): its parameters,
holdout and gate figures, per-epoch metrics and tags, all read from lotoflow's records of it."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lotto_models.core.games import Game
from lotto_models.core.settings import PROFILES
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.fitting import TRAINING_LOG
from lotto_models.registry.versions import ModelVersion, PromotionRecord
from lotto_models.reporting.alerts import flow_run_link

VERSION_ID_TAG = "lotoflow.version_id"  # the store's id of the version a run or a model version mirrors
VERSION_TAG = "lotoflow.version"  # its label (`ls14/v3`)


def experiment_name(game: Game, model: str) -> str:
    """One MLflow experiment per game and model, e.g. `lotofacil/ls14`."""
    return f"{game.id}/{model}"


def registered_model_name(game: Game, model: str) -> str:
    """The registered model that mirrors a model's versions, e.g. `lotofacil.ls14` (no `/`: it is part of a
    `models:/<name>@<alias>` URI)."""
    return f"{game.id}.{model}"


def training_profile(hyperparameters: dict[str, Any]) -> str:
    """The training profile a version's hyperparameters were made by (`stat` has none of its figures)."""
    if hyperparameters.get("kind") == "stat":
        return "any (stat has no training profile)"
    for name, profile in PROFILES.items():
        units = hyperparameters.get("units")
        epochs = hyperparameters.get("epochs")
        if (
            units in (profile["units"], profile["units"] // 2)
            and epochs in (profile["epochs"], profile["epochs"] * 10)
            and hyperparameters.get("batch_size") == profile["batch_size"]
            and hyperparameters.get("patience") == profile["patience"]
        ):
            return name
    return "custom"


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dictionaries as dotted keys (`versus_baseline.mean`)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _numbers(values: dict[str, Any]) -> dict[str, float]:
    """The finite numbers among `values` (booleans as 0/1): what MLflow keeps as metrics."""
    numbers = {}
    for key, value in values.items():
        if isinstance(value, bool | int | float) and math.isfinite(float(value)):
            numbers[key] = float(value)
    return numbers


@dataclass(frozen=True)
class VersionRecord:
    """One version as an MLflow run shows it."""

    run_name: str
    params: dict[str, str]
    metrics: dict[str, float]
    epoch_metrics: dict[str, list[tuple[int, float]]]  # metric -> (epoch, value), from the training log
    tags: dict[str, str]
    description: str


def version_record(
    game: Game,
    version: ModelVersion,
    decisions: list[PromotionRecord],
    artifact_dir: Path | None,
    prefect_ui_url: str | None = None,
) -> VersionRecord:
    """Everything but the files: `artifact_dir` (None when retention pruned them) gives the training log."""
    spec = MODELS[version.model]
    hyper = flatten(version.hyperparameters)
    params = {f"hp.{key}": str(value) for key, value in hyper.items()}
    params |= {
        "game": game.id,
        "model": version.model,
        "feature_set": spec.feature_set.value,
        "window": str(version.hyperparameters.get("window", "none (stat reads whole-history features)")),
        "profile": training_profile(version.hyperparameters),
        "dataset_fingerprint": version.dataset_fingerprint,
        "code_version": version.code_version,
        "trained_through": str(version.trained_through),
    }
    params |= {f"span.{name}": f"{first}-{last}" for name, (first, last) in version.metrics.get("spans", {}).items()}
    metrics = {f"holdout.{key}": value for key, value in _numbers(flatten(version.metrics)).items()}
    gate = next((d for d in decisions if d.decided_by == "gate"), None)  # a person's or a rollback's: the aliases
    tags = {
        VERSION_ID_TAG: str(version.id),
        VERSION_TAG: version.label,
        "lotoflow.game": game.id,
        "lotoflow.artifact_key": version.artifact_key,
        "lotoflow.sha256": version.sha256,
    }
    if version.flow_run_id:
        tags["prefect.flow_run_id"] = version.flow_run_id
        link = flow_run_link(prefect_ui_url, version.flow_run_id)  # without the address's user information
        if link:
            tags["prefect.flow_run_url"] = link
    if gate is not None:
        tags |= {
            "gate.promoted": str(gate.promoted).lower(),
            "gate.verdict": gate.verdict.value if gate.verdict else "unknown",
            "gate.reason": gate.reason[:4000],
            "gate.decided_by": gate.decided_by,
        }
        if gate.figures is not None:
            metrics |= {f"gate.{key}": value for key, value in _numbers(flatten(gate.figures.as_dict())).items()}
    description = (
        f"{version.label} of {game.name}, trained through concurso {version.trained_through}; mirrored from "
        "lotoflow's registry, which stays the source of truth (checksums, backups, aliases)."
    )
    return VersionRecord(version.label, params, metrics, _epoch_metrics(artifact_dir), tags, description)


def _epoch_metrics(artifact_dir: Path | None) -> dict[str, list[tuple[int, float]]]:
    """The training log's columns by epoch (Keras's CSVLogger); none for `stat` or pruned files."""
    log = artifact_dir / TRAINING_LOG if artifact_dir is not None else None
    if log is None or not log.is_file():
        return {}
    series: dict[str, list[tuple[int, float]]] = {}
    with log.open(newline="") as handle:
        for row in csv.DictReader(handle):
            epoch = int(row.pop("epoch"))
            for key, text in row.items():
                try:
                    value = float(text)
                except ValueError:
                    continue
                if math.isfinite(value):
                    series.setdefault(f"epoch.{key}", []).append((epoch, value))
    return series
