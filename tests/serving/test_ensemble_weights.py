"""Plan weights are fit where every member is out of sample: a member that memorised the span its own
fit saw (as `stat` and the `ls16` head see the validation span) wins no weight for it."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.modeling.features import FeatureSet
from lotto_models.modeling.splits import time_splits
from lotto_models.serving.ensembles import fit_member_weights
from lotto_models.serving.publishing import PlanMembers, fit_plan_weights
from lotto_models.training.challengers import build_feature_dataset, dataset_splits
from lotto_models.workspace import Workspace


def test_the_spans_are_disjoint_in_time_order_and_the_holdout_is_the_latest() -> None:
    splits = time_splits(3690, holdout=500, validation=300, weights=200)
    assert (splits.train.stop, splits.validation.stop, splits.weights.stop) == (
        splits.validation.start,
        splits.weights.start,
        splits.holdout.start,
    )
    assert splits.holdout == slice(3190, 3690) and splits.weights == slice(2990, 3190)


@pytest.fixture
def stat_dataset(workspace: Workspace, history):
    workspace.draws.seed(history, "bundled-history")
    return build_feature_dataset(workspace, FeatureSet.STAT).load()


def test_a_member_that_memorised_the_validation_span_wins_no_weight(workspace: Workspace, stat_dataset) -> None:
    splits = dataset_splits(workspace, stat_dataset)
    seen = stat_dataset.inputs[splits.validation]
    memorised = {
        row.tobytes(): target for row, target in zip(seen, stat_dataset.targets[splits.validation], strict=True)
    }

    def memoriser(inputs: np.ndarray) -> np.ndarray:
        """Perfect on the draws it was fit on, the constant 0.6 anywhere else."""
        return np.array([np.clip(memorised.get(row.tobytes(), np.full(25, 0.6)), 0.02, 0.98) for row in inputs])

    def constant(inputs: np.ndarray) -> np.ndarray:
        return np.full((len(inputs), 25), 0.6)

    # Where the memoriser's fit happened, it looks perfect and would take (nearly) all the weight...
    on_validation = fit_member_weights(
        {"memoriser": memoriser(seen), "constant": constant(seen)}, stat_dataset.targets[splits.validation]
    )
    assert on_validation["memoriser"] > 0.9
    # ...but the plan's weights come from a span no member has seen, where it is only the constant.
    members = PlanMembers(
        predictors={"memoriser": memoriser, "constant": constant},
        datasets={"memoriser": stat_dataset, "constant": stat_dataset},
    )
    weights = fit_plan_weights(workspace, members)
    assert weights["memoriser"] == pytest.approx(0.5, abs=0.05)


def drawn(draws: int, seed: int) -> np.ndarray:
    """Multi-hot targets of fair draws: 15 of 25 each."""
    rng = np.random.default_rng(seed)
    targets = np.zeros((draws, 25))
    for row in targets:
        row[rng.choice(25, 15, replace=False)] = 1
    return targets


def near_constant(draws: int, seed: int, spread: float = 0.03) -> np.ndarray:
    """A forecast like the real members': the constant 0.6 moved by a few hundredths per number."""
    return np.clip(0.6 + np.random.default_rng(seed).normal(0, spread, (draws, 25)), 0.05, 0.95)


@pytest.mark.parametrize("members", [2, 3, 4])
def test_members_the_data_cannot_tell_apart_get_weights_within_half_of_equal(members: int) -> None:
    """The documented band: members whose per-draw losses differ only by noise weigh within ±50% of 1/k.
    Each member is the same forecast plus noise of its own, on 20 different spans of 200 fair draws."""
    for seed in range(20):
        targets = drawn(200, seed)
        shared = near_constant(200, 1000 + seed)
        forecasts = {
            f"m{i}": np.clip(shared + np.random.default_rng(seed * 10 + i).normal(0, 0.02, shared.shape), 0.05, 0.95)
            for i in range(members)
        }
        weights = fit_member_weights(forecasts, targets)
        assert sum(weights.values()) == pytest.approx(1.0)
        assert all(0.5 / members <= w <= 1.5 / members for w in weights.values()), (seed, weights)


def test_members_as_different_as_the_real_ones_but_within_noise_weigh_alike() -> None:
    """Independent forecasts at the real members' spread (BCEs 0.6727-0.6738 on the real holdout) are
    indistinguishable on 200 draws: the old fit gave one of them ~1.0 and the others e-15 to e-28."""
    targets = drawn(200, 7)
    forecasts = {name: near_constant(200, seed) for name, seed in (("stat", 1), ("ls14", 2), ("ls14pp", 3))}
    weights = fit_member_weights(forecasts, targets)
    assert all(0.5 / 3 <= w <= 1.5 / 3 for w in weights.values()), weights


def test_a_member_clearly_worse_than_the_others_gets_almost_no_weight() -> None:
    targets = drawn(200, 11)
    forecasts = {
        "a": near_constant(200, 12),
        "b": near_constant(200, 13),
        "coin": np.full((200, 25), 0.5),  # 0.02 worse per number than the calibrated 0.6, on every draw
    }
    weights = fit_member_weights(forecasts, targets)
    assert weights["coin"] < 1e-6
    assert weights["a"] == pytest.approx(weights["b"], abs=0.25)


def test_one_member_takes_all_the_weight() -> None:
    assert fit_member_weights({"stat": near_constant(50, 1)}, drawn(50, 2)) == {"stat": 1.0}
