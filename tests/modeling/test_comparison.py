"""Paired comparisons: per-draw losses, their t-interval and its coverage, the constant forecast's loss."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lotto_models.modeling.comparison import (
    constant_forecast_loss,
    paired_interval,
    per_draw_log_loss,
    versus_constant_forecast,
)
from lotto_models.modeling.evaluation import evaluate_holdout
from lotto_models.modeling.intervals import PairedInterval
from lotto_models.modeling.random_baseline import BASELINE_BCE
from tests.modeling.targets import random_targets


def test_the_mean_per_draw_loss_is_the_holdout_bce() -> None:
    targets = random_targets(300)
    probabilities = np.random.default_rng(0).uniform(0.4, 0.8, targets.shape)
    assert per_draw_log_loss(probabilities, targets).mean() == pytest.approx(
        evaluate_holdout(probabilities, targets).bce
    )


def test_the_constant_forecast_loses_the_baseline_bce_on_every_real_draw(history) -> None:
    targets = np.zeros((len(history), 25))
    for row, draw in zip(targets, history, strict=True):
        row[np.array(draw.numbers) - 1] = 1
    assert np.allclose(per_draw_log_loss(np.full(targets.shape, 0.6), targets), BASELINE_BCE)
    assert np.allclose(constant_forecast_loss(7), BASELINE_BCE)


def test_the_paired_interval_covers_the_true_difference_about_95_times_in_100() -> None:
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(2000):
        a = rng.normal(0.673, 0.01, 200)
        b = a - 0.0004 + rng.normal(0, 0.005, 200)  # b is better by 0.0004 per draw on average
        interval = paired_interval(a, b)
        covered += interval.low <= 0.0004 <= interval.high
    assert 0.935 <= covered / 2000 <= 0.965


def test_pairing_removes_what_both_forecasts_share() -> None:
    rng = np.random.default_rng(2)
    shared = rng.normal(0.673, 0.05, 500)  # hard and easy draws, the same for both
    a, b = shared + 0.001 + rng.normal(0, 0.002, 500), shared + rng.normal(0, 0.002, 500)
    assert paired_interval(a, b).worse_beyond_noise
    assert not paired_interval(a - 0.002, b).worse_beyond_noise and paired_interval(a - 0.002, b).better_beyond_noise


def test_one_draw_bounds_nothing_and_is_stored_as_nulls() -> None:
    single = paired_interval(np.array([0.7]), np.array([0.6]))
    assert (single.low, single.high) == (-math.inf, math.inf) and not single.worse_beyond_noise
    stored = single.as_dict()
    assert stored["interval"] == [None, None]
    assert PairedInterval.from_dict(stored) == single
    assert "−∞ to +∞" in single.words()


def test_comparing_with_the_constant_forecast_is_the_one_sample_interval() -> None:
    losses = np.random.default_rng(3).normal(BASELINE_BCE + 0.01, 0.01, 400)
    versus = versus_constant_forecast(losses)
    assert versus.worse_beyond_noise and versus.mean_difference == pytest.approx(losses.mean() - BASELINE_BCE)
    with pytest.raises(ValueError, match="same draws"):
        paired_interval(losses, losses[:-1])


@pytest.mark.parametrize("df", [1, 2, 10, 30, 199, 499])
def test_the_t_quantile_is_scipys_where_the_decisions_use_it(df: int) -> None:
    from scipy import stats

    from lotto_models.modeling.comparison import student_t_quantile

    for p in (0.9, 0.975, 0.99875):  # 95%, and 95% Bonferroni-split over 20 comparisons
        assert student_t_quantile(p, df) == pytest.approx(float(stats.t.ppf(p, df)), rel=2e-4)
