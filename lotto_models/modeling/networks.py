"""Keras networks: short builders from a config to a compiled model, and the registered loss and layers.

Importing this module imports TensorFlow; the rest of lotto_models does not, so a run with nothing to
train stays fast. A network outputs a sigmoid probability per number of its game's pool (`NetworkConfig.game`,
Lotofácil's by default), starting at the calibrated constant forecast drawn/pool.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape  # noqa: E402


@dataclass(frozen=True)
class NetworkConfig:
    name: str
    window: int
    features: int | None = None  # per step; None: the draw alone (one per number of the pool)
    units: int = 64
    dropout: float = 0.2
    learning_rate: float = 1e-3
    positive_weight: float = 1.0
    heads: int = 2
    key_dim: int = 16
    kernel_size: int = 2  # tcn: each causal convolution sees a step and the one `dilation` steps before it
    head_features: list[int] = field(default_factory=list)  # stacked: step columns the head sees
    game: GameShape = LOTOFACIL_SHAPE  # the outputs: one per number of its pool

    @property
    def step_features(self) -> int:
        return self.game.pool if self.features is None else self.features

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


def _probabilities(x, game: GameShape) -> keras.KerasTensor:
    # Start at the calibrated constant forecast (p = drawn/pool for every number: Lotofácil's 15/25), the
    # honest baseline: the bias is its logit.
    start = keras.initializers.Constant(math.log(game.drawn / (game.pool - game.drawn)))
    return keras.layers.Dense(
        game.pool, activation="sigmoid", kernel_initializer="zeros", bias_initializer=start, name="probabilities"
    )(x)


def build_lstm(config: NetworkConfig) -> keras.Model:
    """LSTM over a window of draws → a sigmoid probability per number (ls15, ls14, ls15pp, ls14pp)."""
    inputs = keras.Input(shape=(config.window, config.step_features), name="window")
    x = keras.layers.LSTM(config.units, name="lstm")(inputs)
    x = keras.layers.Dropout(config.dropout)(x)
    return _compile(keras.Model(inputs, _probabilities(x, config.game), name=config.name), config)


def build_attention(config: NetworkConfig) -> keras.Model:
    """Self-attention over a long window of draws (ls17, research)."""
    inputs = keras.Input(shape=(config.window, config.step_features), name="window")
    x = keras.layers.Dense(config.units, name="embed")(inputs)
    x = PositionEmbedding(config.window, name="positions")(x)
    attended = keras.layers.MultiHeadAttention(config.heads, config.key_dim, name="attention")(x, x)
    x = keras.layers.LayerNormalization(name="norm")(x + attended)
    x = keras.layers.GlobalAveragePooling1D(name="pool")(x)
    x = keras.layers.Dropout(config.dropout)(x)
    return _compile(keras.Model(inputs, _probabilities(x, config.game), name=config.name), config)


def tcn_dilations(window: int, kernel_size: int) -> list[int]:
    """Dilations 1, 2, 4, … until the receptive field of the stack covers the whole window."""
    dilations: list[int] = []
    field = 1
    while field < window:
        dilation = 2 ** len(dilations)
        dilations.append(dilation)
        field += (kernel_size - 1) * dilation
    return dilations


def tcn_steps(window: int, dilations: list[int]) -> list[list[int]]:
    """For each block of the stack, the steps whose outputs are ever read: the newest step at the top, and
    below a block, the steps its outputs read (t and t - dilation). The first entry is what the first
    block reads (every step it reaches, from the projection)."""
    needed = [window - 1]
    per_block = [needed]
    for dilation in reversed(dilations):
        needed = sorted(set(needed) | {t - dilation for t in needed if t - dilation >= 0})
        per_block.append(needed)
    return per_block[::-1]


@keras.saving.register_keras_serializable(package="lotoflow")
class SelectSteps(keras.layers.Layer):
    """Keeps the given positions of the time axis."""

    def __init__(self, positions: list[int], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.positions = list(positions)

    def call(self, inputs):
        return keras.ops.take(inputs, self.positions, axis=1)

    def get_config(self) -> dict[str, object]:
        return {**super().get_config(), "positions": self.positions}


@keras.saving.register_keras_serializable(package="lotoflow")
class DilatedCausalSteps(keras.layers.Layer):
    """A causal convolution of kernel size 2 and dilation d (`Conv1D(padding="causal")`, the same kernel and
    bias), computed only at the steps `outputs_at` of the time axis: out[t] = relu(x[t-d]·K[0] + x[t]·K[1] + b),
    with x[t-d] = 0 before the window. The input's time axis holds the steps `inputs_at`."""

    def __init__(self, units: int, dilation: int, inputs_at: list[int], outputs_at: list[int], **kwargs: object):
        super().__init__(**kwargs)
        self.units, self.dilation = units, dilation
        self.inputs_at, self.outputs_at = list(inputs_at), list(outputs_at)
        where = {step: i for i, step in enumerate(self.inputs_at)}
        self._now = [where[t] for t in self.outputs_at]
        self._before = [where[t - dilation] if t >= dilation else 0 for t in self.outputs_at]
        self._inside = [[[1.0] if t >= dilation else [0.0] for t in self.outputs_at]]  # (1, steps, 1)

    def build(self, input_shape) -> None:
        shape = (2, input_shape[-1], self.units)  # Conv1D's kernel layout: [0] for x[t - d], [1] for x[t]
        self.kernel = self.add_weight(shape=shape, initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        ops = keras.ops
        now = ops.matmul(ops.take(inputs, self._now, axis=1), self.kernel[1])
        before = ops.matmul(ops.take(inputs, self._before, axis=1), self.kernel[0])
        inside = ops.convert_to_tensor(self._inside, dtype=before.dtype)
        return ops.relu(now + before * inside + self.bias)

    def get_config(self) -> dict[str, object]:
        return {
            **super().get_config(),
            "units": self.units,
            "dilation": self.dilation,
            "inputs_at": self.inputs_at,
            "outputs_at": self.outputs_at,
        }


def build_tcn(config: NetworkConfig) -> keras.Model:
    """A temporal convolutional network (ls18, research): residual blocks of dilated causal convolutions.

    Each block's output at step t depends on steps <= t only, and the dilations double until the newest
    step sees the whole window; the newest step's features feed the output layer. Only the newest step is
    read, so each block computes just the steps above it read (`tcn_steps`: 63 step outputs over the six
    blocks of a 60-draw window, where full convolutions compute 360) — the same function as a stack of
    `Conv1D(padding="causal")` with the same weights, in a quarter of the arithmetic.
    """
    if config.kernel_size != 2:
        raise ValueError(f"the TCN's convolutions have kernel size 2, not {config.kernel_size}")
    inputs = keras.Input(shape=(config.window, config.step_features), name="window")
    x = keras.layers.Conv1D(config.units, 1, name="project")(inputs)
    dilations = tcn_dilations(config.window, config.kernel_size)
    steps = tcn_steps(config.window, dilations)
    reads = list(range(config.window))
    for dilation, computes in zip(dilations, steps[1:], strict=True):
        y = DilatedCausalSteps(config.units, dilation, reads, computes, name=f"causal_conv_d{dilation}")(x)
        y = keras.layers.Dropout(config.dropout, name=f"dropout_d{dilation}")(y)
        kept = SelectSteps([reads.index(t) for t in computes], name=f"steps_d{dilation}")(x)
        x = keras.layers.Add(name=f"residual_d{dilation}")([kept, y])
        reads = computes
    x = LastStep(name="last_step")(x)
    return _compile(keras.Model(inputs, _probabilities(x, config.game), name=config.name), config)


def build_stacked(config: NetworkConfig, bases: dict[str, tuple[keras.Model, list[int] | None]]) -> keras.Model:
    """A head over frozen base models' outputs and the newest step's own features (ls16).

    `bases` maps a name to (model, the input columns it reads or None for all of them).
    """
    inputs = keras.Input(shape=(config.window, config.step_features), name="window")
    parts = [LastStep(name="last_step")(SelectFeatures(config.head_features, name="head_features")(inputs))]
    for name, (base, columns) in bases.items():
        base.trainable = False
        base_inputs = inputs if columns is None else SelectFeatures(columns, name=f"{name}_features")(inputs)
        parts.append(base(base_inputs))
    x = keras.layers.Concatenate(name="stack")(parts)
    x = keras.layers.Dense(config.units, activation="relu", name="head")(x)
    x = keras.layers.Dropout(config.dropout)(x)
    return _compile(keras.Model(inputs, _probabilities(x, config.game), name=config.name), config)
