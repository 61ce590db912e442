"""What chance gives, the figures every evaluation compares with (and nothing else defines), per game.

Under randomness a bet of b numbers hits a hypergeometric number of the d drawn of a pool of n: mean b·d/n.
For Lotofácil's 15-number guess: mean 9.0, sd 1.22, and P(hits >= 11) = 10.6%. A per-number probability of
d/n (15/25 = 0.6) is the best calibrated constant forecast. `RandomBaseline.of(game)` gives a game's figures
for its default bet; the module constants are Lotofácil's. Plain arithmetic, so the command line and the
stores can quote them without numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lotto_models.core.games import LOTOFACIL, Game


@dataclass(frozen=True)
class RandomBaseline:
    """A random bet of `bet` numbers in `game`: its hits' law, and the constant forecast's losses."""

    game: str
    pool: int
    drawn: int
    bet: int
    pmf: tuple[float, ...]  # P(hits = k), k = 0..min(bet, drawn)
    share_any_prize: float  # P(a hits tier of one draw; +Milionária's with its trevos); month and team aside
    hits: float  # the catalog's mean (`Game.baseline_hits`), one definition of the law's figures
    hits_sd: float  # and its sd (`Game.baseline_hits_sd`)

    @classmethod
    def of(cls, game: Game, bet: int | None = None) -> RandomBaseline:
        size = game.bet.default if bet is None else bet
        pmf = tuple(float(p) for p in game.hits_distribution(size))
        tiers = {t.hits for t in game.tiers if t.hits is not None and t.draw == 1}
        # +Milionária's tiers also ask for trevos: 1 - the catalog's no-prize probability. Every other game sums its
        # hits tiers, as it always did: Lotofácil's figure, stored in every model version's holdout metrics and
        # quoted by the API, stays the same to the last bit (the subtraction differs from it by 2e-17)
        prize = (
            1 - float(game.no_prize_probability(size))
            if game.trevos is not None
            else sum(p for k, p in enumerate(pmf) if k in tiers)
        )
        return cls(
            game.id, game.numbers.pool, game.numbers.drawn, size, pmf, prize,
            game.baseline_hits(size), game.baseline_hits_sd(size),
        )  # fmt: skip

    @property
    def p(self) -> float:
        """Each number's chance to be drawn: the best calibrated constant forecast."""
        return self.drawn / self.pool

    @property
    def bce(self) -> float:
        """The constant forecast's binary cross-entropy per number (nats)."""
        return -(self.p * math.log(self.p) + (1 - self.p) * math.log(1 - self.p))

    @property
    def brier(self) -> float:
        return self.p * (1 - self.p)

    def share_at_least(self, hits: int) -> float:
        return sum(self.pmf[hits:])

    def central_hits_range(self, coverage: float = 0.95) -> tuple[int, int]:
        """The hits one random bet lands in with at least `coverage` probability, cutting at most half of the
        rest from each tail (7-11 for Lotofácil: 96.6%)."""
        tail = (1 - coverage) / 2
        low = next(k for k in range(len(self.pmf)) if sum(self.pmf[: k + 1]) > tail)
        high = next(k for k in range(len(self.pmf)) if sum(self.pmf[: k + 1]) >= 1 - tail)
        return low, high


LOTOFACIL_BASELINE = RandomBaseline.of(LOTOFACIL)

BASELINE_P = LOTOFACIL_BASELINE.p
BASELINE_HITS = LOTOFACIL_BASELINE.hits
BASELINE_HITS_SD = LOTOFACIL_BASELINE.hits_sd
BASELINE_BCE = LOTOFACIL_BASELINE.bce
BASELINE_BRIER = LOTOFACIL_BASELINE.brier
BASELINE_SHARE_11_PLUS = LOTOFACIL_BASELINE.share_at_least(11)


def hits_pmf() -> list[float]:
    """P(hits = k) for k = 0..15 of a random 15-number Lotofácil guess (hypergeometric)."""
    return list(LOTOFACIL_BASELINE.pmf)


def central_hits_range(coverage: float = 0.95) -> tuple[int, int]:
    """Lotofácil's `RandomBaseline.central_hits_range`."""
    return LOTOFACIL_BASELINE.central_hits_range(coverage)


PER_GUESS_RANGE = central_hits_range()
