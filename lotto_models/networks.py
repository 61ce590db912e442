"""Keras networks: a builder from a config to a compiled model, and the registered weighted loss.

Importing this module imports TensorFlow; the rest of lotto_models does not, so a run with nothing to
train stays fast.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from lotto_models.draws import NUMBERS  # noqa: E402


@dataclass(frozen=True)
class NetworkConfig:
    window: int
    features: int = NUMBERS
    units: int = 64
    dropout: float = 0.2
    learning_rate: float = 1e-3
    positive_weight: float = 1.0

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


@keras.saving.register_keras_serializable(package="lotoflow")
class WeightedBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy with drawn numbers weighted by `positive_weight` (1.0 is plain, calibrated BCE)."""

    def __init__(self, positive_weight: float = 1.0, name: str = "weighted_bce", **kwargs: object) -> None:
        super().__init__(name=name, **kwargs)
        self.positive_weight = positive_weight

    def call(self, y_true, y_pred):  # type: ignore[no-untyped-def]
        ops = keras.ops
        y_pred = ops.clip(y_pred, 1e-7, 1 - 1e-7)
        y_true = ops.cast(y_true, y_pred.dtype)
        losses = -(self.positive_weight * y_true * ops.log(y_pred) + (1 - y_true) * ops.log(1 - y_pred))
        return ops.mean(losses, axis=-1)

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "positive_weight": self.positive_weight}


def build_lstm(config: NetworkConfig) -> keras.Model:
    """LSTM over a window of draws → 25 sigmoid probabilities."""
    inputs = keras.Input(shape=(config.window, config.features), name="window")
    x = keras.layers.LSTM(config.units, name="lstm")(inputs)
    x = keras.layers.Dropout(config.dropout)(x)
    outputs = keras.layers.Dense(NUMBERS, activation="sigmoid", name="probabilities")(x)
    model = keras.Model(inputs, outputs, name="lstm_lotofacil")
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss=WeightedBinaryCrossentropy(config.positive_weight),
    )
    return model
