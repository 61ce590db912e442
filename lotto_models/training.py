"""Fitting a model of the catalog on a dataset's train and validation spans, and loading it back."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lotto_models.catalog import ModelSpec
from lotto_models.draws import NUMBERS
from lotto_models.errors import TrainingDivergedError
from lotto_models.features import Dataset
from lotto_models.settings import TrainingProfile
from lotto_models.splits import Splits
from lotto_models.stat_model import StatModel, fit_stat_model

KERAS_ARTIFACT = "model.keras"
TRAINING_LOG = "training_log.csv"

Predictor = Callable[[np.ndarray], np.ndarray]


@dataclass
class TrainingOutcome:
    artifact_dir: Path
    hyperparameters: dict[str, Any]
    epochs_run: int = 0
    warm_started: bool = False
    seconds: float = 0.0
    history: dict[str, list[float]] = field(default_factory=dict)


def hyperparameters_for(spec: ModelSpec, window: int, profile: TrainingProfile) -> dict[str, Any]:
    """What defines the model's architecture and training: a change here means training from scratch."""
    if spec.kind == "stat":
        return {"kind": "stat", "features": ["all_time_frequency", "recent_frequency", "log1p_delay"]}
    return {
        "kind": "lstm",
        "window": window,
        "features": NUMBERS,
        "units": profile.units,
        "epochs": profile.epochs,
        "batch_size": profile.batch_size,
        "patience": profile.patience,
    }


def train_model(
    spec: ModelSpec,
    dataset: Dataset,
    splits: Splits,
    hyperparameters: dict[str, Any],
    out_dir: Path,
    seed: int,
    warm_start_dir: Path | None = None,
) -> TrainingOutcome:
    """Fit `spec` on the train span (early stopping on validation) and save it to `out_dir`.

    Raises `TrainingDivergedError` when losses or outputs are not finite; nothing is registered then.
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    if spec.kind == "stat":
        model = fit_stat_model(dataset.inputs[splits.validation], dataset.targets[splits.validation])
        if not all(math.isfinite(w) for w in model.weights):
            raise TrainingDivergedError(f"{spec.name}: fitted weights are not finite: {model.weights}")
        model.save(out_dir)
        return TrainingOutcome(out_dir, hyperparameters, seconds=time.perf_counter() - started)
    return _train_network(spec, dataset, splits, hyperparameters, out_dir, seed, warm_start_dir, started)


def _train_network(
    spec: ModelSpec,
    dataset: Dataset,
    splits: Splits,
    hyperparameters: dict[str, Any],
    out_dir: Path,
    seed: int,
    warm_start_dir: Path | None,
    started: float,
) -> TrainingOutcome:
    import keras

    from lotto_models.networks import NetworkConfig, build_lstm

    keras.utils.set_random_seed(seed)
    config = NetworkConfig(
        window=hyperparameters["window"], features=hyperparameters["features"], units=hyperparameters["units"]
    )
    model = build_lstm(config)
    warm = warm_start_dir is not None and (warm_start_dir / KERAS_ARTIFACT).exists()
    if warm:
        model.set_weights(keras.saving.load_model(warm_start_dir / KERAS_ARTIFACT).get_weights())
    callbacks = [
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=hyperparameters["patience"], restore_best_weights=True
        ),
        keras.callbacks.CSVLogger(str(out_dir / TRAINING_LOG)),
    ]
    history = model.fit(
        dataset.inputs[splits.train],
        dataset.targets[splits.train],
        validation_data=(dataset.inputs[splits.validation], dataset.targets[splits.validation]),
        epochs=hyperparameters["epochs"],
        batch_size=hyperparameters["batch_size"],
        shuffle=True,
        callbacks=callbacks,
        verbose=0,
    )
    losses = history.history.get("loss", [])
    if not losses or not all(math.isfinite(v) for v in losses):
        raise TrainingDivergedError(f"{spec.name}: training loss became non-finite after {len(losses)} epoch(s)")
    model.save(out_dir / KERAS_ARTIFACT)
    return TrainingOutcome(
        out_dir,
        hyperparameters,
        epochs_run=len(losses),
        warm_started=warm,
        seconds=time.perf_counter() - started,
        history={k: [float(v) for v in vs] for k, vs in history.history.items()},
    )


def load_predictor(spec: ModelSpec, artifact_dir: Path) -> Predictor:
    """A function from the model's inputs to probabilities, read from its saved artifact."""
    if spec.kind == "stat":
        return StatModel.load(artifact_dir).predict
    import keras

    import lotto_models.networks  # noqa: F401  (registers the loss for deserialisation)

    model = keras.saving.load_model(artifact_dir / KERAS_ARTIFACT)
    return lambda inputs: np.asarray(model.predict(inputs, verbose=0, batch_size=1024))
