"""A champion worse than the constant forecast beyond noise is marked `below_baseline` and serves no plan,
until a version that is not below it is promoted."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.core.plans import PLANS, Plan
from lotto_models.modeling.stat_model import StatModel
from lotto_models.registry.registration import register_version
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.versions import CHAMPION
from lotto_models.serving.publishing import NoMemberCanServeError, build_plan_datasets, load_plan_members
from lotto_models.training.challengers import promote_challenger
from lotto_models.training.review import apply_review
from tests.registry.stat_versions import new_stat_version


def overconfident_copy(ws, of, scale: float, dataset, tmp_path):
    """A valid `stat` version (about 15 numbers a draw) whose feature weights are `scale` times the fitted
    ones, the bias re-centred: sure of differences between numbers that chance makes up."""
    fitted = np.asarray(StatModel.load(ws.artifacts.path(of)).weights)
    features = fitted[1:] * scale
    inputs = dataset.load().inputs.astype(np.float64)
    spread = inputs @ features
    low, high = -50.0, 50.0
    for _ in range(60):  # the bias that keeps the mean probability at 15/25
        bias = (low + high) / 2
        low, high = (bias, high) if (1 / (1 + np.exp(-(bias + spread)))).mean() < 0.6 else (low, bias)
    staged = tmp_path / f"staged-{scale}"
    StatModel((bias, *features.tolist())).save(staged)
    return register_version(
        ws.versions,
        ws.artifacts,
        "stat",
        staged,
        dataset_fingerprint=of.dataset_fingerprint,
        trained_through=of.trained_through,
        hyperparameters=of.hyperparameters,
        metrics={**of.metrics, "versus_baseline": None},
    )


@pytest.fixture
def below_baseline_champion(workspace, history, tmp_path, monkeypatch):
    ws = workspace
    first, dataset = new_stat_version(ws, history, 3700)
    assert promote_challenger(ws, "stat", first.id, dataset).promote
    bad = overconfident_copy(ws, first, 8.0, dataset, tmp_path)
    apply_review(ws, "stat", bad.version, approve=True, note="a person overrode the gate")
    assert ws.versions.alias("stat", CHAMPION).id == bad.id
    worse = overconfident_copy(ws, first, 12.0, dataset, tmp_path)
    decision = promote_challenger(ws, "stat", worse.id, dataset)  # the gate re-scores the champion too
    assert not decision.promote and decision.verdict is Verdict.BELOW_BASELINE
    monkeypatch.setitem(PLANS, "stat-only", Plan("stat-only", ("stat",)))
    return ws, first, bad, dataset


def test_the_champion_is_marked_and_its_interval_kept(below_baseline_champion) -> None:
    ws, _, bad, _ = below_baseline_champion
    health = ws.versions.health("stat")
    assert health.below_baseline and health.versus_baseline.low > 0
    from lotto_models.reporting.status import status_report

    model = status_report(ws)["models"]["stat"]
    assert model["champion"] == bad.label and model["below_baseline"] is True
    assert model["versus_baseline"]["interval"][0] > 0
    assert ws.versions.versions("stat")[-1].label == "stat/v3"  # kept in the registry, like every version


def test_a_below_baseline_member_leaves_every_plan_and_the_plan_says_why(below_baseline_champion) -> None:
    ws, *_ = below_baseline_champion
    datasets = build_plan_datasets(ws, ["stat-only"])
    with pytest.raises(
        NoMemberCanServeError, match="stat left out: its champion stat/v2 is worse than the constant forecast"
    ):
        load_plan_members(ws, "stat-only", datasets)


def test_promoting_a_version_that_is_not_below_the_baseline_brings_the_model_back(below_baseline_champion) -> None:
    ws, first, _, dataset = below_baseline_champion
    decision = promote_challenger(ws, "stat", first.id, dataset)  # v1 again, as a challenger against v2
    assert decision.promote and decision.verdict is Verdict.NOT_WORSE
    assert not ws.versions.health("stat").below_baseline
    members = load_plan_members(ws, "stat-only", build_plan_datasets(ws, ["stat-only"]))
    assert list(members.predictors) == ["stat"] and members.problems == []


def test_a_model_whose_versions_were_all_refused_fine_tunes_the_newest_one(workspace, history, tmp_path) -> None:
    """Training from scratch again with the same seed lands about where it did, at several times the cost."""
    from lotto_models.modeling.catalog import MODELS
    from lotto_models.training.challengers import hyperparameters, warm_start_version

    ws = workspace
    first, dataset = new_stat_version(ws, history, 3690)
    refused = overconfident_copy(ws, first, 8.0, dataset, tmp_path)  # the newest, never promoted
    params = hyperparameters(ws, MODELS["stat"])
    assert ws.versions.alias("stat", CHAMPION) is None
    assert warm_start_version(ws, "stat", None, params).id == refused.id
    assert warm_start_version(ws, "stat", None, {**params, "kind": "other"}) is None  # not the same network
    promote_challenger(ws, "stat", first.id, dataset)
    champion = ws.versions.alias("stat", CHAMPION)
    assert warm_start_version(ws, "stat", champion, params).id == first.id  # the champion first, always
