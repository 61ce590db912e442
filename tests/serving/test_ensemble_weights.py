"""Plan weights are fit where every member is out of sample: a member that memorised the span its own
fit saw (as `stat` and the `ls16` head see the validation span) wins no weight for it."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.modeling.features import FeatureSet
from lotto_models.modeling.splits import time_splits
from lotto_models.registry.challengers import build_feature_dataset, dataset_splits
from lotto_models.serving.ensembles import fit_member_weights
from lotto_models.serving.publishing import PlanMembers, fit_plan_weights
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
