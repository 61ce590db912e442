"""Workspaces of another game than Lotofácil for the training and serving tests: the `workspace` fixture's empty
store opened for a game of the catalog, with short spans and the smoke profile so a network trains in seconds,
filled with seeded random draws of the game (extras included) or with its real history."""

from __future__ import annotations

import datetime as dt

import numpy as np

from lotto_models.core.draws import Draw, DrawExtras
from lotto_models.core.games import Game, game
from lotto_models.ingest.history_files import read_draw_file
from lotto_models.modeling.game_shape import GameShape
from lotto_models.workspace import Workspace, open_workspace
from tests.modeling.synthetic_games import random_numbers
from tests.shared_data import history_path

SHORT_SPANS = {"profile": "smoke", "holdout_draws": 60, "validation_draws": 40, "ensemble_draws": 40}
TEAMS = ("FLAMENGO/RJ", "PALMAS/TO", "SANTOS/SP", "VASCO/RJ")


def game_workspace(workspace: Workspace, name: str) -> Workspace:
    """`workspace`'s store opened for game `name`, with short spans and the smoke profile."""
    settings = workspace.settings.model_copy(update=SHORT_SPANS)
    return open_workspace(settings, game=game(name))


def random_draws(g: Game, draws: int, seed: int = 7) -> list[Draw]:
    """`draws` fair draws of `g` with its extras: trevos, month and team drawn uniformly."""
    rng = np.random.default_rng(seed + 1)
    numbers = random_numbers(GameShape.of(g), draws, seed)
    result = []
    for i, row in enumerate(numbers):
        extras = DrawExtras(
            second_draw=tuple(sorted(rng.choice(np.arange(1, 51), 6, replace=False).tolist())) if g.second_draw else (),
            trevos=tuple(sorted(rng.choice(np.arange(1, 7), 2, replace=False).tolist())) if g.trevos else (),
            month=int(rng.integers(1, 13)) if g.month else None,
            team=str(rng.choice(TEAMS)) if g.team else None,
        )
        day = dt.date(2000, 1, 1) + dt.timedelta(days=3 * i)
        result.append(Draw.checked(i + 1, day, tuple(int(n) for n in row), extras, game=g))
    return result


def filled(ws: Workspace, draws: int = 300, seed: int = 7) -> Workspace:
    """`ws` with `draws` random draws of its game stored."""
    ws.draws.seed(random_draws(ws.game, draws, seed), "test")
    return ws


def real_history(g: Game) -> list[Draw]:
    """The real history of `g` (shared data: callers carry `needs_shared_data`), every row a valid draw."""
    rows = read_draw_file(history_path(g), game=g)
    return [row.candidate.as_draw() for row in rows if row.candidate is not None and row.error is None]
