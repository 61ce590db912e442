"""The after-draw flow end to end: real Prefect API, real SQLite, real HTTP server, real training."""

import contextlib
import io
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort
from prefect.events.filters import EventFilter, EventNameFilter, EventRelatedFilter

from deployments.cli import main as lotto
from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.synthetic_draws import synthetic_draws
from flows.after_draw import after_draw
from lotto_models.core.draws import hits
from lotto_models.core.plans import PLANS
from lotto_models.modeling.catalog import MODELS, training_order
from lotto_models.registry.versions import CHAMPION
from lotto_models.storage import schema
from lotto_models.workspace import close_workspaces, open_workspace
from tests.alert_receiver import AlertReceiver
from tests.conftest import PRODUCTION_STORE, postgres_database, use_lotto_env

pytestmark = pytest.mark.slow  # real training, worker processes or kills


def lotoflow_events(flow_run_id: UUID, expected: set[str], timeout_s: float = 30.0) -> list:
    """The lotoflow events one flow run emitted, as the Prefect API recorded them (they arrive asynchronously)."""
    deadline = time.monotonic() + timeout_s
    of_this_run = EventRelatedFilter(id=[f"prefect.flow-run.{flow_run_id}"])
    with get_client(sync_client=True) as client:
        while True:
            events = [
                event
                for name in sorted(expected)
                for event in client.read_events(
                    EventFilter(event=EventNameFilter(name=[name]), related=of_this_run), limit=50
                ).events
            ]
            if expected <= {e.event for e in events} or time.monotonic() > deadline:
                return events
            time.sleep(0.5)


def table_count(ws, table) -> int:
    with ws.engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(table))


@dataclass
class Cycle:
    """What three after-draw runs on one store did, recorded as they ended: a first run over the bundled
    history, a second with two new draws, a third with the source down; then `lotto predict` and `lotto
    status --json`."""

    first: Any
    first_draw_count: int
    first_guesses: dict[str, dict]
    first_champions: dict[str, dict[str, str]]
    new: list
    second: Any
    second_events: list
    payloads: list
    decisions: list
    scored: list
    free_3701_id: int
    latest_after_second: list[dict]
    versions_before_third: int
    third: Any
    third_fallbacks: list
    versions_after_third: int
    latest_after_third: list[dict]
    warnings: list[dict]
    predict_out: str
    live_record: str
    model_cards: str
    status: dict


def _newest_artifact(key: str) -> str:
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), limit=1, sort=ArtifactSort.CREATED_DESC
        )
    return artifact.data


