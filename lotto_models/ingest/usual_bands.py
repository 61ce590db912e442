"""The validation suite's warning bands per game: how far a draw's overlap with the previous draw, the sum
of its numbers and its count of odd numbers range under chance.

For every game but Lotofácil each band is the central 99.9% of the exact law of a random draw of the
game's numbers (`TAIL` = 0.05% left out on each side): the overlap of two independent draws is
hypergeometric (`NumberSet.hits_distribution` of a bet as large as the draw), the odd count is
hypergeometric over the pool's odd numbers, and the sum's law is counted exactly over every possible draw.
A real history of a few thousand draws thus shows a handful of warnings per band, never a rejection.

Lotofácil keeps the bands it was validated with before there were other games (overlap 6..13, sum
140..250, odd 4..12): they were set by hand, and its stored reports and quarantine reasons name them. The
central 99.9% would give 5..13, 139..251 and 4..12: the hand-set overlap band also warns on 5 in common
(0.09% of draws), and the sum band, a point narrower on each side, leaves out 0.12% of draws, not 0.09%.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from lotto_models.core.games import GAMES, LOTOFACIL, Game, NumberSet

TAIL = Fraction(1, 2000)  # left out on each side of a band: the central 99.9%


@dataclass(frozen=True)
class Band:
    lowest: int
    highest: int


@dataclass(frozen=True)
class UsualBands:
    """What is usual for one draw of a game; outside a band is a warning, never a rejection."""

    overlap: Band  # numbers in common with the previous draw
    sum: Band  # sum of the numbers
    odd: Band  # count of odd numbers


LOTOFACIL_BANDS = UsualBands(Band(6, 13), Band(140, 250), Band(4, 12))  # set by hand before issue 26: kept


def usual_bands(game: Game = LOTOFACIL) -> UsualBands:
    """The game's warning bands: Lotofácil's as they always were, the central 99.9% of chance for the others."""
    return LOTOFACIL_BANDS if game.id == LOTOFACIL.id else _central_bands(game.id)


def possible_bands(numbers: NumberSet) -> UsualBands:
    """The whole range of each figure for a draw of `numbers`: a band as wide as this one can never fail."""
    least, most = max(0, 2 * numbers.drawn - numbers.pool), numbers.drawn
    odd = len(_odd(numbers))
    return UsualBands(
        Band(least, most),
        Band(sum(range(numbers.lowest, numbers.lowest + numbers.drawn)), sum(_top(numbers))),
        Band(max(0, numbers.drawn - (numbers.pool - odd)), min(odd, numbers.drawn)),
    )


@functools.cache  # derived from the catalog, which does not change while the process runs
def _central_bands(game_id: str) -> UsualBands:
    numbers = GAMES[game_id].numbers
    odd = len(_odd(numbers))
    odd_law = [
        Fraction(
            math.comb(odd, k) * math.comb(numbers.pool - odd, numbers.drawn - k), math.comb(numbers.pool, numbers.drawn)
        )
        for k in range(numbers.drawn + 1)
    ]
    lowest_sum, sum_law = _sum_law(numbers)
    return UsualBands(
        central_band(numbers.hits_distribution(numbers.drawn), 0),
        central_band(sum_law, lowest_sum),
        central_band(odd_law, 0),
    )


def central_band(law: Sequence[Fraction], first: int, tail: Fraction = TAIL) -> Band:
    """The narrowest band of values `first`, `first + 1`, ... (with probabilities `law`) leaving out at most
    `tail` on each side."""
    below = above = Fraction(0)
    lowest, highest = first, first + len(law) - 1
    for value, p in enumerate(law, start=first):
        below += p
        if below > tail:
            lowest = value
            break
    for value, p in zip(range(first + len(law) - 1, first - 1, -1), reversed(law), strict=True):
        above += p
        if above > tail:
            highest = value
            break
    return Band(lowest, highest)


def _sum_law(numbers: NumberSet) -> tuple[int, list[Fraction]]:
    """The lowest possible sum and P(sum = lowest + i) for a draw of `numbers`, counted over every draw
    (ways[k][s]: the draws of k of the numbers seen so far that sum to s)."""
    drawn, top = numbers.drawn, sum(_top(numbers))
    ways = [[1] + [0] * top] + [[0] * (top + 1) for _ in range(drawn)]
    for value in range(numbers.lowest, numbers.highest + 1):
        for k in range(min(drawn, value - numbers.lowest + 1), 0, -1):
            ways[k] = ways[k][:value] + [a + b for a, b in zip(ways[k][value:], ways[k - 1], strict=False)]
    lowest = sum(range(numbers.lowest, numbers.lowest + drawn))
    total = math.comb(numbers.pool, drawn)
    return lowest, [Fraction(w, total) for w in ways[drawn][lowest:]]


def _odd(numbers: NumberSet) -> list[int]:
    return [n for n in range(numbers.lowest, numbers.highest + 1) if n % 2]


def _top(numbers: NumberSet) -> range:
    return range(numbers.highest - numbers.drawn + 1, numbers.highest + 1)
