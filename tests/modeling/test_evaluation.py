import numpy as np

from lotto_models.modeling.evaluation import (
    BASELINE_BCE,
    BASELINE_HITS,
    BASELINE_SHARE_11_PLUS,
    evaluate_holdout,
    hypergeometric_hits_pmf,
    invalid_output_reason,
)
from tests.modeling.targets import random_targets


def test_baseline_figures_are_the_hypergeometric_ones() -> None:
    pmf = hypergeometric_hits_pmf()
    assert abs(pmf.sum() - 1) < 1e-12
    assert abs((np.arange(16) * pmf).sum() - 9.0) < 1e-12
    assert round(BASELINE_SHARE_11_PLUS, 3) == 0.106


def test_an_uninformed_model_scores_at_the_baseline() -> None:
    targets = random_targets(2000)
    noise = np.random.default_rng(1).uniform(0.55, 0.65, targets.shape)
    metrics = evaluate_holdout(noise, targets)
    assert abs(metrics.mean_hits - BASELINE_HITS) < 0.15
    assert metrics.hits_ci95_low < BASELINE_HITS < metrics.hits_ci95_high
    assert abs(metrics.bce - BASELINE_BCE) < 0.01
    assert not metrics.leakage_suspected
    assert "consistent with the random 9.0" in metrics.verdict()


def test_a_model_that_sees_the_answer_is_flagged_as_leakage() -> None:
    targets = random_targets(500)
    leaky = np.clip(targets * 0.3 + 0.45, 0, 1)
    metrics = evaluate_holdout(leaky, targets)
    assert metrics.mean_hits == 15.0 and metrics.leakage_suspected
    assert "suspected leakage" in metrics.verdict()


def test_invalid_outputs_are_named() -> None:
    assert "NaN" in invalid_output_reason(np.full((3, 25), np.nan))
    assert "sum to 2.50" in invalid_output_reason(np.full((3, 25), 0.1))
    assert invalid_output_reason(np.full((3, 25), 0.6)) is None
