"""A model's status (`registry.model_status`), read once for the web's models page, `lotto status`, the run
summary and the run's model cards: its champion, previous and newest versions, its health and last decision."""

from __future__ import annotations

from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.intervals import PairedInterval
from lotto_models.registry.model_status import model_status, model_statuses
from lotto_models.registry.registration import register_version
from lotto_models.registry.versions import ModelVersion
from lotto_models.workspace import Workspace


def _version(ws: Workspace) -> ModelVersion:
    staged = ws.artifacts.staging_dir("stat")
    (staged / "stat_model.json").write_text('{"weights": [0.1, 0, 0, 0]}')
    return register_version(ws.versions, ws.artifacts, "stat", staged, "fp", 1, {}, {"mean_hits": 9.1})


def _worse_than_constant() -> PairedInterval:
    return PairedInterval(mean_difference=0.01, low=0.005, high=0.015, draws=500, standard_error=0.0025)


def test_every_model_of_the_catalog_has_a_status_in_its_order(workspace: Workspace) -> None:
    assert [status.model for status in model_statuses(workspace.versions)] == list(MODELS)


def test_a_model_with_no_version_has_no_champion_holdout_or_decision(workspace: Workspace) -> None:
    status = model_status(workspace.versions, "stat")
    assert (status.champion, status.previous, status.newest, status.last_decision) == (None, None, None, None)
    assert status.holdout == {}


def test_a_model_with_no_champion_is_never_below_the_baseline(workspace: Workspace) -> None:
    workspace.versions.set_versus_baseline("stat", _worse_than_constant())
    assert workspace.versions.health("stat").below_baseline
    assert not model_status(workspace.versions, "stat").below_baseline


def test_a_champion_worse_than_the_constant_forecast_is_below_the_baseline(workspace: Workspace) -> None:
    workspace.versions.set_champion("stat", _version(workspace).id)
    workspace.versions.set_versus_baseline("stat", _worse_than_constant())
    assert model_status(workspace.versions, "stat").below_baseline


def test_the_champions_holdout_is_its_metrics(workspace: Workspace) -> None:
    workspace.versions.set_champion("stat", _version(workspace).id)
    assert model_status(workspace.versions, "stat").holdout == {"mean_hits": 9.1}


def test_a_newer_version_than_the_champion_is_the_newest(workspace: Workspace) -> None:
    first, second = _version(workspace), _version(workspace)
    workspace.versions.set_champion("stat", first.id)
    status = model_status(workspace.versions, "stat")
    assert status.champion == first and status.newest == second


def test_the_champion_as_newest_version_is_not_repeated_as_newest(workspace: Workspace) -> None:
    workspace.versions.set_champion("stat", _version(workspace).id)
    assert model_status(workspace.versions, "stat").newest is None


def test_the_last_decision_names_its_challenger_and_champion(workspace: Workspace) -> None:
    first, second = _version(workspace), _version(workspace)
    workspace.versions.set_champion("stat", first.id)
    workspace.versions.record_decision("stat", second.id, first.id, False, "worse")
    decision = model_status(workspace.versions, "stat").last_decision
    assert decision is not None
    assert (decision.challenger, decision.champion, decision.record.reason) == (second, first, "worse")


def test_the_champion_it_replaced_is_the_previous_version(workspace: Workspace) -> None:
    first, second = _version(workspace), _version(workspace)
    workspace.versions.set_champion("stat", first.id)
    workspace.versions.set_champion("stat", second.id)
    status = model_status(workspace.versions, "stat")
    assert (status.champion, status.previous) == (second, first)
