"""Time-ordered splits of a dataset: train, validation, weights, then holdout.

- train: what networks fit on;
- validation: early stopping, and what `stat` and the `ls16` head fit on;
- weights: what the plan ensembles fit their member weights on — no member fits on it, so every member's
  output there is out of sample and none wins weight for having memorised it;
- holdout: the latest draws, never used for fitting, early stopping or weights.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Splits:
    train: slice
    validation: slice
    weights: slice
    holdout: slice


def time_splits(samples: int, holdout: int, validation: int, weights: int) -> Splits:
    """Holdout = the last `holdout` samples, weights the `weights` before them, validation the `validation`
    before those, train the rest.

    Short histories (tests, new games) shrink the three so that more than a third is left to train on.
    """
    if samples < 8:
        raise ValueError(f"need at least 8 samples to split, have {samples}")
    holdout = max(1, min(holdout, samples // 4))
    validation = max(1, min(validation, samples // 4))
    weights = max(1, min(weights, samples // 8))
    weights_start = samples - holdout - weights
    train_end = weights_start - validation
    return Splits(
        slice(0, train_end),
        slice(train_end, weights_start),
        slice(weights_start, samples - holdout),
        slice(samples - holdout, samples),
    )
