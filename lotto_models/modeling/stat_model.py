"""The statistical model (estatístico): a logistic regression on frequency and delay, no network.

One set of four weights is shared by every number of the game's pool: bias, all-time frequency, recent
frequency and log(1 + delay since last seen), so the model fits any game. The weights are fit on the validation span.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARTIFACT = "stat_model.json"


@dataclass(frozen=True)
class StatModel:
    weights: tuple[float, ...]

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """Probabilities (samples × pool) from stat features (samples × pool × 3)."""
        w = np.asarray(self.weights)
        logits = w[0] + inputs.astype(np.float64) @ w[1:]
        return (1 / (1 + np.exp(-logits))).astype(np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ARTIFACT).write_text(json.dumps({"weights": list(self.weights)}, indent=2))

    @classmethod
    def load(cls, directory: Path) -> StatModel:
        return cls(tuple(float(w) for w in json.loads((directory / ARTIFACT).read_text())["weights"]))


def fit_stat_model(inputs: np.ndarray, targets: np.ndarray, ridge: float = 1e-3, iterations: int = 30) -> StatModel:
    """Maximum-likelihood weights by Newton's method (a small ridge keeps it well posed)."""
    x = inputs.reshape(-1, inputs.shape[-1]).astype(np.float64)
    x = np.hstack([np.ones((len(x), 1)), x])
    y = targets.reshape(-1).astype(np.float64)
    w = np.zeros(x.shape[1])
    w[0] = np.log(y.mean() / (1 - y.mean()))
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + ridge * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return StatModel(tuple(float(v) for v in w))
