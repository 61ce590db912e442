"""Each number's frequency and delay (atraso), judged against the band chance gives them.

Players read "hot" and "cold" numbers off frequency and delay tables; here each figure comes with the range
a fair draw puts it in 95% of the time, so a number is shown inside or outside that band, never hot or cold
by eye. Under a fair draw a number is drawn with probability p = drawn / pool each time, independently of
the past: its count over n draws is binomial(n, p), and a delay (draws since last seen) of at least d has
probability (1 − p)^d. With 25 numbers judged at once, one or two outside a 95% band is what chance gives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from lotto_models.core.games import Game

COVERAGE = 0.95
RECENT_DRAWS = 100


@dataclass(frozen=True)
class Band:
    """The central range chance gives a figure, and whether the figure is inside it."""

    low: float
    high: float
    value: float

    @property
    def inside(self) -> bool:
        return self.low <= self.value <= self.high


@dataclass(frozen=True)
class NumberFigures:
    number: int
    count: int  # over every stored draw
    count_band: Band
    recent_count: int  # over the newest `recent_draws`
    recent_band: Band
    delay: int  # draws since it was last drawn (0: drawn in the newest draw)
    delay_band: Band  # 0 up to the delay chance exceeds only 5% of the time
    longest_delay: int  # the longest run of draws without it, anywhere in the history
    longest_delay_band: Band


@dataclass(frozen=True)
class NumbersReport:
    draws: int
    recent_draws: int
    probability: float  # of each number in one draw
    numbers: list[NumberFigures]

    @property
    def outside(self) -> list[int]:
        """Numbers with a figure outside its band."""
        return [
            f.number
            for f in self.numbers
            if not (
                f.count_band.inside and f.recent_band.inside and f.delay_band.inside and f.longest_delay_band.inside
            )
        ]

    @property
    def expected_outside(self) -> float:
        """How many numbers chance alone puts outside at least one of the four bands (at most, by the union)."""
        return expected_outside(len(self.numbers))


def expected_outside(numbers: int) -> float:
    """How many of `numbers` numbers chance alone puts outside at least one of their four bands (at most)."""
    return numbers * min(1.0, 4 * (1 - COVERAGE))


def binomial_band(n: int, p: float, value: int) -> Band:
    tail = (1 - COVERAGE) / 2
    return Band(float(stats.binom.ppf(tail, n, p)), float(stats.binom.ppf(1 - tail, n, p)), value)


def delay_band(p: float, value: int) -> Band:
    """Delays are one-sided: chance makes a delay of at least d with probability (1 − p)^d."""
    return Band(0, float(stats.geom.ppf(COVERAGE, p)) - 1, value)


def longest_delay_band(n: int, p: float, value: int) -> Band:
    """The longest gap of about n·p gaps, each geometric: P(longest < L) ≈ (1 − (1 − p)^L)^(n·p)."""
    gaps = max(1.0, n * p)
    tail = (1 - COVERAGE) / 2

    def quantile(q: float) -> float:  # (1 - (1-p)^L)^gaps = q  =>  L = log(1 - q^(1/gaps)) / log(1 - p)
        return math.log(1 - q ** (1 / gaps)) / math.log(1 - p)

    return Band(max(0.0, quantile(tail)), quantile(1 - tail), value)


def number_figures(game: Game, draws: Sequence[Sequence[int]], recent_draws: int = RECENT_DRAWS) -> NumbersReport:
    """The figures of every number of `game` over `draws` (each the main numbers drawn, oldest first)."""
    pool = range(game.numbers.lowest, game.numbers.highest + 1)
    p = game.numbers.drawn / game.numbers.pool
    n, recent = len(draws), min(recent_draws, len(draws))
    seen: dict[int, list[int]] = {number: [] for number in pool}  # the draw indices it appeared in
    for index, numbers in enumerate(draws):
        for number in numbers:
            if number in seen:
                seen[number].append(index)
    figures = []
    for number, indices in seen.items():
        count = len(indices)
        recent_count = sum(1 for i in indices if i >= n - recent)
        delay = n - 1 - indices[-1] if indices else n
        bounds = [-1, *indices, n]
        longest = max(b - a - 1 for a, b in zip(bounds[:-1], bounds[1:], strict=True))
        figures.append(
            NumberFigures(
                number=number,
                count=count,
                count_band=binomial_band(n, p, count),
                recent_count=recent_count,
                recent_band=binomial_band(recent, p, recent_count),
                delay=delay,
                delay_band=delay_band(p, delay),
                longest_delay=longest,
                longest_delay_band=longest_delay_band(n, p, longest),
            )
        )
    return NumbersReport(n, recent, p, figures)
