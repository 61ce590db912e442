"""A plan's live record: its published guesses once scored, their mean hits and that mean's 95% interval,
the share of 11+ hits, and the range chance gives the mean of as many random guesses.

The one definition of these figures: the web service, `lotto status`, the run's artifacts and the run summary
all read a `LiveRecord`. Invariants, whatever the number of scored guesses:
- none scored: every figure is None ("no published guess has been scored yet");
- one scored: the mean is that guess's hits; its own interval is None (one value bounds nothing: shown as
  "not yet"); the chance range is the exact central range of one random guess's hits (`PER_GUESS_RANGE`,
  7-11), not the normal approximation, which is poor for a single whole number of hits;
- two or more: the interval is mean ± 1.96·sd/√n (sample sd), the chance range 9.0 ± 1.96·1.22/√n.
Another game's record is judged against its own chance (`RandomBaseline.of(game)`: Mega-Sena 0.6 hits), and
its "11+" share is the share of guesses whose hits win a prize tier (`GameShape.prize_hits`; Lotofácil's are
11..15, the same thing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.game_shape import GameShape
from lotto_models.modeling.random_baseline import LOTOFACIL_BASELINE, RandomBaseline

Z95 = 1.96


@dataclass(frozen=True)
class ScorePoint:
    """One scored guess of a plan: its concurso, its hits and the flow run that published it."""

    concurso: int
    hits: int
    flow_run_id: str | None


@dataclass(frozen=True)
class LiveRecord:
    plan: str
    scored: int  # published guesses whose draw is known
    mean_hits: float | None
    ci95: tuple[float, float] | None  # of the mean hits; None below two scored guesses
    share_11_plus: float | None
    share_11_plus_ci95: tuple[float, float] | None  # Wilson: honest at 0 or n successes
    chance_ci95: tuple[float, float] | None  # the mean hits of `scored` random guesses, 95% of the time

    @property
    def inside_chance(self) -> bool | None:
        """Whether the mean is inside the range chance gives it (None with no scored guess)."""
        if self.mean_hits is None or self.chance_ci95 is None:
            return None
        return self.chance_ci95[0] <= self.mean_hits <= self.chance_ci95[1]


def chance_interval(n: int, chance: RandomBaseline = LOTOFACIL_BASELINE) -> tuple[float, float]:
    """The range the mean hits of `n` random guesses (of `chance`'s game and bet) falls in 95% of the time:
    the exact central range of one guess's hits for n = 1, the normal approximation from two guesses."""
    if n < 1:
        raise ValueError(f"a chance range needs one guess or more, got {n}")
    if n == 1:
        low, high = chance.central_hits_range()
        return float(low), float(high)
    half = Z95 * chance.hits_sd / math.sqrt(n)
    return max(0.0, chance.hits - half), chance.hits + half  # no mean is below 0 hits (Mega-Sena's 0.6)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """The Wilson 95% interval of a share: honest at 0 or n successes, where the plain one collapses."""
    share, z2 = successes / n, Z95 * Z95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: Sequence[int]) -> tuple[float, float] | None:
    """The 95% interval of the mean of `values` (normal, sample sd); None below two values."""
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    half = Z95 * math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) / math.sqrt(n)
    return mean - half, mean + half


def live_record(plan: str, hits: Sequence[int], game: Game = LOTOFACIL) -> LiveRecord:
    """The live record of `game`'s plan `plan` whose scored guesses hit `hits`."""
    n = len(hits)
    if not n:
        return LiveRecord(plan, 0, None, None, None, None, None)
    shape = GameShape.of(game)
    eleven_plus = sum(h in shape.prize_hits for h in hits)  # Lotofácil's prize hits are 11..15
    return LiveRecord(
        plan=plan,
        scored=n,
        mean_hits=sum(hits) / n,
        ci95=mean_interval(hits),
        share_11_plus=eleven_plus / n,
        share_11_plus_ci95=wilson_interval(eleven_plus, n),
        chance_ci95=chance_interval(n, shape.baseline),
    )
