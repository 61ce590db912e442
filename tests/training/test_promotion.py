"""The promotion gate decides on the noise of per-draw holdout losses, paired, never on a constant tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.modeling.evaluation import evaluate_holdout
from lotto_models.modeling.random_baseline import BASELINE_BCE
from lotto_models.registry.verdicts import GateFigures, Verdict
from lotto_models.training.promotion import decide_promotion
from tests.modeling.targets import random_targets

DRAWS = 500
MARGIN = 0.0005
# per-draw losses of the real champions on 500 holdout draws spread by 0.005-0.03 around their BCE
SPREAD = 0.01


def losses(mean: float, seed: int, spread: float = SPREAD) -> np.ndarray:
    return mean + np.random.default_rng(seed).normal(0, spread, DRAWS)


@pytest.fixture(scope="module")
def plain_metrics():
    """Holdout metrics of an unremarkable challenger (no leakage): the gate reads the losses given."""
    targets = random_targets(DRAWS)
    return evaluate_holdout(np.full(targets.shape, 0.6), targets)


def test_a_challenger_within_noise_of_the_champion_is_promoted_with_its_figures(plain_metrics) -> None:
    champion = losses(BASELINE_BCE - 0.0002, seed=1)
    challenger = champion + np.random.default_rng(2).normal(0, 0.0005, DRAWS)  # a fine-tune: nearly the same
    decision = decide_promotion(plain_metrics, challenger, None, champion, MARGIN)
    assert decision.promote and decision.verdict is Verdict.NOT_WORSE
    versus = decision.figures.versus_champion
    assert versus.low <= versus.mean_difference <= versus.high <= MARGIN
    assert decision.figures.margin == MARGIN and versus.draws == DRAWS
    assert "not worse than the champion beyond noise" in decision.reason and "95% CI" in decision.reason


def test_a_retrain_worse_by_less_than_the_old_constant_tolerance_is_kept_out(plain_metrics) -> None:
    """ls18 0.6832 -> 0.6849 was promoted by the fixed 0.002 tolerance; paired, 0.0017 is beyond noise."""
    champion = losses(BASELINE_BCE - 0.001, seed=3)
    challenger = champion + 0.0017 + np.random.default_rng(4).normal(0, SPREAD, DRAWS)
    decision = decide_promotion(plain_metrics, challenger, None, champion, MARGIN)
    assert not decision.promote and decision.verdict is Verdict.WORSE
    assert decision.figures.versus_champion.low > 0
    assert "worse than the champion beyond noise" in decision.reason


def test_a_challenger_the_data_cannot_show_within_the_margin_is_kept_out(plain_metrics) -> None:
    champion = losses(BASELINE_BCE - 0.001, seed=5)
    challenger = champion + 0.0003 + np.random.default_rng(6).normal(0, SPREAD, DRAWS)
    decision = decide_promotion(plain_metrics, challenger, None, champion, MARGIN)
    versus = decision.figures.versus_champion
    assert versus.low < 0 < MARGIN < versus.high
    assert not decision.promote and decision.verdict is Verdict.INCONCLUSIVE
    assert f"not shown to be within the margin {MARGIN}" in decision.reason


def test_a_challenger_worse_than_the_constant_forecast_beyond_noise_is_never_promoted(plain_metrics) -> None:
    challenger = losses(BASELINE_BCE + 0.003, seed=7)
    for champion in (None, challenger + 0.01):  # not even as a first version, nor against a worse champion
        decision = decide_promotion(plain_metrics, challenger, None, champion, MARGIN)
        assert not decision.promote and decision.verdict is Verdict.BELOW_BASELINE
        assert decision.figures.versus_baseline.low > 0
        assert "worse than the constant 15/25 forecast beyond noise" in decision.reason


def test_a_first_version_at_the_baseline_is_promoted(plain_metrics) -> None:
    decision = decide_promotion(plain_metrics, losses(BASELINE_BCE, seed=8), None, None, MARGIN)
    assert decision.promote and decision.verdict is Verdict.FIRST_VERSION
    baseline = decision.figures.versus_baseline
    assert baseline.low < 0 < baseline.high and decision.figures.versus_champion is None


def test_invalid_or_leaky_challengers_are_refused_before_any_comparison() -> None:
    targets = random_targets(DRAWS)
    leaky = evaluate_holdout(np.clip(targets * 0.3 + 0.45, 0, 1), targets)
    decision = decide_promotion(leaky, losses(BASELINE_BCE - 0.05, seed=9), None, None, MARGIN)
    assert not decision.promote and decision.verdict is Verdict.LEAKAGE and "suspected leakage" in decision.reason
    plain = evaluate_holdout(np.full(targets.shape, 0.6), targets)
    decision = decide_promotion(plain, losses(BASELINE_BCE, seed=9), "outputs are not all finite", None, MARGIN)
    assert not decision.promote and decision.verdict is Verdict.INVALID


def test_the_figures_survive_the_store_as_numbers(plain_metrics) -> None:
    champion = losses(BASELINE_BCE, seed=10)
    decision = decide_promotion(plain_metrics, champion + 0.0001, None, champion, MARGIN)
    stored = decision.figures.as_dict()
    assert GateFigures.from_dict(stored) == decision.figures
    assert set(stored["versus_champion"]) >= {"mean_difference", "interval", "draws", "confidence", "method"}
    assert stored["versus_champion"]["method"] == "paired t-interval over draws"
