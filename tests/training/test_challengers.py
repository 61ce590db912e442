"""Training a challenger: how long a training is expected to last, from the newest one of its kind."""

from __future__ import annotations

from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.registration import register_version
from lotto_models.training.challengers import expected_training_seconds, hyperparameters
from lotto_models.workspace import Workspace


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
