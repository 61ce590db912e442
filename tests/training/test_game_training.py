"""Training another game than Lotofácil: its own models, features and networks of its pool, a holdout judged
against its own random guess, a gate against its own constant forecast, and datasets apart from any other
game's."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lotto_models.core.games import GAMES, LOTOFACIL, game
from lotto_models.core.plans import PLANS, UnknownPlanError, plan_of, plans_of
from lotto_models.modeling.catalog import MODELS, UnknownModelError, models_of, retrain_order, training_order
from lotto_models.modeling.comparison import constant_forecast_loss
from lotto_models.modeling.evaluation import evaluate_holdout
from lotto_models.modeling.features import FeatureParams, FeatureSet
from lotto_models.modeling.game_shape import GameShape
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.versions import CHAMPION
from lotto_models.training.challengers import (
    build_feature_dataset,
    models_needing_training,
    promote_challenger,
    train_challenger,
)
from lotto_models.training.promotion import decide_promotion
from lotto_models.training.shared_datasets import datasets_dir, feature_params, prune_shared_datasets
from lotto_models.workspace import Workspace
from tests.modeling.synthetic_games import random_targets
from tests.shared_data import needs_shared_data
from tests.training.game_workspaces import filled, game_workspace, random_draws, real_history

OTHER_GAMES = sorted(set(GAMES) - {LOTOFACIL.id})


def trained(ws: Workspace, model: str) -> tuple:
    ref = build_feature_dataset(ws, MODELS[model].feature_set)
    result = train_challenger(ws, model, ref)
    return ws.versions.get(result.version_id), ref


def test_lotofacil_trains_the_whole_family_and_keeps_its_plans() -> None:
    assert models_of(LOTOFACIL) == tuple(MODELS) and training_order() == training_order(game=LOTOFACIL)
    assert plans_of(LOTOFACIL) is PLANS and list(PLANS) == ["free", "silver", "gold", "platinum", "rnd"]


@pytest.mark.parametrize("name", OTHER_GAMES)
def test_another_game_trains_every_public_model_and_no_research_one(name: str) -> None:
    g = game(name)
    assert models_of(g) == ("stat", "ls14", "ls15", "ls14pp", "ls15pp", "ls16")
    assert training_order(game=g)[-1] == "ls16" and set(training_order(game=g)) == set(models_of(g))
    with pytest.raises(UnknownModelError, match=re.escape(f"{g.name} does not train ls17")):
        retrain_order(["ls17"], g)


@pytest.mark.parametrize("name", OTHER_GAMES)
def test_another_games_plans_are_basic_and_full_of_models_it_trains_without_odd_even(name: str) -> None:
    g = game(name)
    plans = plans_of(g)
    assert list(plans) == ["basic", "full"]
    assert set(plans["basic"].members) == {"stat", "ls15pp"}
    assert set(plans["full"].members) == set(models_of(g))
    assert not any(plan.odd_even for plan in plans.values())


def test_a_plan_another_game_lacks_is_refused_naming_its_plans() -> None:
    with pytest.raises(UnknownPlanError, match="Mega-Sena has no plan 'gold'; its plans are basic, full"):
        plan_of(game("megasena"), "gold")


def test_the_gate_refuses_a_challenger_worse_than_the_games_own_constant_forecast() -> None:
    shape = GameShape.of(game("megasena"))
    targets = random_targets(shape, 200, seed=3)
    overconfident = np.where(np.random.default_rng(4).random(targets.shape) < 0.1, 0.9, 0.02)
    metrics = evaluate_holdout(overconfident, targets, shape)
    losses = -(targets * np.log(overconfident) + (1 - targets) * np.log(1 - overconfident)).mean(axis=1)
    decision = decide_promotion(metrics, losses, None, None, 0.001, game=shape)
    assert not decision.promote and decision.verdict is Verdict.BELOW_BASELINE
    assert "worse than the constant 6/60 forecast beyond noise" in decision.reason


def test_the_constant_forecast_is_not_below_the_games_own_constant_forecast() -> None:
    shape = GameShape.of(game("lotomania"))
    targets = random_targets(shape, 100, seed=5)
    constant = np.full(targets.shape, shape.p)
    decision = decide_promotion(
        evaluate_holdout(constant, targets, shape), constant_forecast_loss(100, shape), None, None, 0.001, game=shape
    )
    assert decision.promote and decision.verdict is Verdict.FIRST_VERSION


def test_a_megasena_stat_version_is_judged_against_its_random_guess_and_promoted_as_the_first(
    workspace: Workspace,
) -> None:
    ws = filled(game_workspace(workspace, "megasena"))
    version, ref = trained(ws, "stat")
    assert version.label == "stat/v1" and version.hyperparameters["game"] == "megasena"
    assert version.metrics["baseline_hits"] == pytest.approx(0.6)
    assert len(version.metrics["hits_histogram"]) == 7  # 0..6 hits of a 6-number guess
    assert version.metrics["invalid_reason"] is None
    decision = promote_challenger(ws, "stat", version.id, ref)
    assert decision.promote and decision.verdict is Verdict.FIRST_VERSION
    assert ws.versions.alias("stat", CHAMPION).id == version.id
    assert workspace.versions.alias("stat", CHAMPION) is None  # Lotofácil's stat has no champion


def test_a_megasena_challenger_no_worse_than_its_champion_replaces_it(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "megasena"))
    first, ref = trained(ws, "stat")
    assert promote_challenger(ws, "stat", first.id, ref).promote
    again = train_challenger(ws, "stat", ref, force=True)
    decision = promote_challenger(ws, "stat", again.version_id, ref)
    assert decision.verdict is Verdict.NOT_WORSE and decision.figures.versus_champion is not None


@pytest.mark.slow  # real training of a network (about 10 s)
def test_a_megasena_network_outputs_one_probability_per_number_of_1_to_60(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "megasena"))
    version, _ = trained(ws, "ls15pp")
    assert version.hyperparameters["features"] == 3 * 60 + 2 and version.hyperparameters["game"] == "megasena"
    assert version.metrics["invalid_reason"] is None
    assert version.metrics["baseline_bce"] == pytest.approx(GameShape.of(game("megasena")).baseline.bce)


def test_lotomania_holdout_is_compared_with_its_random_10_hits(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "lotomania"))
    version, _ = trained(ws, "stat")
    assert version.metrics["baseline_hits"] == pytest.approx(10.0)
    assert len(version.metrics["hits_histogram"]) == 21  # 0..20 hits of a 50-number guess
    assert 5 < version.metrics["mean_hits"] < 15


def test_the_models_a_game_still_needs_are_its_own(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "quina"))
    assert models_needing_training(ws, ws.draws.frame()) == list(training_order(game=ws.game))


def test_pruning_one_games_datasets_leaves_another_games_alone(workspace: Workspace) -> None:
    lotofacil = game_workspace(workspace, "lotofacil")
    filled(lotofacil, 120)
    megasena = filled(game_workspace(workspace, "megasena"), 120)
    kept = build_feature_dataset(lotofacil, FeatureSet.STAT)
    mega = build_feature_dataset(megasena, FeatureSet.STAT)
    assert kept.path != mega.path and kept.fingerprint != mega.fingerprint
    prune_shared_datasets(megasena, [])
    assert kept.path.exists() and not mega.path.exists()


@needs_shared_data
def test_the_real_megasena_history_trains_stat_and_the_gate_decides_by_its_interval(workspace: Workspace) -> None:
    ws = game_workspace(workspace, "megasena")
    ws.draws.seed(real_history(ws.game), "history-file")
    version, ref = trained(ws, "stat")
    assert version.metrics["draws"] == ws.settings.holdout_draws
    assert not version.metrics["leakage_suspected"]
    decision = promote_challenger(ws, "stat", version.id, ref)
    assert decision.verdict in (Verdict.FIRST_VERSION, Verdict.BELOW_BASELINE)
    assert decision.figures is not None and decision.figures.versus_baseline.draws == ws.settings.holdout_draws


def test_lotofacils_datasets_keep_their_parameters_and_directory(workspace: Workspace) -> None:
    params = feature_params(workspace)
    assert params == FeatureParams.of(workspace.settings) and repr(params) == repr(FeatureParams.of(workspace.settings))
    assert datasets_dir(workspace) == workspace.settings.datasets_dir
    assert datasets_dir(game_workspace(workspace, "megasena")) == workspace.settings.datasets_dir / "megasena"


def test_a_stacked_model_whose_base_the_gate_refused_on_todays_draws_waits_for_a_new_draw(workspace: Workspace) -> None:
    """Lotomania's ls15pp refused by the gate (no champion) made every no-op run load TensorFlow to fail ls16's
    training again. Versions are registered as training would leave them, on today's draws."""
    from lotto_models.modeling.features import fingerprint
    from lotto_models.storage.draw_store import IncomingDraw
    from lotto_models.training.challengers import hyperparameters

    ws = filled(game_workspace(workspace, "lotomania"))
    frame, params = ws.draws.frame(), feature_params(ws)

    def register(model: str, champion: bool) -> None:
        spec = MODELS[model]
        version = ws.versions.register(
            model,
            "0" * 64,
            lambda key: lambda: None,
            fingerprint(frame, spec.feature_set, params),
            300,
            hyperparameters(ws, spec),
            {},
        )
        if champion:
            ws.versions.set_champion(model, version.id)

    for model in training_order(game=ws.game):
        if model not in ("ls15pp", "ls16"):
            register(model, champion=True)
    # ls15pp not yet trained on today's draws: it is, and ls16 after it (ls15pp may win its champion)
    assert models_needing_training(ws, frame) == ["ls14pp", "ls15pp", "ls16"]
    register("ls15pp", champion=False)  # trained, and refused by the gate
    assert models_needing_training(ws, frame) == []
    ws.draws.add([IncomingDraw(random_draws(ws.game, 301)[-1], "caixa")])  # a new draw: everything trains again
    assert models_needing_training(ws, ws.draws.frame()) == list(training_order(game=ws.game))
