"""Plan ensembles: which champions a plan combines, how their probabilities become one guess, and the
`odd_even` selection (ímpares-pares), which is not a scorer but a constraint on the guess."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lotto_models.core.draws import NUMBERS, PER_DRAW
from lotto_models.serving.plans import Plan

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


def guess_from(probabilities: np.ndarray) -> list[int]:
    """The 15 most probable numbers (1..25), ascending."""
    top = np.argsort(-np.asarray(probabilities).reshape(-1), kind="stable")[:PER_DRAW]
    return sorted(int(i) + 1 for i in top)


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
    member_probabilities: Mapping[str, np.ndarray], targets: np.ndarray, iterations: int = 300, step: float = 0.5
) -> dict[str, float]:
    """Weights on the simplex minimising the ensemble's binary cross-entropy (exponentiated gradient)."""
    names = list(member_probabilities)
    if len(names) == 1:
        return {names[0]: 1.0}
    stacked = np.stack([np.clip(np.asarray(member_probabilities[n], np.float64), 1e-6, 1 - 1e-6) for n in names])
    y = np.asarray(targets, np.float64)
    w = np.full(len(names), 1 / len(names))
    for _ in range(iterations):
        p = np.clip(np.tensordot(w, stacked, axes=1), 1e-6, 1 - 1e-6)
        d_loss_d_p = (p - y) / (p * (1 - p)) / y.size
        gradient = (stacked * d_loss_d_p).sum(axis=(1, 2))
        w = w * np.exp(-step * gradient / max(np.abs(gradient).max(), 1e-12))
        w /= w.sum()
    return {n: float(v) for n, v in zip(names, w, strict=True)}
