"""Random draws standing in for draws not yet held: what the loopback CAIXA server publishes as new."""

from __future__ import annotations

import datetime as dt
import random

from lotto_models.core.draws import Draw


def synthetic_draws(after: Draw, count: int, seed: int = 7) -> list[Draw]:
    """`count` random draws following `after`, one day apart (stand-ins for draws not yet held)."""
    rng = random.Random(seed)
    return [
        Draw.checked(after.concurso + i, after.date + dt.timedelta(days=i), rng.sample(range(1, 26), 15))
        for i in range(1, count + 1)
    ]
