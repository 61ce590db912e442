"""A guess's extras: what a game draws beside its main numbers and a bet picks too — +Milionária's two trevos
of 1..6, Dia de Sorte's month, Timemania's team. Dupla Sena needs none: one bet of numbers plays both draws.

Each is guessed by frequency: the most frequent in the stored history (ties: the lower number, the name first
in alphabetical order). The draws are random, so this has no edge: it is the frequency model's pick, said
plainly, and it is scored against the draw like the numbers (`extra_hits`). Team names are compared with
case and whitespace folded (CAIXA pads and respells them over the years: `core.game_rules.TeamPart`).
"""

from __future__ import annotations

from collections import Counter
from typing import TypeVar

import pandas as pd

from lotto_models.core.games import Game
from lotto_models.core.guess_extras import GuessExtras, fold_team

MONTH_COLUMN = "month"  # the draw frame's names (`DrawStore.frame`) of the history file's `mes` and `time`
TEAM_COLUMN = "team"

T = TypeVar("T", int, str)


def guess_extras(game: Game, frame: pd.DataFrame) -> GuessExtras:
    """`game`'s extras by frequency over the draws of `frame` (the stored history); empty when the game has
    none or no draw is stored."""
    if frame.empty:
        return GuessExtras()
    trevos: tuple[int, ...] = ()
    if game.trevos is not None:
        columns = list(game.trevos.csv_columns)
        counts = Counter(int(t) for t in frame[columns].to_numpy().ravel())
        ranked = sorted(counts, key=lambda trevo: (-counts[trevo], trevo))
        trevos = tuple(sorted(ranked[: game.trevo_bet.default if game.trevo_bet else game.trevos.drawn]))
    month = _most_frequent([int(m) for m in frame[MONTH_COLUMN].dropna()]) if game.month is not None else None
    team = _most_frequent([fold_team(str(t)) for t in frame[TEAM_COLUMN].dropna()]) if game.team is not None else None
    return GuessExtras(trevos, month, team)


def _most_frequent(values: list[T]) -> T | None:
    counts = Counter(values)
    return min(counts, key=lambda value: (-counts[value], value)) if counts else None
