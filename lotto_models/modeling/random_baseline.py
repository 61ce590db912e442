"""What chance gives, the constants every evaluation compares with (and nothing else defines).

Under randomness a 15-number guess hits a hypergeometric number of the 15 drawn: mean 9.0, sd 1.22, and
P(hits >= 11) = 10.6%. A per-number probability of 15/25 = 0.6 is the best calibrated constant forecast.
Plain arithmetic, so the command line and the stores can quote them without numpy.
"""

from __future__ import annotations

import math

from lotto_models.core.draws import NUMBERS, PER_DRAW

BASELINE_P = PER_DRAW / NUMBERS
BASELINE_HITS = PER_DRAW * PER_DRAW / NUMBERS
BASELINE_HITS_SD = math.sqrt(
    PER_DRAW * (PER_DRAW / NUMBERS) * (1 - PER_DRAW / NUMBERS) * (NUMBERS - PER_DRAW) / (NUMBERS - 1)
)
BASELINE_BCE = -(BASELINE_P * math.log(BASELINE_P) + (1 - BASELINE_P) * math.log(1 - BASELINE_P))
BASELINE_BRIER = BASELINE_P * (1 - BASELINE_P)


def hits_pmf() -> list[float]:
    """P(hits = k) for k = 0..15 of a random 15-number guess (hypergeometric)."""
    total = math.comb(NUMBERS, PER_DRAW)
    return [math.comb(PER_DRAW, k) * math.comb(NUMBERS - PER_DRAW, PER_DRAW - k) / total for k in range(PER_DRAW + 1)]


BASELINE_SHARE_11_PLUS = sum(hits_pmf()[11:])


def central_hits_range(coverage: float = 0.95) -> tuple[int, int]:
    """The hits one random guess lands in with at least `coverage` probability, cutting at most half of the
    rest from each tail (7-11 for Lotofácil: 96.6%)."""
    pmf, tail = hits_pmf(), (1 - coverage) / 2
    low = next(k for k in range(len(pmf)) if sum(pmf[: k + 1]) > tail)
    high = next(k for k in range(len(pmf)) if sum(pmf[: k + 1]) >= 1 - tail)
    return low, high


PER_GUESS_RANGE = central_hits_range()
