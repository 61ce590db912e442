"""What the modeling stage needs of a game: its numbers lowest..highest, how many a draw holds, how many a
guess bets, and which hits win a prize.

Features (a multi-hot of one column per number, number n in column n - lowest: Lotomania's 0..99 in columns
0..99), step widths, networks' input and output widths and output bias, the guess, the evaluation against
chance and the constant forecast are all built from a `GameShape`. `LOTOFACIL_SHAPE` (15 of 1..25, a
15-number guess, 11 to 15 hits win) is the default everywhere; its figures are the catalog's entry
(`core.games.LOTOFACIL`), written nowhere else. Standard library only: the catalog and the command line
import the feature sets, which carry it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

from lotto_models.core.games import LOTOFACIL, Game, game
from lotto_models.modeling.random_baseline import LOTOFACIL_BASELINE, RandomBaseline


@dataclass(frozen=True)
class GameShape:
    """A game's numbers as modeling sees them, and the size of the guess it is judged by."""

    game: str  # the catalog's id (`core.games.GAMES`)
    lowest: int
    highest: int
    drawn: int  # numbers per draw
    bet: int  # numbers per guess: the `bet` most probable
    columns: tuple[str, ...]  # a draw's numbers in frames: d1..d<drawn>
    prize_hits: tuple[int, ...]  # a guess's hits that win a tier of the draw (Lotomania: 0 and 15..20)

    @classmethod
    def of(cls, game: Game, bet: int | None = None) -> GameShape:
        """`game`'s shape with a guess of `bet` numbers (default: the game's default bet); raises
        `InvalidBetError` for a size the game does not allow."""
        numbers = game.numbers
        size = game.bet.default if bet is None else bet
        game.hits_distribution(size)  # refuses a bet size the game does not allow
        prize_hits = tuple(sorted({t.hits for t in game.tiers if t.hits is not None and t.draw == 1}))
        return cls(game.id, numbers.lowest, numbers.highest, numbers.drawn, size, numbers.csv_columns, prize_hits)

    @property
    def pool(self) -> int:
        """How many numbers there are: the width of a draw's multi-hot row and of a network's output."""
        return self.highest - self.lowest + 1

    @property
    def p(self) -> float:
        """Each number's chance to be drawn: the calibrated constant forecast."""
        return self.drawn / self.pool

    @property
    def mean_sum(self) -> float:
        """The expected sum of a draw's numbers (Lotofácil: 195)."""
        return self.drawn * (self.lowest + self.highest) / 2

    @property
    def sum_variance(self) -> Fraction:
        """The variance of a draw's sum, exactly (drawing without replacement; Lotofácil: 325, sd 18.03)."""
        pool, drawn = self.pool, self.drawn
        return Fraction(drawn * (pool * pool - 1) * (pool - drawn), 12 * (pool - 1))

    @property
    def features_identity(self) -> str:
        """What of the game a dataset depends on (its numbers, not the guess's size), for fingerprints."""
        return f"{self.game}:{self.lowest}..{self.highest}:{self.drawn}"

    @property
    def is_lotofacil(self) -> bool:
        """Whether the numbers are Lotofácil's: its datasets and models keep the identity they had before
        games were configurable, so they stay current."""
        return self.features_identity == LOTOFACIL_SHAPE.features_identity

    @property
    def baseline(self) -> RandomBaseline:
        """What a random guess of `bet` numbers scores: the figures the evaluation compares with."""
        return _baseline(self.game, self.bet)


@functools.cache
def _baseline(game_id: str, bet: int) -> RandomBaseline:
    if game_id == LOTOFACIL.id and bet == LOTOFACIL.bet.default:
        return LOTOFACIL_BASELINE  # the module constants' own object
    return RandomBaseline.of(game(game_id), bet)


LOTOFACIL_SHAPE = GameShape.of(LOTOFACIL)
