from pathlib import Path

from prefect.utilities.callables import parameter_schema

from deployments.serve import build_deployments, declared_deployments
from flows import import_history, ingest_draws, names, quarantine, retrain
from web import prefect_runs

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = set(names.DEPLOYMENTS)


def test_prefect_yaml_and_the_web_name_the_deployments_and_their_flows_as_flows_names_does() -> None:
    assert sorted(d["name"] for d in declared_deployments()) == sorted(names.DEPLOYMENTS)
    assert len(set(names.DEPLOYMENTS)) == len(names.DEPLOYMENTS)
    for deployment in build_deployments():  # each flow bears its deployment's name: `deployment_path` holds
        assert deployment.full_name == names.deployment_path(deployment.name)
    assert prefect_runs.AFTER_DRAW == names.AFTER_DRAW  # the web may not import the flows


def test_prefect_yaml_declares_after_draw_on_the_lotoflow_pool_one_at_a_time_in_brasilia_time() -> None:
    [deployment] = [d for d in declared_deployments() if d["name"] == names.AFTER_DRAW]
    assert deployment["work_pool"]["name"] == "lotoflow"
    assert deployment["schedules"] and all(s["timezone"] == "America/Sao_Paulo" for s in deployment["schedules"])
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    module, function = deployment["entrypoint"].split(":")
    assert (ROOT / module).exists() and f"def {function}(" in (ROOT / module).read_text()


def test_serve_builds_every_deployment_of_prefect_yaml_with_its_schedules_limits_and_triggers() -> None:
    declared = {d["name"]: d for d in declared_deployments()}
    served = {d.name: d for d in build_deployments()}
    assert set(served) == set(declared) == DEPLOYMENTS
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
    retraining = parameter_schema(retrain.retrain).properties
    assert {"type": "array", "items": {"type": "string"}} in retraining["models"]["anyOf"]
    assert retraining["models"]["default"] is None and retraining["from_scratch"]["type"] == "boolean"
    action = parameter_schema(quarantine.quarantine).properties["action"]
    assert action["enum"] == ["list", "show", "accept", "discard"] and action["default"] == "list"


# That a failed after-draw run reaches a person through this trigger: test_alert_delivery.py, end to end.


def test_every_deployment_sends_heartbeats_that_the_zombie_run_automation_judges_with_room_to_spare() -> None:
    from deployments.zombie_runs import HEARTBEAT_VARIABLE, WATCHED_TAG, declared_heartbeat_s, zombie_run_automation

    heartbeat_s = declared_heartbeat_s()
    for declared in declared_deployments():
        assert declared["work_pool"]["job_variables"]["env"][HEARTBEAT_VARIABLE] == str(heartbeat_s), declared["name"]
        assert WATCHED_TAG in declared["tags"], declared["name"]  # every worker-run flow is watched
    trigger = zombie_run_automation().trigger
    assert trigger.within.total_seconds() >= 2 * heartbeat_s  # a live run misses no window between two beats
    assert trigger.posture == "Proactive" and trigger.after == {"prefect.flow-run.heartbeat"}


def test_each_game_has_an_after_draw_deployment_on_its_own_draw_days_one_run_at_a_time() -> None:
    from lotto_models.core.games import GAMES

    declared = {d["name"]: d for d in declared_deployments()}
    for game in GAMES.values():
        deployment = declared[names.after_draw_deployment(game.id)]
        assert deployment["entrypoint"] == "flows/after_draw.py:after_draw"
        assert deployment["parameters"].get("game", "lotofacil") == game.id
        assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
        evening = deployment["schedules"][0]["cron"].split()[4]  # the day-of-week field (cron: 0 is Sunday)
        days = {int(d) for part in evening.split(",") for d in _cron_days(part)}
        assert days == {(weekday + 1) % 7 for weekday in game.calendar.weekdays}, game.id


def _cron_days(part: str) -> range:
    low, _, high = part.partition("-")
    return range(int(low), int(high or low) + 1)


def test_the_game_parameter_offers_exactly_the_catalogs_games() -> None:
    from flows.after_draw import after_draw
    from lotto_models.core.games import GAMES

    game = parameter_schema(after_draw).properties["game"]
    assert game["enum"] == list(GAMES) and game["default"] == "lotofacil"
