"""Plan ensembles: which champions a plan combines, how their probabilities become one guess, and the
`odd_even` selection (ímpares-pares), which is not a scorer but a constraint on the guess.

The guess is the game's default bet of its most probable numbers (`GameShape`: Lotofácil's 15 of 1..25,
Lotomania's 50 of 0..99). `odd_even` is Lotofácil's alone (`core.plans`): its functions read 15 of 1..25."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lotto_models.core.draws import NUMBERS, PER_DRAW
from lotto_models.core.plans import Plan
from lotto_models.modeling.comparison import paired_interval, per_draw_log_loss
from lotto_models.modeling.evaluation import guess_numbers
from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape
from lotto_models.modeling.intervals import CONFIDENCE

ODD = np.arange(1, NUMBERS + 1) % 2 == 1
ODD_RANGE_COVERAGE = 2 / 3


@dataclass(frozen=True)
class EnsembleOutput:
    probabilities: np.ndarray
    weights: dict[str, float]
    missing: tuple[str, ...]

    @property
    def degraded(self) -> bool:
        return bool(self.missing)


def combine(
    plan: Plan, member_probabilities: Mapping[str, np.ndarray], weights: Mapping[str, float] | None = None
) -> EnsembleOutput:
    """Weighted mean of the members that have probabilities; missing members re-weight over the rest."""
    present = [m for m in plan.members if m in member_probabilities]
    missing = tuple(m for m in plan.members if m not in member_probabilities)
    if not present:
        raise ValueError(f"plan {plan.name}: none of its members {list(plan.members)} has a model to serve")
    raw = {m: float((weights or {}).get(m, 1.0)) for m in present}
    total = sum(raw.values()) or len(present)
    used = {m: raw[m] / total for m in present}
    probabilities = sum(used[m] * np.asarray(member_probabilities[m], dtype=np.float64) for m in present)
    return EnsembleOutput(np.asarray(probabilities), used, missing)


def guess_from(probabilities: np.ndarray, game: GameShape = LOTOFACIL_SHAPE) -> list[int]:
    """`game`'s bet of its most probable numbers, ascending, as the game numbers them (Lotofácil: 15 of 1..25;
    ties: the lower number). Raises `ValueError` when there is not one probability per number of the game."""
    row = np.asarray(probabilities).reshape(1, -1)
    if row.shape[1] != game.pool:
        raise ValueError(f"{row.shape[1]} probabilities for {game.game}'s {game.pool} numbers")
    return [int(n) for n in guess_numbers(row, game)[0]]


def ranking_from(probabilities: np.ndarray, guess: list[int], game: GameShape = LOTOFACIL_SHAPE) -> list[int]:
    """Every number of `game`'s pool, best first: the guess's numbers by probability, then the others by
    probability (ties: the lower number). Its first `game.bet` numbers are the guess, whichever rule chose
    the guess (the `odd_even` constraint may skip a more probable number: it comes right after the guess)."""
    p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if p.shape[0] != game.pool:
        raise ValueError(f"{p.shape[0]} probabilities for {game.game}'s {game.pool} numbers")
    order = [int(c) + game.lowest for c in np.argsort(-p, kind="stable")]
    chosen = set(guess)
    return [n for n in order if n in chosen] + [n for n in order if n not in chosen]


def odd_range_from_history(hot: np.ndarray) -> tuple[int, int]:
    """The narrowest odd-count range around the most common one that covers 2/3 of the draws."""
    counts = np.bincount((hot[:, ODD] > 0).sum(axis=1).astype(int), minlength=PER_DRAW + 1)
    share = counts / max(counts.sum(), 1)
    low = high = int(np.argmax(counts))
    while share[low : high + 1].sum() < ODD_RANGE_COVERAGE:
        below = share[low - 1] if low > 0 else -1.0
        above = share[high + 1] if high < PER_DRAW else -1.0
        if below >= above:
            low -= 1
        else:
            high += 1
    return low, high


def guess_with_odd_range(probabilities: np.ndarray, odd_range: tuple[int, int]) -> list[int]:
    """The 15 numbers of highest total probability whose odd count lies in `odd_range`."""
    p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    numbers = np.arange(1, NUMBERS + 1)
    odds = numbers[ODD][np.argsort(-p[ODD], kind="stable")]
    evens = numbers[~ODD][np.argsort(-p[~ODD], kind="stable")]
    best: tuple[float, list[int]] | None = None
    for k in range(odd_range[0], odd_range[1] + 1):
        if k > len(odds) or PER_DRAW - k > len(evens) or k < 0:
            continue
        chosen = [*odds[:k], *evens[: PER_DRAW - k]]
        score = float(p[np.array(chosen) - 1].sum())
        if best is None or score > best[0]:
            best = (score, sorted(int(n) for n in chosen))
    if best is None:
        raise ValueError(f"no 15-number guess has an odd count in {odd_range}")
    return best[1]


def fit_member_weights(
    member_probabilities: Mapping[str, np.ndarray], targets: np.ndarray, confidence: float = CONFIDENCE
) -> dict[str, float]:
    """Member weights that respect the noise in the members' per-draw losses on the weights span.

    Each member's per-draw loss is compared, paired, with the best member's (the lowest mean loss), at the
    confidence Bonferroni-adjusted for the k − 1 comparisons with a best picked from the same data. A member
    whose deficit's interval reaches 0 cannot be told from the best and weighs the same; past that, its
    weight is the normal density ratio of the distance z, in standard errors, by which the interval's lower
    end clears 0: exp(-z²/2), so 0.61 at one standard error, 0.14 at two, 0.01 at three. Members the data
    cannot tell apart weigh within a band of equal (±50% of 1/k, tested on 60 simulated spans), and a member
    worse beyond noise fades with how far beyond: a constant-0.5 member, about 0.02 worse per number on
    200 draws, is dozens of standard errors out and gets nothing measurable.

    Rejected: a cross-entropy fit of the weights (what served until 2026-12) swings to 0/1 on differences
    inside the noise (stat 1.0, ls14 2e-28 with BCEs 0.6729 and 0.6738); pseudo-BMA+ (Yao, Vehtari,
    Simpson & Gelman 2018) weighs by each member's chance of being the best, which for indistinguishable
    members at this data's noise (the sd of a total log-score difference over 200 draws is several nats)
    is itself a coin toss: their weights land anywhere between 0 and 1.
    """
    names = list(member_probabilities)
    if len(names) == 1:
        return {names[0]: 1.0}
    y = np.asarray(targets, np.float64)
    losses = {n: per_draw_log_loss(member_probabilities[n], y) for n in names}
    best = min(names, key=lambda n: float(losses[n].mean()))
    adjusted = 1 - (1 - confidence) / (len(names) - 1)
    log_weights = np.array(
        [
            0.0
            if name == best
            else -(paired_interval(losses[name], losses[best], adjusted).standard_errors_beyond_noise ** 2) / 2
            for name in names
        ]
    )
    w = np.exp(log_weights - log_weights.max())
    w /= w.sum()
    return {n: float(v) for n, v in zip(names, w, strict=True)}
