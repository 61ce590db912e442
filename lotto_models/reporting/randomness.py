"""Are the stored draws what a fair draw gives? Three tests, corrected for testing three times (Holm).

A result outside chance after the correction would be news about the draw machine (or about the stored
history: a typo, a wrong import), never about a model; it raises an alert.

- **Frequencies** (χ²): each number's count against n·p. A draw takes k distinct numbers of N, so the
  counts are not independent: the plain statistic averages N − k instead of N − 1, and is scaled by
  (N − 1)/(N − k) to follow χ² with N − 1 degrees of freedom.
- **Overlap with the previous draw** (χ² goodness of fit): how many numbers a draw shares with the one
  before follows the hypergeometric law (k of N against k drawn); bins with fewer than 5 expected merged.
- **Runs** (Wald–Wolfowitz): the draws' sums above or below their median, in draw order; too few runs
  means streaks, too many means alternation: both would say draws depend on each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lotto_models.core.games import Game

ALPHA = 0.05


@dataclass(frozen=True)
class RandomnessTest:
    name: str
    statistic: float
    p_value: float
    holm_p_value: float
    outside_chance: bool  # after the Holm correction, at ALPHA
    words: str  # what it means, for a player


@dataclass(frozen=True)
class RandomnessReport:
    draws: int
    alpha: float
    tests: list[RandomnessTest]

    @property
    def outside_chance(self) -> list[RandomnessTest]:
        return [t for t in self.tests if t.outside_chance]

    def summary(self) -> str:
        if self.outside_chance:
            names = ", ".join(t.name for t in self.outside_chance)
            return (
                f"{names}: outside what a fair draw gives, even after correcting for running {len(self.tests)} "
                "tests. That would be news about the draws or the stored history, not a way to win."
            )
        return (
            f"All {len(self.tests)} tests are within what a fair draw gives over {self.draws} draws: nothing here "
            "tells one number from another."
        )


def frequency_test(game: Game, draws: Sequence[Sequence[int]]) -> tuple[float, float]:
    pool, drawn = game.numbers.pool, game.numbers.drawn
    counts = np.zeros(pool)
    for numbers in draws:
        for number in numbers:
            counts[number - game.numbers.lowest] += 1
    expected = len(draws) * drawn / pool
    statistic = float(((counts - expected) ** 2 / expected).sum()) * (pool - 1) / (pool - drawn)
    return statistic, chi2_sf(statistic, pool - 1)


def overlap_test(game: Game, draws: Sequence[Sequence[int]]) -> tuple[float, float]:
    pool, drawn = game.numbers.pool, game.numbers.drawn
    overlaps = [len(set(a) & set(b)) for a, b in zip(draws[:-1], draws[1:], strict=True)]
    total = math.comb(pool, drawn)
    law = [math.comb(drawn, k) * math.comb(pool - drawn, drawn - k) / total for k in range(drawn + 1)]
    expected = np.array(law) * len(overlaps)
    observed = np.bincount(overlaps, minlength=drawn + 1).astype(float)
    bins_o, bins_e, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(observed, expected, strict=True):  # merge sparse bins, lowest first, then the tail
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= 5:
            bins_o.append(acc_o)
            bins_e.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e and bins_e:
        bins_o[-1] += acc_o
        bins_e[-1] += acc_e
    statistic = float(sum((o - e) ** 2 / e for o, e in zip(bins_o, bins_e, strict=True)))
    return statistic, chi2_sf(statistic, max(1, len(bins_e) - 1))


def runs_test(draws: Sequence[Sequence[int]]) -> tuple[float, float]:
    sums = np.array([sum(numbers) for numbers in draws], dtype=float)
    above = sums[sums != np.median(sums)] > np.median(sums)
    n1, n2 = int(above.sum()), int((~above).sum())
    runs = 1 + int((above[1:] != above[:-1]).sum())
    mean = 2 * n1 * n2 / (n1 + n2) + 1
    variance = 2 * n1 * n2 * (2 * n1 * n2 - n1 - n2) / ((n1 + n2) ** 2 * (n1 + n2 - 1))
    z = (runs - mean) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))  # two-sided normal tail


def chi2_sf(x: float, df: int) -> float:
    """P(χ²(df) ≥ x), exactly, by the closed forms of the upper regularized gamma function at df/2 (a whole
    or half number): no scipy.stats, whose import alone (1.4 s) would double a run's checks."""
    if x <= 0:
        return 1.0
    half = x / 2
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, df // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    tail, term = math.erfc(math.sqrt(half)), math.sqrt(half) / math.gamma(1.5)
    total = 0.0
    for i in range((df - 1) // 2):
        total += term
        term *= half / (i + 1.5)
    return min(1.0, tail + math.exp(-half) * total)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


MIN_DRAWS = 30  # below this the tests' approximations are too rough to judge anything


def randomness_report(game: Game, draws: Sequence[Sequence[int]], alpha: float = ALPHA) -> RandomnessReport:
    """The three tests on `draws` (each the main numbers drawn, oldest first), Holm-corrected at `alpha`."""
    if len(draws) < MIN_DRAWS:
        raise ValueError(f"the tests need at least {MIN_DRAWS} draws, there are {len(draws)}")
    results = [
        ("number frequencies", *frequency_test(game, draws)),
        ("overlap with the previous draw", *overlap_test(game, draws)),
        ("runs of high and low sums", *runs_test(draws)),
    ]
    adjusted = holm([p for _, _, p in results])
    tests = []
    for (name, statistic, p), holm_p in zip(results, adjusted, strict=True):
        outside = holm_p < alpha
        verdict = (
            f"outside chance (p = {holm_p:.3g} after correction): a fair draw would give this less than "
            f"{alpha:.0%} of the time"
            if outside
            else f"as a fair draw gives (p = {holm_p:.2f} after correction for {len(results)} tests)"
        )
        tests.append(RandomnessTest(name, statistic, p, holm_p, outside, verdict))
    return RandomnessReport(len(draws), alpha, tests)
