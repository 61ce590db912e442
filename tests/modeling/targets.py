"""Multi-hot targets of random Lotofácil draws (15 of 25), seeded: what a holdout of a fair machine looks like."""

from __future__ import annotations

import numpy as np


def random_targets(n: int, seed: int = 0) -> np.ndarray:
    """`n` × 25 rows, each with 15 ones at random."""
    rng = np.random.default_rng(seed)
    targets = np.zeros((n, 25), dtype=np.float32)
    for row in targets:
        row[rng.choice(25, 15, replace=False)] = 1
    return targets
