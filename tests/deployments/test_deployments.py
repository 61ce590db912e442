from pathlib import Path

from prefect.utilities.callables import parameter_schema

from deployments.serve import build_deployments, declared_deployments
from flows import import_history, ingest_draws

ROOT = Path(__file__).resolve().parents[2]


def test_prefect_yaml_declares_after_draw_on_the_lotoflow_pool_one_at_a_time_in_brasilia_time() -> None:
    [deployment] = [d for d in declared_deployments() if d["name"] == "after-draw"]
    assert deployment["work_pool"]["name"] == "lotoflow"
    assert deployment["schedules"] and all(s["timezone"] == "America/Sao_Paulo" for s in deployment["schedules"])
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    module, function = deployment["entrypoint"].split(":")
    assert (ROOT / module).exists() and f"def {function}(" in (ROOT / module).read_text()


def test_serve_builds_every_deployment_of_prefect_yaml_with_its_schedules_limits_and_triggers() -> None:
    declared = {d["name"]: d for d in declared_deployments()}
    served = {d.name: d for d in build_deployments()}
    assert set(served) == set(declared)
    for name, spec in declared.items():
        deployment = served[name]
        assert deployment.entrypoint.endswith(spec["entrypoint"].split(":")[1]), name
        assert deployment.tags == spec.get("tags", []), name
        assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [
            (s["cron"], s["timezone"]) for s in spec.get("schedules") or []
        ], name
        limit = spec.get("concurrency_limit")
        assert deployment.concurrency_limit == (limit["limit"] if limit else None), name
        if limit:
            assert deployment.concurrency_options.collision_strategy == limit["collision_strategy"]
        assert [t.expect for t in deployment.triggers] == [set(t["expect"]) for t in spec.get("triggers") or []]


def test_manual_deployments_take_typed_parameters() -> None:
    backfill = parameter_schema(ingest_draws.backfill)
    assert backfill.required == ["first", "last"]
    assert backfill.properties["first"]["type"] == "integer"
    assert parameter_schema(import_history.import_history).properties["path"]["type"] == "string"


def test_a_failed_or_crashed_after_draw_run_triggers_notify_failure() -> None:
    [notify] = [d for d in declared_deployments() if d["name"] == "notify-failure"]
    [trigger] = notify["triggers"]
    assert trigger["match_related"]["prefect.resource.name"] == "after-draw"
    served = {d.name: d for d in build_deployments()}["notify-failure"]
    assert served.triggers[0].expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}
