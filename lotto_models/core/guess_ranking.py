"""A guess's ranking: every number of the game's pool, best first, as the plan's ensemble ranked them.

The invariant the store keeps (`storage.prediction_book.PredictionBook.publish`): a ranking holds each number of
the pool once, and its first default-bet-size numbers are the published guess. The guess at a larger bet size
is then the ranking's first `size` numbers: the published guess plus the next-ranked ones, so every size
contains every smaller one. Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence

from lotto_models.core.errors import LotoflowError
from lotto_models.core.game_rules import Game


class InvalidRankingError(LotoflowError, ValueError):
    """A ranking that is not the pool's numbers once each, or whose head is not the guess it is stored with."""


def ranking_problems(game: Game, numbers: Sequence[int], ranking: Sequence[int]) -> list[str]:
    """What is wrong with `ranking` as the ranking of the guess `numbers` of `game`, in words; [] when it holds."""
    pool = set(range(game.numbers.lowest, game.numbers.highest + 1))
    problems = []
    if len(ranking) != len(pool) or set(ranking) != pool:
        problems.append(
            f"a {game.name} ranking holds each of {game.numbers.lowest}..{game.numbers.highest} once; got "
            f"{len(ranking)} numbers, {len(set(ranking) & pool)} of them distinct numbers of the pool"
        )
    head = set(ranking[: game.bet.default])
    if head != set(numbers):
        problems.append(
            f"the ranking's first {game.bet.default} numbers {sorted(head)} are not the guess {sorted(numbers)}"
        )
    return problems


def checked_ranking(game: Game, numbers: Sequence[int], ranking: Sequence[int]) -> list[int]:
    """`ranking` as a list of ints, or `InvalidRankingError` naming what breaks the invariant."""
    problems = ranking_problems(game, numbers, ranking)
    if problems:
        raise InvalidRankingError(f"{game.name} guess {sorted(numbers)}: " + "; ".join(problems))
    return [int(n) for n in ranking]


def guess_of_size(ranking: Sequence[int], size: int) -> list[int]:
    """The guess at a bet of `size` numbers: the ranking's first `size`, ascending."""
    return sorted(int(n) for n in ranking[:size])
