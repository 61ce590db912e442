"""Fitting a model of the catalog on a dataset's train and validation spans, saving and loading it back.

Networks are saved as `model.keras`; a TensorFlow SavedModel is exported from it on demand (`lotto convert`,
the convert-model deployment), and inference reads either. Training uses Keras callbacks: early stopping on
the validation span (which precedes the holdout in time), a checkpoint of the best weights, a CSV log of
epochs, and a stop on NaN.
"""

from __future__ import annotations

import math
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lotto_models.core.cache import CACHE, file_signature
from lotto_models.core.errors import LotoflowError, TrainingDivergedError, TrainingTimeoutError
from lotto_models.core.failpoints import TRAINING_AFTER_EPOCH, failpoint
from lotto_models.core.games import LOTOFACIL, game
from lotto_models.core.settings import TrainingProfile
from lotto_models.modeling.catalog import ModelSpec
from lotto_models.modeling.feature_sets import FeatureSet, columns_of, step_width
from lotto_models.modeling.features import Dataset, FeatureParams
from lotto_models.modeling.game_shape import GameShape
from lotto_models.modeling.splits import Splits
from lotto_models.modeling.stat_model import StatModel, fit_stat_model

KERAS_ARTIFACT = "model.keras"
SAVED_MODEL = "saved_model"
TRAINING_LOG = "training_log.csv"
CHECKPOINT = "checkpoint.weights.h5"

# A warm start fine-tunes the champion on the newest training windows for one short epoch (four batches
# of the full profile), run eagerly: after one new draw the champion is already at the optimum of nearly
# the same data, so a full fit only costs time, and tracing the train step (~1.5 s a model) costs more than
# these few steps do eagerly.
WARM_EPOCHS = 1
WARM_RECENT_SAMPLES = 256

Predictor = Callable[[np.ndarray], np.ndarray]


@dataclass
class TrainingOutcome:
    artifact_dir: Path
    hyperparameters: dict[str, Any]
    epochs_run: int = 0
    warm_started: bool = False
    seconds: float = 0.0
    history: dict[str, list[float]] = field(default_factory=dict)
    start_outputs: np.ndarray | None = None  # the warm start's outputs on `start_inputs`, before the fine-tune


def hyperparameters_for(
    spec: ModelSpec, params: FeatureParams, profile: TrainingProfile, bases: dict[str, str] | None = None
) -> dict[str, Any]:
    """What defines the model and its training: a change here means training from scratch, except a change
    of `bases` (the base versions a stacked model is built on), from which its head starts warm.

    A game other than Lotofácil is named (`"game"`: its catalog id), which sets the network's outputs; a
    Lotofácil model's hyperparameters are the ones they were before games were configurable, so its
    versions stay warm-startable.
    """
    named = {} if params.game.is_lotofacil else {"game": params.game.game}
    if spec.kind == "stat":
        return {"kind": "stat", "features": ["all_time_frequency", "recent_frequency", "log1p_delay"], **named}
    hyperparameters: dict[str, Any] = {
        "kind": spec.kind,
        "window": params.window_of(spec.feature_set),
        "features": step_width(spec.feature_set, params.game.pool),
        "units": profile.units // 2 if spec.kind == "stacked" else profile.units,
        # a stacked head fits a few hundred rows: many cheap epochs, stopped early
        "epochs": profile.epochs * 10 if spec.kind == "stacked" else profile.epochs,
        "batch_size": profile.batch_size,
        "patience": profile.patience,
        # the output layer starts as the constant forecast (zero kernel, bias at drawn/pool) and moves only as far
        # as the validation loss pays for: networks that started elsewhere ended below the baseline (ls18's
        # holdout BCE 0.6831 against the constant's 0.6730), so they are trained anew, not fine-tuned
        "output_start": "constant_forecast",
        **named,
    }
    if spec.kind == "stacked":
        hyperparameters["bases"] = dict(sorted((bases or {}).items()))
    return hyperparameters


def import_tensorflow() -> None:
    """Import Keras, TensorFlow and the custom layers: what a training process pays once (~5 s a core)."""
    import keras  # noqa: F401

    import lotto_models.modeling.networks  # noqa: F401