def _lotto_stdout(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert lotto(list(args)) == 0
    return out.getvalue()


# On PostgreSQL when the tests have one (the production store), else SQLite: the whole cycle costs minutes,
# and each store's own behaviour is proven by the storage and ingestion tests on both. One cycle for the
# module: every test below reads what it recorded.
@pytest.fixture(scope="module")
def cycle(prefect_api, history, tmp_path_factory) -> Iterator[Cycle]:
    home = tmp_path_factory.mktemp("after-draw") / "home"
    caixa_server = CaixaTestServer(history).start()
    receiver = AlertReceiver().start()
    url = postgres_database(f"lotto_flow_{os.getpid()}") if PRODUCTION_STORE == "postgresql" else None
    try:
        with pytest.MonkeyPatch.context() as env:
            use_lotto_env(env, home, caixa_server.base_url, url)
            env.setenv("LOTTO_ALERT_URLS", receiver.apprise_url("ops"))
            first = after_draw()
            ws = open_workspace()
            first_draw_count = ws.draws.count()
            first_guesses = {g["plan"]: g for g in ws.predictions.latest()}
            first_champions = {
                plan: {
                    m: champion.label
                    for m in PLANS[plan].members
                    if (champion := ws.versions.alias(m, CHAMPION)) is not None
                }
                for plan in first_guesses
            }

            new = synthetic_draws(history[-1], 2)
            caixa_server.add_draws(new)
            second_state = after_draw(return_state=True)
            second = second_state.result()
            with ws.engine.connect() as connection:
                payloads = connection.execute(
                    sa.select(schema.raw_payloads.c.concurso, schema.raw_payloads.c.payload)
                ).all()
                decisions = connection.execute(sa.select(schema.promotion_decisions)).all()
                scored = connection.execute(sa.select(schema.prediction_scores)).all()
                free_3701_id = connection.scalar(
                    sa.select(schema.predictions.c.id).where(
                        schema.predictions.c.plan == "free", schema.predictions.c.concurso == 3701
                    )
                )
            latest_after_second = ws.predictions.latest()
            second_events = lotoflow_events(
                second_state.state_details.flow_run_id,
                expected={"lotoflow.draw.ingested", "lotoflow.model.promoted"},
            )

            caixa_server.stop()
            versions_before_third = ws.versions.count_versions()
            third_state = after_draw(return_state=True)
            third = third_state.result()
            third_fallbacks = lotoflow_events(
                third_state.state_details.flow_run_id, expected={"lotoflow.fallback.used"}
            )
            warnings = receiver.wait_for(3, timeout=5)

            yield Cycle(
                first=first,
                first_draw_count=first_draw_count,
                first_guesses=first_guesses,
                first_champions=first_champions,
                new=new,
                second=second,
                second_events=second_events,
                payloads=payloads,
                decisions=decisions,
                scored=scored,
                free_3701_id=free_3701_id,
                latest_after_second=latest_after_second,
                versions_before_third=versions_before_third,
                third=third,
                third_fallbacks=third_fallbacks,
                versions_after_third=ws.versions.count_versions(),
                latest_after_third=ws.predictions.latest(),
                warnings=warnings,
                predict_out=_lotto_stdout("predict", "--plan", "gold"),
                live_record=_newest_artifact("live-record"),
                model_cards=_newest_artifact("model-cards"),
                status=json.loads(_lotto_stdout("status", "--json")),
            )
            close_workspaces()
    finally:
        receiver.stop()
        caixa_server.stop()


def test_a_first_run_seeds_the_bundled_history_and_trains_every_model_dependencies_first(cycle) -> None:
    assert cycle.first_draw_count == 3700 and cycle.first.new_draws == []
    assert cycle.first.trained == training_order()
    for model in MODELS:
        assert open_workspace().versions.find(model, 1).trained_through == 3700


def test_a_first_run_publishes_one_guess_per_plan_from_its_champions(cycle) -> None:
    assert set(cycle.first_guesses) == set(PLANS)
    for plan, guess in cycle.first_guesses.items():
        assert guess["concurso"] == 3701 and len(set(guess["numbers"])) == 15
        served = {m: v for m, v in guess["member_versions"].items() if m != "odd_even"}
        assert served == cycle.first_champions[plan]


def test_new_draws_are_stored_with_their_raw_payloads_cleaned(cycle) -> None:
    assert cycle.second.new_draws == [3701, 3702]
    assert open_workspace().draws.last_draw() == cycle.new[-1]
    assert sorted(p.concurso for p in cycle.payloads) == [3701, 3702]
    assert all(json.loads(p.payload)["tipoJogo"] == "LOTOFACIL" and "\x00" not in p.payload for p in cycle.payloads)


def test_new_draws_retrain_every_model_warm_with_a_recorded_decision(cycle) -> None:
    ws = open_workspace()
    assert len(cycle.decisions) == 2 * len(MODELS) and all(d.reason for d in cycle.decisions)
    for model in MODELS:
        versions = [ws.versions.find(model, v) for v in (1, 2)]
        assert [v.trained_through for v in versions] == [3700, 3702]
        champion = ws.versions.alias(model, CHAMPION)
        assert champion is None or champion.id in {v.id for v in versions}
    assert ws.versions.find("ls15", 2).metrics["warm_started"] is True
    assert ws.versions.find("ls16", 2).metrics["warm_started"] is True  # over new bases, from its champion head


def test_the_guess_for_a_drawn_concurso_is_scored_and_the_next_concurso_predicted(cycle) -> None:
    scores = {row.prediction_id: row for row in cycle.scored}
    assert len(scores) == len(PLANS) and {row.concurso for row in cycle.scored} == {3701}
    assert scores[cycle.free_3701_id].hits == hits(cycle.first_guesses["free"]["numbers"], cycle.new[0])
    latest = cycle.latest_after_second
    assert {g["concurso"] for g in latest} == {3703} and len(latest) == len(PLANS)


def test_a_run_emits_an_event_per_ingested_draw_and_per_promoted_model(cycle) -> None:
    ingested = {e.resource.id for e in cycle.second_events if e.event == "lotoflow.draw.ingested"}
    assert {"lotoflow.draw.3701", "lotoflow.draw.3702"} <= ingested
    promoted = {e.resource.id for e in cycle.second_events if e.event == "lotoflow.model.promoted"}
    assert promoted == {f"lotoflow.model.{m}" for m, decision in cycle.second.decisions.items() if decision.promote}


def test_with_the_source_down_a_run_changes_nothing_and_names_its_fallback(cycle) -> None:
    assert cycle.third.nothing_to_do and cycle.third.new_draws == []
    [fallback] = cycle.third_fallbacks
    assert fallback.payload["kind"] == "source-unreachable" and "(last concurso 3702)" in fallback.payload["fallback"]
    assert cycle.versions_after_third == cycle.versions_before_third
    assert cycle.latest_after_third == cycle.latest_after_second


def test_a_stuck_source_is_warned_once_per_newest_concurso(cycle) -> None:
    # The synthetic history ends in June 2026, long before today: a stuck source. One warning per newest
    # concurso, not one per run.
    assert [w["type"] for w in cycle.warnings] == ["warning", "warning", "warning"]
    stale = [w["message"] for w in cycle.warnings if w["message"].startswith("no new draw since")]
    assert stale[0].startswith("no new draw since concurso 3700 of 2026-06-01")
    assert stale[1].startswith(f"no new draw since concurso 3702 of {cycle.new[-1].date}")


def test_draws_outside_chance_are_warned_about_as_news_about_the_draws(cycle) -> None:
    # The stored draws fail the frequency test (the real history does, concursos 2001-3000 above all): one
    # warning when new draws arrived, about the draws, never about a model.
    [randomness] = [w["message"] for w in cycle.warnings if not w["message"].startswith("no new draw since")]
    assert randomness.startswith("Over 3702 stored draws (through concurso 3702), number frequencies: outside chance")
    assert "news about the draws or the stored history, not a way to win" in randomness


def test_lotto_predict_prints_the_stored_guess_of_a_plan(cycle) -> None:
    gold = next(g for g in cycle.latest_after_third if g["plan"] == "gold")
    assert f"gold: concurso 3703: {' '.join(f'{n:02d}' for n in gold['numbers'])}" in cycle.predict_out


def test_the_live_record_artifact_counts_scored_guesses_against_the_random_baseline(cycle) -> None:
    assert '"scored_guesses": 1' in cycle.live_record and '"random_baseline": 9.0' in cycle.live_record


def test_the_model_cards_artifact_shows_each_champion_its_data_and_the_gate(cycle) -> None:
    ws = open_workspace()
    for model in MODELS:
        champion = ws.versions.alias(model, CHAMPION)
        if champion is not None:
            assert f"### {champion.label}" in cycle.model_cards
    assert "**Data (concursos):** train 11–" in cycle.model_cards and "holdout 3203–3702" in cycle.model_cards
    assert "**Decision (gate):**" in cycle.model_cards and "95% CI" in cycle.model_cards


def test_lotto_status_json_reports_the_draws_quarantine_and_guesses(cycle) -> None:
    status = cycle.status
    assert status["draws"] == {"count": 3702, "last_concurso": 3702, "last_date": cycle.new[-1].date.isoformat()}
    assert status["quarantine"] == 0
    assert {p["concurso"] for p in status["predictions"]} == {3703}
    for prediction in status["predictions"]:  # what each guess is made of: its scoring members' weights
        scoring = {m for m in prediction["member_versions"] if m != "odd_even"}
        assert set(prediction["weights"]) == scoring and sum(prediction["weights"].values()) == pytest.approx(1.0)


def test_lotto_status_json_reports_each_models_champion_and_last_gate_decision(cycle) -> None:
    status = cycle.status
    assert set(status["models"]) == set(MODELS)
    assert status["models"]["stat"]["champion"].startswith("stat/v")
    assert 0 < status["models"]["stat"]["holdout"]["mean_hits"] < 15
    margin = open_workspace().settings.promotion_margin_bce
    for name, model in status["models"].items():
        assert model["below_baseline"] is False or model["champion"] is not None
        decision = model["last_decision"]
        assert decision["verdict"] == cycle.second.decisions[name].verdict.value
        if decision["verdict"] in ("not_worse", "worse", "inconclusive"):  # the gate compared with a champion
            low, high = decision["interval"]
            assert low <= decision["mean_difference"] <= high and decision["margin"] == margin
