"""Time-ordered splits of a dataset: train, then validation (early stopping, fitting `stat`), then holdout.

The holdout is the latest draws and is never used for fitting or early stopping.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Splits:
    train: slice
    validation: slice
    holdout: slice


def time_splits(samples: int, holdout: int, validation: int) -> Splits:
    """Holdout = the last `holdout` samples, validation the `validation` before them, train the rest.

    Short histories (tests, new games) shrink both so that half the samples are still left to train on.
    """
    if samples < 4:
        raise ValueError(f"need at least 4 samples to split, have {samples}")
    holdout = max(1, min(holdout, samples // 4))
    validation = max(1, min(validation, samples // 4))
    train_end = samples - holdout - validation
    return Splits(slice(0, train_end), slice(train_end, samples - holdout), slice(samples - holdout, samples))