def fit_model(
    spec: ModelSpec,
    dataset: Dataset,
    splits: Splits,
    hyperparameters: dict[str, Any],
    out_dir: Path,
    seed: int,
    warm_start_dir: Path | None = None,
    base_dirs: dict[str, Path] | None = None,
    time_limit_s: float | None = None,
    start_inputs: np.ndarray | None = None,
) -> TrainingOutcome:
    """Fit `spec` and save it to `out_dir`.

    `stat` and stacked heads are fit on the validation span (their inputs there are out of sample);
    the other networks on the train span with early stopping on validation. Raises
    `TrainingDivergedError` when losses or outputs are not finite, and `TrainingTimeoutError` when a
    network runs past `time_limit_s` (checked between batches, so the process stays sound — an
    interrupt from outside can land inside TensorFlow). Nothing is registered then.

    A fine-tune reports what the version it starts from outputs on `start_inputs` (`start_outputs`): that
    version is loaded here anyway, and its promotion compares it on those rows (the holdout).
    """
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    if spec.kind == "stat":
        model = fit_stat_model(dataset.inputs[splits.validation], dataset.targets[splits.validation])
        if not all(math.isfinite(w) for w in model.weights):
            raise TrainingDivergedError(f"{spec.name}: fitted weights are not finite: {model.weights}")
        model.save(out_dir)
        return TrainingOutcome(out_dir, hyperparameters, seconds=time.perf_counter() - started)

    import keras

    keras.utils.set_random_seed(seed)
    network = _build(spec, hyperparameters, base_dirs or {})
    warm = warm_start_dir is not None and (warm_start_dir / KERAS_ARTIFACT).exists()
    start_outputs = None
    if warm_start_dir is not None and warm:
        previous = keras.saving.load_model(warm_start_dir / KERAS_ARTIFACT, compile=False, safe_mode=True)
        if start_inputs is not None:  # as `load_network_predictor` computes them
            start_outputs = _in_batches(lambda batch: previous(batch, training=False), start_inputs)
        _copy_own_weights(previous, network)
    if spec.kind == "stacked":
        span = np.arange(splits.validation.start, splits.validation.stop)
        cut = len(span) * 2 // 3
        fit_rows, stop_rows = span[:cut], span[cut:]
    else:
        fit_rows = np.arange(splits.train.start, splits.train.stop)
        stop_rows = np.arange(splits.validation.start, splits.validation.stop)
    limit = _TimeLimit(time_limit_s, started)
    callbacks = [
        keras.callbacks.TerminateOnNaN(),
        keras.callbacks.CSVLogger(str(out_dir / TRAINING_LOG)),
        keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs=None: limit.check(network),
            on_epoch_end=lambda epoch, logs=None: failpoint(TRAINING_AFTER_EPOCH),
        ),
    ]
    if warm:
        # fine-tune: one short epoch on the newest windows, eagerly; the promotion gate judges the result
        fit_rows, epochs, validation = fit_rows[-WARM_RECENT_SAMPLES:], WARM_EPOCHS, None
        network.run_eagerly = True
    else:
        epochs, validation = hyperparameters["epochs"], (dataset.inputs[stop_rows], dataset.targets[stop_rows])
        callbacks += [
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=hyperparameters["patience"], restore_best_weights=True
            ),
            keras.callbacks.ModelCheckpoint(
                str(out_dir / CHECKPOINT), monitor="val_loss", save_best_only=True, save_weights_only=True
            ),
        ]
    history = network.fit(
        dataset.inputs[fit_rows],
        dataset.targets[fit_rows],
        validation_data=validation,
        epochs=epochs,
        batch_size=hyperparameters["batch_size"],
        shuffle=True,
        callbacks=callbacks,
        verbose=0,
    )
    if limit.exceeded:
        raise TrainingTimeoutError(f"{spec.name}: training exceeded its {time_limit_s:g} s time limit and was stopped")
    losses = history.history.get("loss", [])
    if not losses or not all(math.isfinite(v) for v in losses):
        raise TrainingDivergedError(f"{spec.name}: training loss became non-finite after {len(losses)} epoch(s)")
    (out_dir / CHECKPOINT).unlink(missing_ok=True)  # the best weights are in the model itself now
    # Only `.keras`: inference reads it, and a SavedModel (for TF Serving and the like) is made on demand
    # from it by `lotto convert` or the convert-model deployment; exporting every challenger cost ~1 s each.
    network.save(out_dir / KERAS_ARTIFACT)
    return TrainingOutcome(
        out_dir,
        hyperparameters,
        epochs_run=len(losses),
        warm_started=warm,
        seconds=time.perf_counter() - started,
        history={k: [float(v) for v in vs] for k, vs in history.history.items()},
        start_outputs=start_outputs,
    )


def warm_startable(previous: dict[str, Any], hyperparameters: dict[str, Any]) -> bool:
    """Whether a version trained with `previous` can start a training with `hyperparameters`: the same
    network and training, whatever base versions a stacked head was fit over (its bases are frozen inputs
    of the same shapes, so its head's weights fit the new ones as a start)."""
    return {k: v for k, v in previous.items() if k != "bases"} == {
        k: v for k, v in hyperparameters.items() if k != "bases"
    }


def _copy_own_weights(previous, network) -> None:
    """Start `network` from `previous`: every layer's weights by name, except a stacked model's bases (nested
    models), which stay the ones it was built over."""
    import keras

    for layer in network.layers:
        if layer.weights and not isinstance(layer, keras.Model):
            layer.set_weights(previous.get_layer(layer.name).get_weights())


class _TimeLimit:
    """Stops a fit between batches once `seconds` have passed since `started` (None: no limit)."""

    def __init__(self, seconds: float | None, started: float) -> None:
        self.deadline = None if seconds is None else started + seconds
        self.exceeded = False

    def check(self, network) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.exceeded = True
            network.stop_training = True


