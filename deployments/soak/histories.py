"""The real history a soak replays, per game: Lotofácil's bundled one, another game's from the real histories
beside the checkout (`shared/data/games/<game>_draws.csv`, or the folder `LOTTO_TEST_SHARED_DATA` names, as the
tests find them): a development tool's input, never shipped."""

from __future__ import annotations

import os
from pathlib import Path

from deployments.loopback.checkout import ROOT
from lotto_models.core.draws import Draw
from lotto_models.core.errors import LotoflowError
from lotto_models.core.games import Game
from lotto_models.ingest.bundled_history import bundled_history, has_bundled_history
from lotto_models.ingest.history_files import read_draw_file

SHARED_DATA = Path(os.environ.get("LOTTO_TEST_SHARED_DATA", ROOT.parent / "shared" / "data"))


class NoSoakHistoryError(LotoflowError):
    """A soak of a game whose real history is not where the soak looks."""


def soak_history(game: Game) -> list[Draw]:
    """Every draw of `game`'s real history, in concurso order."""
    if has_bundled_history(game):
        return bundled_history(game)
    path = SHARED_DATA / "games" / f"{game.id}_draws.csv"
    if not path.is_file():
        raise NoSoakHistoryError(
            f"no real history of {game.name} at {path}: a soak of it replays that file "
            "(set LOTTO_TEST_SHARED_DATA to the folder holding games/)"
        )
    rows = read_draw_file(path, game)
    unreadable = [row.line for row in rows if row.candidate is None]
    if unreadable:
        raise NoSoakHistoryError(f"{path} has rows that are not draws (lines {unreadable[:5]})")
    return [row.candidate.as_draw() for row in rows if row.candidate is not None]
