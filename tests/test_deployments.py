from pathlib import Path

import yaml
from prefect.utilities.callables import parameter_schema

from deployments.serve import build_deployments
from flows import import_history, ingest_draws, quarantine, retrain

ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENTS = {
    "after-draw",
    "backfill",
    "import-history",
    "convert-model",
    "rollback-model",
    "review-challengers",
    "retrain",
    "quarantine",
    "train-model",
    "notify-failure",
}


def declared() -> dict[str, dict]:
    return {d["name"]: d for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]}


def test_prefect_yaml_declares_after_draw_on_the_lotoflow_pool_one_at_a_time() -> None:
    deployment = declared()["after-draw"]
    assert deployment["work_pool"]["name"] == "lotoflow"
    assert len(deployment["schedules"]) >= 2  # when they fire: tests/test_schedules.py
    assert all(s["timezone"] == "America/Sao_Paulo" and s["active"] for s in deployment["schedules"])
    assert deployment["concurrency_limit"]["limit"] == 1


def test_every_entrypoint_of_prefect_yaml_exists() -> None:
    for deployment in declared().values():
        module, function = deployment["entrypoint"].split(":")
        assert (ROOT / module).exists() and f"def {function}(" in (ROOT / module).read_text(), deployment["name"]


def test_prefect_yaml_declares_the_deployments_with_typed_parameters() -> None:
    # deployments/serve.py is to be built from prefect.yaml; until then it serves a subset of it
    assert set(declared()) == DEPLOYMENTS
    assert {d.name for d in build_deployments()} <= DEPLOYMENTS
    backfill = parameter_schema(ingest_draws.backfill)
    assert backfill.required == ["first", "last"]
    assert backfill.properties["first"]["type"] == "integer"
    assert parameter_schema(import_history.import_history).properties["path"]["type"] == "string"
    retraining = parameter_schema(retrain.retrain).properties
    assert {"type": "array", "items": {"type": "string"}} in retraining["models"]["anyOf"]
    assert retraining["models"]["default"] is None and retraining["from_scratch"]["type"] == "boolean"
    action = parameter_schema(quarantine.quarantine).properties["action"]
    assert action["enum"] == ["list", "show", "accept", "discard"] and action["default"] == "list"


def test_serve_builds_the_after_draw_deployment_one_at_a_time() -> None:
    deployment = {d.name: d for d in build_deployments()}["after-draw"]
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options.collision_strategy == "ENQUEUE"
