"""Holdout metrics of a model against the random baseline, and the checks a promotable model passes.

A model is judged by its guess: the `bet` most probable numbers of its game (`GameShape`, Lotofácil's
15-number guess by default; Lotomania bets 50 of 100 against 20 drawn). The random baseline's figures are
`modeling.random_baseline`'s for that game and bet (its module constants for Lotofácil).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape
from lotto_models.modeling.random_baseline import (
    BASELINE_BCE,
    BASELINE_BRIER,
    BASELINE_HITS,
    BASELINE_SHARE_11_PLUS,
)
from lotto_models.modeling.random_baseline import BASELINE_HITS_SD as BASELINE_HITS_SD  # re-exported

LEAKAGE_STANDARD_ERRORS = 3.0
EPSILON = 1e-7


def hypergeometric_hits_pmf(game: GameShape = LOTOFACIL_SHAPE) -> np.ndarray:
    """P(hits = k) for k = 0..min(bet, drawn) of a random guess of `game` (Lotofácil: 15 numbers, 0..15)."""
    return np.array(game.baseline.pmf)


@dataclass(frozen=True)
class HoldoutMetrics:
    draws: int
    bce: float
    brier: float
    mean_hits: float
    hits_ci95_low: float
    hits_ci95_high: float
    share_11_plus: float  # of draws whose guess wins a prize (Lotofácil: 11+ hits; the stored name stays)
    leakage_suspected: bool
    hits_histogram: tuple[int, ...] = ()  # how many holdout draws had k hits, k = 0..min(bet, drawn)
    baseline_bce: float = BASELINE_BCE
    baseline_brier: float = BASELINE_BRIER
    baseline_hits: float = BASELINE_HITS
    baseline_share_11_plus: float = BASELINE_SHARE_11_PLUS

    def as_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> HoldoutMetrics:
        known = {f.name for f in fields(cls)}
        kept = {k: v for k, v in values.items() if k in known}
        kept["hits_histogram"] = tuple(kept.get("hits_histogram", ()))
        return cls(**kept)

    def verdict(self) -> str:
        """One honest sentence on how the model compares with chance."""
        if self.leakage_suspected:
            return (
                f"mean hits {self.mean_hits:.2f} is more than {LEAKAGE_STANDARD_ERRORS:.0f} standard errors above "
                f"the random {self.baseline_hits:.1f}: suspected leakage, not skill"
            )
        measured = (
            f"mean hits {self.mean_hits:.2f} (95% CI {self.hits_ci95_low:.2f}–{self.hits_ci95_high:.2f}) over "
            f"{self.draws} holdout draws"
        )
        if self.hits_ci95_low <= self.baseline_hits <= self.hits_ci95_high:
            return f"{measured}, consistent with the random {self.baseline_hits:.1f}"
        side = "below" if self.mean_hits < self.baseline_hits else "above"
        # a 95% interval misses the truth one time in 20: with eight models judged on every run, a miss on
        # either side is what chance gives (a miss beyond 3 standard errors upward is flagged as leakage)
        return (
            f"{measured}: its interval falls just {side} the random {self.baseline_hits:.1f}, as one 95% interval "
            "in 20 does by chance; the draws are random, so this is luck, not skill"
        )


def _guess_columns(probabilities: np.ndarray, bet: int) -> np.ndarray:
    """The columns of each row's `bet` most probable numbers, most probable first (ties: lower number)."""
    return np.argsort(-probabilities, axis=1, kind="stable")[:, :bet]


def guess_numbers(probabilities: np.ndarray, game: GameShape = LOTOFACIL_SHAPE) -> np.ndarray:
    """Each row's guess (rows × bet): `game`'s `bet` most probable numbers, ascending, as the game numbers
    them (column c is number lowest + c: Lotomania's guesses may hold 0)."""
    return np.sort(_guess_columns(probabilities, game.bet), axis=1) + game.lowest


def guess_hits(probabilities: np.ndarray, targets: np.ndarray, game: GameShape = LOTOFACIL_SHAPE) -> np.ndarray:
    """Hits of each row's guess (the `bet` most probable numbers) against the drawn ones."""
    top = _guess_columns(probabilities, game.bet)
    return np.take_along_axis(targets, top, axis=1).sum(axis=1).astype(int)


def evaluate_holdout(
    probabilities: np.ndarray, targets: np.ndarray, game: GameShape = LOTOFACIL_SHAPE
) -> HoldoutMetrics:
    """The holdout's losses and the hits of `game`'s guess, against a random guess of the same size."""
    baseline = game.baseline
    p = np.clip(probabilities.astype(np.float64), EPSILON, 1 - EPSILON)
    y = targets.astype(np.float64)
    bce = float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    brier = float(((p - y) ** 2).mean())
    hits = guess_hits(probabilities, targets, game)
    n = len(hits)
    mean = float(hits.mean())
    se = float(hits.std(ddof=1) / math.sqrt(n)) if n > 1 else float("inf")
    null_se = baseline.hits_sd / math.sqrt(n)
    return HoldoutMetrics(
        draws=n,
        bce=bce,
        brier=brier,
        mean_hits=mean,
        hits_ci95_low=mean - 1.96 * se,
        hits_ci95_high=mean + 1.96 * se,
        share_11_plus=float(np.isin(hits, game.prize_hits).mean()),
        leakage_suspected=mean > baseline.hits + LEAKAGE_STANDARD_ERRORS * null_se,
        hits_histogram=tuple(int(c) for c in np.bincount(hits, minlength=len(baseline.pmf))),
        baseline_bce=baseline.bce,
        baseline_brier=baseline.brier,
        baseline_hits=baseline.hits,
        baseline_share_11_plus=baseline.share_any_prize,
    )


def invalid_output_reason(probabilities: np.ndarray, game: GameShape = LOTOFACIL_SHAPE) -> str | None:
    """Why these outputs cannot serve (None when they can): finite, in [0, 1], summing to about the game's
    `drawn` per draw (within a tenth of it: Lotofácil's 15 ± 1.5)."""
    if probabilities.size == 0:
        return "no outputs"
    if not np.all(np.isfinite(probabilities)):
        return "outputs are not all finite (NaN or infinity)"
    if probabilities.min() < 0 or probabilities.max() > 1:
        return f"outputs outside [0, 1]: min {probabilities.min():.3f}, max {probabilities.max():.3f}"
    mean_sum = float(probabilities.sum(axis=1).mean())
    if abs(mean_sum - game.drawn) > game.drawn / 10:
        return f"outputs sum to {mean_sum:.2f} per draw on average, expected about {game.drawn}"
    return None