def _columns(spec: ModelSpec, reads: FeatureSet | None, shape: GameShape) -> list[int] | None:
    """The columns of `spec`'s steps that hold feature set `reads` (None: all of them), in `shape`'s game."""
    return None if reads is None else columns_of(reads, spec.feature_set, shape.pool)


def _build(spec: ModelSpec, hyperparameters: dict[str, Any], base_dirs: dict[str, Path]):
    import keras

    from lotto_models.modeling.networks import NetworkConfig, build_attention, build_lstm, build_stacked, build_tcn

    shape = GameShape.of(game(hyperparameters.get("game", LOTOFACIL.id)))
    config = NetworkConfig(
        name=spec.name,
        window=hyperparameters["window"],
        features=hyperparameters["features"],
        units=hyperparameters["units"],
        head_features=_columns(spec, spec.head_features, shape) or [],
        game=shape,
    )
    if spec.kind == "lstm":
        return build_lstm(config)
    if spec.kind == "attention":
        return build_attention(config)
    if spec.kind == "tcn":
        return build_tcn(config)
    missing = set(spec.depends_on) - set(base_dirs)
    if missing:
        raise ValueError(f"{spec.name}: base model(s) {sorted(missing)} have no champion to stack on")
    bases = {
        name: (
            keras.saving.load_model(base_dirs[name] / KERAS_ARTIFACT, compile=False, safe_mode=True),
            _columns(spec, spec.base_features.get(name), shape),
        )
        for name in spec.depends_on
    }
    return build_stacked(config, bases)


def export_saved_model(network, directory: Path) -> None:
    """Export a Keras model as a TensorFlow SavedModel (serving endpoint `serve`)."""
    if directory.exists():
        shutil.rmtree(directory)
    network.export(str(directory), format="tf_saved_model", verbose=False)


class ModelFileError(LotoflowError):
    """A file given as a `.keras` model is missing or is not one."""


def convert_to_saved_model(keras_file: Path, directory: Path) -> Path:
    """Turn a `.keras` file into a SavedModel directory (`lotto convert`). The file is checked before
    TensorFlow loads: `ModelFileError` names it and what was expected."""
    if not keras_file.is_file():
        problem = "no such file" if not keras_file.exists() else "not a file"
        raise ModelFileError(f"{keras_file}: {problem}; give a model's .keras file (e.g. models/ls14/v1/model.keras)")
    if keras_file.suffix != ".keras" or not zipfile.is_zipfile(keras_file):
        raise ModelFileError(
            f"{keras_file} is not a .keras model file (the zip archive Keras 3 saves, e.g. models/ls14/v1/model.keras)"
        )
    import keras

    import lotto_models.modeling.networks  # noqa: F401  (registers the loss and layers for deserialisation)

    try:
        network = keras.saving.load_model(keras_file, compile=False, safe_mode=True)
    except (ValueError, KeyError) as error:  # Keras says why it cannot read the archive as a model
        raise ModelFileError(f"{keras_file}: Keras cannot load it as a model: {error}") from error
    export_saved_model(network, directory)
    return directory


def load_network_predictor(path: Path) -> Predictor:
    """Probabilities from a `.keras` file or a SavedModel directory (loaded once per process and file)."""
    return CACHE.get("predictor", path, file_signature(path), lambda: _load_network_predictor(path))


def _load_network_predictor(path: Path) -> Predictor:
    """Probabilities from a `.keras` file or a SavedModel directory."""
    if path.is_file():
        import keras

        import lotto_models.modeling.networks  # noqa: F401  (registers the loss and layers for deserialisation)

        model = keras.saving.load_model(path, compile=False, safe_mode=True)  # no arbitrary code
        return lambda inputs: _in_batches(lambda batch: model(batch, training=False), inputs)
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    return lambda inputs: _in_batches(lambda batch: loaded.serve(tf.constant(batch, dtype=tf.float32)), inputs)


def _in_batches(call: Callable[[np.ndarray], Any], inputs: np.ndarray, size: int = 1024) -> np.ndarray:
    """Eager calls in fixed-size batches (no per-shape retracing of a predict function); no inputs give no rows
    of the model's width (read from one call on a row of zeros: a network refuses an empty batch)."""
    parts = [np.asarray(call(inputs[i : i + size])) for i in range(0, len(inputs), size)]
    if not parts:
        parts = [np.asarray(call(np.zeros((1, *inputs.shape[1:]), dtype=np.float32)))[:0]]
    return np.concatenate(parts)


def load_predictor(spec: ModelSpec, artifact_dir: Path) -> Predictor:
    """A function from the model's inputs to probabilities, read from its saved artifact (either format)."""
    if spec.kind == "stat":
        return StatModel.load(artifact_dir).predict
    keras_file = artifact_dir / KERAS_ARTIFACT
    return load_network_predictor(keras_file if keras_file.exists() else artifact_dir / SAVED_MODEL)
