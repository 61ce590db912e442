"""Random draws of any game, seeded: frames with the columns a game's history has (concurso, date,
d1..d<drawn>, numbers ascending in lowest..highest), and their multi-hot targets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from lotto_models.modeling.game_shape import GameShape


def random_numbers(game: GameShape, draws: int, seed: int) -> np.ndarray:
    """Draws × drawn: each row `drawn` distinct numbers of lowest..highest, ascending, as a fair draw gives."""
    rng = np.random.default_rng(seed)
    columns = np.argsort(rng.random((draws, game.pool)), axis=1)[:, : game.drawn]
    return np.sort(columns, axis=1) + game.lowest


def random_frame(game: GameShape, draws: int, seed: int) -> pd.DataFrame:
    numbers = random_numbers(game, draws, seed)
    first = dt.date(2000, 1, 1)
    return pd.DataFrame(
        {
            "concurso": np.arange(1, draws + 1),
            "date": [first + dt.timedelta(days=3 * i) for i in range(draws)],
            **{column: numbers[:, i] for i, column in enumerate(game.columns)},
        }
    )


def random_targets(game: GameShape, draws: int, seed: int) -> np.ndarray:
    """Draws × pool multi-hot rows of random draws of `game`."""
    targets = np.zeros((draws, game.pool), dtype=np.float32)
    np.put_along_axis(targets, random_numbers(game, draws, seed) - game.lowest, 1.0, axis=1)
    return targets
