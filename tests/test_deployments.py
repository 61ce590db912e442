from pathlib import Path

import yaml
from prefect.utilities.callables import parameter_schema

from deployments.serve import AFTER_DRAW_CRON, TIMEZONE, build_deployments
from flows import import_history, ingest_draws

ROOT = Path(__file__).resolve().parents[1]


def test_prefect_yaml_declares_after_draw_on_the_lotoflow_pool_one_at_a_time() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    [deployment] = [d for d in config["deployments"] if d["name"] == "after-draw"]
    assert deployment["work_pool"]["name"] == "lotoflow"
    assert deployment["schedules"] == [{"cron": AFTER_DRAW_CRON, "timezone": TIMEZONE, "active": True}]
    assert deployment["concurrency_limit"]["limit"] == 1
    module, function = deployment["entrypoint"].split(":")
    assert (ROOT / module).exists() and f"def {function}(" in (ROOT / module).read_text()


def test_serve_and_prefect_yaml_declare_the_same_deployments_with_typed_parameters() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    served = {d.name: d for d in build_deployments()}
    assert (
        set(served)
        == {d["name"] for d in config["deployments"]}
        == {
            "after-draw",
            "backfill",
            "import-history",
            "convert-model",
            "rollback-model",
            "review-challengers",
            "train-model",
            "notify-failure",
        }
    )
    backfill = parameter_schema(ingest_draws.backfill)
    assert backfill.required == ["first", "last"]
    assert backfill.properties["first"]["type"] == "integer"
    assert parameter_schema(import_history.import_history).properties["path"]["type"] == "string"


def test_serve_builds_the_after_draw_deployment_of_prefect_yaml() -> None:
    deployment = {d.name: d for d in build_deployments()}["after-draw"]
    assert deployment.name == "after-draw"
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == AFTER_DRAW_CRON and schedule.schedule.timezone == TIMEZONE
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options.collision_strategy == "ENQUEUE"


def test_a_failed_after_draw_run_triggers_the_notify_failure_automation() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    [notify] = [d for d in config["deployments"] if d["name"] == "notify-failure"]
    [trigger] = notify["triggers"]
    assert trigger["match_related"]["prefect.resource.name"] == "after-draw"
    assert "prefect.flow-run.Failed" in trigger["expect"]
    served = {d.name: d for d in build_deployments()}["notify-failure"]
    assert served.triggers[0].expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}
