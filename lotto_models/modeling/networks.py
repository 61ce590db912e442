"""Keras networks: short builders from a config to a compiled model, and the registered loss and layers.

Importing this module imports TensorFlow; the rest of lotto_models does not, so a run with nothing to
train stays fast.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from lotto_models.core.draws import NUMBERS, PER_DRAW  # noqa: E402


@dataclass(frozen=True)
class NetworkConfig:
    name: str
    window: int
    features: int = NUMBERS
    units: int = 64
    dropout: float = 0.2
    learning_rate: float = 1e-3
    positive_weight: float = 1.0
    heads: int = 2
    key_dim: int = 16
    head_features: list[int] = field(default_factory=list)  # stacked: step columns the head sees

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@keras.saving.register_keras_serializable(package="lotoflow")
class WeightedBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy with drawn numbers weighted by `positive_weight` (1.0 is plain, calibrated BCE)."""

    def __init__(self, positive_weight: float = 1.0, name: str = "weighted_bce", **kwargs: object) -> None:
        super().__init__(name=name, **kwargs)
        self.positive_weight = positive_weight

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
        y_true = ops.cast(y_true, y_pred.dtype)
        losses = -(self.positive_weight * y_true * ops.log(y_pred) + (1 - y_true) * ops.log(1 - y_pred))
        return ops.mean(losses, axis=-1)

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "positive_weight": self.positive_weight}


@keras.saving.register_keras_serializable(package="lotoflow")
class SelectFeatures(keras.layers.Layer):
    """Keeps the given feature columns of every step (e.g. the ls15pp columns of ls14pp inputs)."""

    def __init__(self, columns: list[int], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)

    def call(self, inputs):
        return keras.ops.take(inputs, self.columns, axis=-1)

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "columns": self.columns}


@keras.saving.register_keras_serializable(package="lotoflow")
class LastStep(keras.layers.Layer):
    """The newest step of a window."""

    def call(self, inputs):
        return inputs[:, -1, :]


@keras.saving.register_keras_serializable(package="lotoflow")
class PositionEmbedding(keras.layers.Layer):
    """A learned embedding per window position, added to the inputs."""

    def __init__(self, length: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.length = length

    def build(self, input_shape) -> None:
        self.positions = self.add_weight(shape=(self.length, input_shape[-1]), initializer="zeros", name="positions")

    def call(self, inputs):
        return inputs + self.positions

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "length": self.length}


def _compile(model: keras.Model, config: NetworkConfig) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss=WeightedBinaryCrossentropy(config.positive_weight),
    )
    return model


def _probabilities(x) -> keras.KerasTensor:
    # Start at the calibrated constant forecast (p = 15/25 for every number), the honest baseline.
    start = keras.initializers.Constant(math.log(PER_DRAW / (NUMBERS - PER_DRAW)))
    return keras.layers.Dense(NUMBERS, activation="sigmoid", bias_initializer=start, name="probabilities")(x)


def build_lstm(config: NetworkConfig) -> keras.Model:
    """LSTM over a window of draws → 25 sigmoid probabilities (ls15, ls14, ls15pp, ls14pp)."""
    inputs = keras.Input(shape=(config.window, config.features), name="window")
    x = keras.layers.LSTM(config.units, name="lstm")(inputs)
    x = keras.layers.Dropout(config.dropout)(x)
    return _compile(keras.Model(inputs, _probabilities(x), name=config.name), config)


def build_attention(config: NetworkConfig) -> keras.Model:
    """Self-attention over a long window of draws (ls17, research)."""
    inputs = keras.Input(shape=(config.window, config.features), name="window")
    x = keras.layers.Dense(config.units, name="embed")(inputs)
    x = PositionEmbedding(config.window, name="positions")(x)
    attended = keras.layers.MultiHeadAttention(config.heads, config.key_dim, name="attention")(x, x)
    x = keras.layers.LayerNormalization(name="norm")(x + attended)
    x = keras.layers.GlobalAveragePooling1D(name="pool")(x)
    x = keras.layers.Dropout(config.dropout)(x)
    return _compile(keras.Model(inputs, _probabilities(x), name=config.name), config)


def build_stacked(config: NetworkConfig, bases: dict[str, tuple[keras.Model, list[int] | None]]) -> keras.Model:
    """A head over frozen base models' outputs and the newest step's own features (ls16).

    `bases` maps a name to (model, the input columns it reads or None for all of them).
    """
    inputs = keras.Input(shape=(config.window, config.features), name="window")
    parts = [LastStep(name="last_step")(SelectFeatures(config.head_features, name="head_features")(inputs))]
    for name, (base, columns) in bases.items():
        base.trainable = False
        base_inputs = inputs if columns is None else SelectFeatures(columns, name=f"{name}_features")(inputs)
        parts.append(base(base_inputs))
    x = keras.layers.Concatenate(name="stack")(parts)
    x = keras.layers.Dense(config.units, activation="relu", name="head")(x)
    x = keras.layers.Dropout(config.dropout)(x)
    return _compile(keras.Model(inputs, _probabilities(x), name=config.name), config)
