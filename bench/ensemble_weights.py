"""Plan weights for members the data cannot tell apart: lotoflow's noise-aware weights against pseudo-BMA+.

    .venv/bin/python bench/ensemble_weights.py

Each case: 200 fair draws (15 of 25, as the weights span holds) and two members, each the constant 0.6
moved by independent noise of sd 0.03 per number (as far apart as the real members: BCEs 0.6727-0.6738),
so neither is better in expectation. Pseudo-BMA+ (Yao, Vehtari, Simpson & Gelman 2018) is computed with
the Bayesian bootstrap (1,000 Dirichlet(1, ..., 1) resamples of the draws) on the per-draw log scores.
Prints one JSON object: for each method, the first member's weight over 40 cases (min, max, and the share
of cases outside [0.25, 0.75], the documented band of equal for two members).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lotto_models.modeling.comparison import per_draw_log_loss  # noqa: E402
from lotto_models.serving.ensembles import fit_member_weights  # noqa: E402

CASES, DRAWS, NUMBERS, DRAWN = 40, 200, 25, 15


def fair_draws(rng: np.random.Generator) -> np.ndarray:
    targets = np.zeros((DRAWS, NUMBERS))
    for row in targets:
        row[rng.choice(NUMBERS, DRAWN, replace=False)] = 1
    return targets


def member(rng: np.random.Generator) -> np.ndarray:
    return np.clip(0.6 + rng.normal(0, 0.03, (DRAWS, NUMBERS)), 0.05, 0.95)


def pseudo_bma_plus(log_scores: np.ndarray, rng: np.random.Generator, resamples: int = 1000) -> np.ndarray:
    """Weights from per-draw log scores (members x draws): the Bayesian-bootstrap mean of softmax(n · E_a[lpd])."""
    draws = log_scores.shape[1]
    alphas = rng.dirichlet(np.ones(draws), resamples)
    totals = draws * alphas @ log_scores.T
    weights = np.exp(totals - totals.max(axis=1, keepdims=True))
    return (weights / weights.sum(axis=1, keepdims=True)).mean(axis=0)


def summary(weights: list[float]) -> dict[str, float]:
    w = np.array(weights)
    return {
        "min": round(float(w.min()), 3),
        "max": round(float(w.max()), 3),
        "share_outside_band": round(float(np.mean((w < 0.25) | (w > 0.75))), 3),
    }


def main() -> None:
    rng = np.random.default_rng(2026)
    ours, pbma = [], []
    for _ in range(CASES):
        targets, a, b = fair_draws(rng), member(rng), member(rng)
        ours.append(fit_member_weights({"a": a, "b": b}, targets)["a"])
        log_scores = np.stack([-NUMBERS * per_draw_log_loss(p, targets) for p in (a, b)])
        pbma.append(float(pseudo_bma_plus(log_scores, rng)[0]))
    print(json.dumps({"cases": CASES, "draws": DRAWS, "lotoflow": summary(ours), "pseudo_bma_plus": summary(pbma)}))


if __name__ == "__main__":
    main()
