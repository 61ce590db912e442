"""Training a challenger: how long a training is expected to last, from the newest one of its kind; the holdout
scores it hands its promotion, which decides on them as on its saved files."""

from __future__ import annotations

import pytest

from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.comparison import per_draw_log_loss
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.registry.registration import register_version
from lotto_models.training.challengers import (
    build_feature_dataset,
    dataset_splits,
    expected_training_seconds,
    holdout_probabilities,
    hyperparameters,
    promote_challenger,
    score_challenger,
    train_challenger,
)
from lotto_models.training.promotion import decide_promotion
from lotto_models.training.shared_datasets import game_shape
from lotto_models.workspace import Workspace, open_workspace
from tests.training.game_workspaces import filled, game_workspace


def test_a_training_is_expected_to_last_as_long_as_the_newest_one_of_its_kind_warm_or_from_scratch(
    workspace: Workspace,
) -> None:
    def trained(seconds: float, warm: bool) -> None:
        staged = workspace.artifacts.staging_dir("stat")
        (staged / "stat_model.json").write_text('{"weights": [0.1, 0, 0, 0]}')
        metrics = {"bce": 0.673, "training_seconds": seconds, "warm_started": warm}
        today = hyperparameters(workspace, MODELS["stat"])  # a warm start needs today's hyperparameters
        version = register_version(workspace.versions, workspace.artifacts, "stat", staged, "fp", 3700, today, metrics)
        workspace.versions.set_champion("stat", version.id)

    assert expected_training_seconds(workspace, ["stat"], from_scratch=True) == {}
    trained(40.0, warm=False)
    trained(30.0, warm=False)
    trained(2.0, warm=True)
    assert expected_training_seconds(workspace, ["stat"], from_scratch=True) == {"stat": 30.0}
    assert expected_training_seconds(workspace, ["stat"], from_scratch=False) == {"stat": 2.0}


def _fresh_decision(ws: Workspace, model: str, challenger_id: int, champion_id: int, ref: DatasetRef):
    """The gate's decision on scores read from the two versions' saved files, as if nothing were reused."""
    challenger, champion = ws.versions.get(challenger_id), ws.versions.get(champion_id)
    spec = MODELS[model]
    scores = score_challenger(ws, spec, challenger, ref)
    dataset = ref.load()
    splits = dataset_splits(ws, dataset)
    champion_losses = per_draw_log_loss(
        holdout_probabilities(spec, ws.artifacts.path(champion), dataset, splits), dataset.targets[splits.holdout]
    )
    settings, shape = ws.settings, game_shape(ws)
    return decide_promotion(
        scores.metrics,
        scores.losses,
        scores.invalid_reason,
        champion_losses,
        settings.promotion_margin_bce,
        settings.confidence,
        shape,
    )


@pytest.mark.slow  # real training of a network, three times (a few seconds each)
def test_a_promotion_reusing_the_trainings_scores_decides_as_one_reading_the_saved_files(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "megasena"))
    ref = build_feature_dataset(ws, MODELS["ls14"].feature_set)
    first = train_challenger(ws, "ls14", ref)
    ws.versions.set_champion("ls14", first.version_id)
    tuned = train_challenger(ws, "ls14", ref, force=True)  # a fine-tune of that champion
    assert tuned.warm_started and tuned.scores is not None and tuned.scores.champion is not None
    assert tuned.scores.champion.version_id == first.version_id
    expected = _fresh_decision(ws, "ls14", tuned.version_id, first.version_id, ref)
    decision = promote_challenger(ws, "ls14", tuned.version_id, ref, tuned.scores)
    assert (decision.promote, decision.verdict, decision.reason) == (
        expected.promote,
        expected.verdict,
        expected.reason,
    )
    assert decision.figures == expected.figures


@pytest.mark.slow  # real training of a network, three times (a few seconds each)
def test_a_promotion_scores_the_champion_itself_when_another_became_champion_after_the_training(
    workspace: Workspace,
) -> None:
    ws = filled(game_workspace(workspace, "megasena"))
    ref = build_feature_dataset(ws, MODELS["ls14"].feature_set)
    first = train_challenger(ws, "ls14", ref)
    ws.versions.set_champion("ls14", first.version_id)
    tuned = train_challenger(ws, "ls14", ref, force=True)  # scored beside `first`
    reseeded = open_workspace(ws.settings.model_copy(update={"seed": ws.settings.seed + 1}), game=ws.game)
    other = train_challenger(reseeded, "ls14", ref, from_scratch=True)  # not `first` again: other weights
    ws.versions.set_champion("ls14", other.version_id)  # an operator's promotion in between
    expected = _fresh_decision(ws, "ls14", tuned.version_id, other.version_id, ref)
    decision = promote_challenger(ws, "ls14", tuned.version_id, ref, tuned.scores)
    assert decision.champion == ws.versions.get(other.version_id).label
    assert (decision.reason, decision.figures) == (expected.reason, expected.figures)
