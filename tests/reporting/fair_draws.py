"""Draws of a fair machine, seeded: the chance the players' figures are judged against."""

from __future__ import annotations

import numpy as np


def fair_draws(count: int, seed: int, pool: int = 25, drawn: int = 15) -> list[list[int]]:
    """`count` draws of `drawn` distinct numbers of 1..`pool`, each ascending."""
    rng = np.random.default_rng(seed)
    return [sorted(int(n) + 1 for n in rng.choice(pool, drawn, replace=False)) for _ in range(count)]
