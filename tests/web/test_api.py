"""The JSON API against the real app, on SQLite and (with LOTTO_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from markupsafe import escape

from deployments.loopback.filled_store import STORED, Filled
from lotto_models.core.plans import PLANS
from lotto_models.core.settings import Settings
from lotto_models.ingest.draw_calendar import next_draw_date, overdue_draw, result_deadline
from lotto_models.ingest.quarantine import discard_entry
from lotto_models.modeling.random_baseline import BASELINE_HITS, BASELINE_HITS_SD, BASELINE_SHARE_11_PLUS
from lotto_models.reporting.paging import MAX_PAGE_SIZE
from lotto_models.reporting.status import status_report
from lotto_models.storage import schema
from lotto_models.storage.engine import head_revision
from lotto_models.storage.live_record import chance_interval
from lotto_models.storage.quarantine_store import QuarantineStatus
from tests.web.conftest import UI
from web.app import create_app
from web.prefect_runs import PrefectLinks


def test_plans_show_each_guess_for_the_next_concurso_with_members_weights_and_degradation(
    client: TestClient, filled: Filled
) -> None:
    plans = {p["plan"]: p for p in client.get("/api/v1/plans").json()}
    assert list(plans) == [name for name, plan in PLANS.items() if plan.public]
    free, gold, silver = plans["free"], plans["gold"], plans["silver"]
    assert free["next_concurso"] == STORED + 1 and free["guess_is_for_next_concurso"]
    assert free["guess"]["concurso"] == STORED + 1 and len(set(free["guess"]["numbers"])) == 15
    assert free["guess"]["member_versions"] == {"ls14": "ls14/v1", "stat": "stat/v2"}
    assert free["guess"]["weights"] == {"ls14": 0.4, "stat": 0.6}
    assert free["guess"]["flow_run_id"] == filled.run_ids[("free", STORED + 1)]
    assert free["guess"]["built_at"].endswith(("Z", "+00:00"))
    assert gold["guess"]["degraded"] and gold["guess"]["degraded_reason"] == "ls15pp has no champion"
    assert silver["guess"] is None and not silver["guess_is_for_next_concurso"]
    assert client.get("/api/v1/plans/gold").json() == gold


def test_the_research_plan_is_off_the_public_pages_and_answers_unless_an_operator_shows_it(
    client: TestClient, filled: Filled
) -> None:
    for path in ("/api/v1/plans/rnd", "/api/v1/plans/rnd/predictions", "/api/v1/plans/rnd/record"):
        assert client.get(path).status_code == 404
    assert "rnd" not in {p["plan"] for p in client.get("/api/v1/plans").json()}
    home = client.get("/").text
    assert 'data-plan="rnd"' not in home and "research" not in home
    shown = filled.ws.settings.model_copy(update={"web_show_research": True})
    with TestClient(create_app(shown, PrefectLinks(ui_url=UI, api_url=None))) as operators:
        assert operators.get("/api/v1/plans/rnd").json()["public"] is False
        assert 'data-plan="rnd"' in operators.get("/").text


def test_plans_publishing_the_same_numbers_say_why(client: TestClient, filled: Filled) -> None:
    ws = filled.ws
    free = ws.predictions.published_for("free", STORED + 1)
    ensemble = ws.predictions.record_ensemble("silver", {"stat": "stat/v2"}, {"stat": 1.0}, False, None)
    ws.predictions.publish("silver", STORED + 1, free.numbers, {"stat": "stat/v2"}, ensemble)
    plans = {p["plan"]: p for p in client.get("/api/v1/plans").json()}
    note = plans["free"]["same_numbers_note"]
    assert note == plans["silver"]["same_numbers_note"]
    assert note.startswith(f"free and silver publish the same 15 numbers for concurso {STORED + 1}")
    assert "free: stat 0.60, ls14 0.40; silver: stat 1.00" in note
    assert plans["gold"]["same_numbers_note"] is None
    assert str(escape(note)) in client.get("/").text  # as the page writes it, HTML-escaped


def test_unknown_plan_is_a_404_naming_the_plans(client: TestClient) -> None:
    for path in ("/api/v1/plans/diamond", "/api/v1/plans/diamond/predictions", "/api/v1/plans/diamond/record"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.json()["detail"] == "unknown plan 'diamond'; the plans are free, silver, gold, platinum"


def test_prediction_history_is_paginated_newest_first_with_hits_once_drawn(client: TestClient, filled: Filled) -> None:
    first = client.get("/api/v1/plans/free/predictions", params={"page_size": 4}).json()
    assert (first["total"], first["page"], first["page_size"], first["pages"]) == (11, 1, 4, 3)
    assert [p["concurso"] for p in first["items"]] == [3691, 3690, 3689, 3688]
    pending, scored = first["items"][0], first["items"][1]
    assert pending["hits"] is None and pending["drawn"] is None
    drawn = filled.history[STORED - 1]
    assert scored["drawn"] == list(drawn.numbers)
    assert scored["hits"] == len(set(scored["numbers"]) & set(drawn.numbers))
    last = client.get("/api/v1/plans/free/predictions", params={"page_size": 4, "page": 3}).json()
    assert [p["concurso"] for p in last["items"]] == [3683, 3682, 3681]
    assert client.get("/api/v1/plans/free/predictions", params={"page": 9}).json()["items"] == []


def test_page_size_over_the_cap_is_refused_with_a_message(client: TestClient) -> None:
    for path in ("/api/v1/draws", "/api/v1/quarantine", "/api/v1/plans/free/predictions"):
        answer = client.get(path, params={"page_size": MAX_PAGE_SIZE + 1})
        assert answer.status_code == 422
        assert answer.json()["detail"] == f"page_size: Input should be less than or equal to {MAX_PAGE_SIZE}"
    assert client.get("/api/v1/draws", params={"page": 0}).status_code == 422


def test_live_record_against_the_random_baseline(client: TestClient, filled: Filled) -> None:
    record = client.get("/api/v1/plans/free/record").json()
    with filled.ws.engine.connect() as connection:
        hits = connection.scalars(
            sa.select(schema.prediction_scores.c.hits)
            .join(schema.predictions, schema.predictions.c.id == schema.prediction_scores.c.prediction_id)
            .where(schema.predictions.c.plan == "free")
        ).all()
    assert record["scored"] == len(hits) == 10
    assert record["mean_hits"] == pytest.approx(sum(hits) / 10)
    assert record["ci95_low"] < record["mean_hits"] < record["ci95_high"]
    assert record["share_11_plus"] == pytest.approx(sum(h >= 11 for h in hits) / 10)
    assert (record["chance_ci95_low"], record["chance_ci95_high"]) == pytest.approx(chance_interval(10))
    assert record["baseline"]["mean_hits"] == BASELINE_HITS
    assert record["baseline"]["hits_sd"] == BASELINE_HITS_SD
    assert record["baseline"]["share_11_plus"] == BASELINE_SHARE_11_PLUS
    assert (record["baseline"]["per_guess_low"], record["baseline"]["per_guess_high"]) == (7, 11)
    assert "10 random guess(es) would average between" in record["verdict"]
    empty = client.get("/api/v1/plans/silver/record").json()
    assert empty["scored"] == 0 and empty["mean_hits"] is None
    assert empty["verdict"] == "silver: no published guess has been scored yet."


def test_draws_newest_first_with_a_range_and_one_by_number(client: TestClient, filled: Filled) -> None:
    page = client.get("/api/v1/draws", params={"page_size": 3}).json()
    assert page["total"] == STORED and [d["concurso"] for d in page["items"]] == [3690, 3689, 3688]
    ranged = client.get("/api/v1/draws", params={"from_concurso": 10, "to_concurso": 14, "page_size": 100}).json()
    assert ranged["total"] == 5 and [d["concurso"] for d in ranged["items"]] == [14, 13, 12, 11, 10]
    one = client.get("/api/v1/draws/1").json()
    first = filled.history[0]
    assert one["numbers"] == list(first.numbers) and one["date"] == first.date.isoformat()
    assert one["source"] == "bundled-history"
    assert one["flow_run_id"] == filled.ingest_run_ids[0]  # the first ingest logged after it was stored


def test_concurso_out_of_range_answers_4xx_naming_it(client: TestClient) -> None:
    missing = client.get("/api/v1/draws/9999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "concurso 9999 is not stored; stored concursos run from 1 to 3690"
    assert client.get("/api/v1/draws/0").status_code == 422
    assert client.get("/api/v1/draws/abc").json()["detail"].startswith("concurso: Input should be a valid integer")
    backwards = client.get("/api/v1/draws", params={"from_concurso": 20, "to_concurso": 10})
    assert backwards.status_code == 400 and backwards.json()["detail"] == "from_concurso 20 is after to_concurso 10"


def test_models_show_champion_previous_holdout_degradation_and_last_decision(
    client: TestClient, filled: Filled
) -> None:
    view = client.get("/api/v1/models").json()
    models = {m["model"]: m for m in view["models"]}
    stat, ls14, ls15 = models["stat"], models["ls14"], models["ls15"]
    assert stat["champion"]["label"] == "stat/v2" and stat["previous"]["label"] == "stat/v1"
    assert stat["champion"]["flow_run_id"] == filled.versions["stat"].flow_run_id
    holdout = stat["champion"]["holdout"]
    assert holdout["mean_hits"] == pytest.approx(filled.versions["stat"].metrics["mean_hits"])
    assert holdout["baseline_hits"] == BASELINE_HITS and len(holdout["hits_histogram"]) == 16
    assert "holdout draws" in holdout["verdict"]
    decision = stat["last_decision"]
    assert decision["promoted"] and decision["reason"] == "holdout BCE 0.6729 vs 0.6731"
    assert (decision["challenger"], decision["champion"]) == ("stat/v2", "stat/v1")
    assert ls14["degraded"] and ls14["degraded_reason"].startswith("training timed out")
    assert ls15["champion"] is None and ls15["last_decision"] is None
    assert models["ls16"]["depends_on"] == ["ls14pp", "ls15pp"] and models["ls17"]["research"]
    assert sum(view["random_hits_pmf"]) == pytest.approx(1.0)


def test_quarantine_lists_rejected_payloads_with_the_reason(client: TestClient, filled: Filled) -> None:
    page = client.get("/api/v1/quarantine").json()
    assert page["total"] == page["held"] == 1
    [item] = page["items"]
    assert (item["concurso"], item["source"], item["reason"]) == (3691, "caixa", "repeated numbers")
    assert '"numero": 3691' in item["payload"] and not item["payload_truncated"]
    assert item["flow_run_id"] == filled.ingest_run_ids[1]
    assert (item["status"], item["times_seen"], item["decided_by"], item["decided_at"]) == ("held", 1, None, None)


def test_the_quarantine_reads_the_same_in_the_api_the_page_and_lotto_status(client: TestClient, filled: Filled) -> None:
    """Decided entries are listed with their status and decision, and only held ones are counted as held."""
    ws = filled.ws
    ws.draws.quarantine(3692, "mirror1", '{"numero": 3692}', "numbers in 1..25")
    ws.draws.quarantine(3693, "caixa", '{"numero": 3693}', "15 numbers per draw")
    [held, discarded, kept] = ws.quarantine.entries()
    discard_entry(ws, discarded.id, "typo upstream", "ana")
    assert ws.quarantine.decide(kept.id, QuarantineStatus.ACCEPTED, "fixed by hand", "bia")
    time.sleep(2 * ws.settings.web_cache_ttl_s)  # the change token is asked again every TTL

    page = client.get("/api/v1/quarantine").json()
    statuses = {item["id"]: item for item in page["items"]}
    assert (page["total"], page["held"]) == (3, 1) == (3, status_report(ws)["quarantine"])
    assert statuses[held.id]["status"] == "held" and statuses[held.id]["decided_by"] is None
    assert (statuses[discarded.id]["status"], statuses[discarded.id]["decided_by"]) == ("discarded", "ana")
    assert statuses[discarded.id]["decision_note"] == "typo upstream" and statuses[discarded.id]["decided_at"]
    assert (statuses[kept.id]["status"], statuses[kept.id]["decision_note"]) == ("accepted", "fixed by hand")
    draws = client.get("/draws").text
    assert "Quarantine (1 held)" in draws and "3 entries" in draws
    assert "discarded by ana on " in draws and ": typo upstream" in draws and "accepted by bia on " in draws


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_health_names_the_newest_draw_and_says_when_prefect_is_unreachable(filled: Filled) -> None:
    api = f"http://127.0.0.1:{closed_port()}/api"
    with TestClient(create_app(filled.ws.settings, PrefectLinks(api_url=api))) as client:
        answer = client.get("/api/v1/health")
    body = answer.json()
    assert answer.status_code == 200
    assert body["store"]["reachable"] and body["store"]["last_concurso"] == STORED and body["store"]["draws"] == STORED
    assert body["store"]["last_date"] == filled.history[STORED - 1].date.isoformat()
    assert body["store"]["last_draw_age_days"] >= 0
    assert not body["prefect"]["reachable"] and body["prefect"]["note"].startswith(f"the Prefect API at {api}")


def test_health_is_not_ok_when_the_newest_draw_is_overdue_as_the_stale_source_warning_judges_it(
    client: TestClient, filled: Filled
) -> None:
    last = filled.history[STORED - 1]  # concurso 3690, of 2026: long overdue by the draw calendar now
    body = client.get("/api/v1/health").json()
    assert not body["ok"] and body["store"]["reachable"] and body["store"]["stale"]
    assert body["store"]["stale_reason"].startswith(f"no new draw since concurso {STORED} of {last.date}: the draw of")
    read_model = client.app.state.read_model
    deadline = result_deadline(next_draw_date(last.date))
    for now, stale in ((deadline - dt.timedelta(minutes=1), False), (deadline + dt.timedelta(hours=3), True)):
        health = read_model.store_health(now)
        overdue = overdue_draw(last.concurso, last.date, now)  # what the stale-source warning sends
        assert health.stale is stale and health.stale_reason == (overdue.message() if overdue else None)


def test_a_store_that_cannot_be_read_answers_503_with_the_reason(tmp_path) -> None:
    settings = Settings(home=tmp_path / "empty")
    with TestClient(create_app(settings, PrefectLinks(ui_url=UI, api_url=None))) as client:
        plans = client.get("/api/v1/plans")
        health = client.get("/api/v1/health")
        home = client.get("/")
    assert plans.status_code == 503
    assert plans.json()["detail"].startswith("no SQLite store yet: run `lotto run`")
    assert health.status_code == 503 and not health.json()["store"]["reachable"]
    assert health.json()["store"]["database"] == "SQLite"
    assert home.status_code == 503 and "run `lotto run` once" in home.text
    assert str(tmp_path) not in plans.text + health.text + home.text  # the store by its kind, not its path
    assert not (tmp_path / "empty").exists()  # looking did not create anything


def test_an_unreachable_database_answers_503_naming_its_kind_and_logs_where_it_is(tmp_path, caplog) -> None:
    port = closed_port()
    url = f"postgresql+psycopg://lotto-owner:secret@127.0.0.1:{port}/lotoflow_prod"
    settings = Settings(home=tmp_path / "home", database_url=url)
    with TestClient(create_app(settings, PrefectLinks(ui_url=UI, api_url=None))) as client:
        draws = client.get("/api/v1/draws")
        health = client.get("/api/v1/health")
    assert draws.status_code == 503
    detail = draws.json()["detail"]
    assert detail == "the PostgreSQL store cannot be read (OperationalError); the web service's log says why"
    assert health.status_code == 503 and health.json()["store"]["error"] == detail
    assert health.json()["store"]["database"] == "PostgreSQL"
    for private in ("lotto-owner", "secret", "lotoflow_prod", str(port)):
        assert private not in draws.text + health.text
    # the operator finds where and why in the service's log, once, without the user or password
    causes = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(causes) == 1 and "Connection refused" in causes[0]
    assert f"postgresql+psycopg://***@127.0.0.1:{port}/lotoflow_prod" in causes[0] and "secret" not in causes[0]


def test_a_store_whose_schema_is_behind_answers_503_and_is_not_migrated(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    engine = sa.create_engine(f"sqlite:///{home / 'lotoflow.db'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('0001')"))
    with TestClient(create_app(Settings(home=home), PrefectLinks(ui_url=UI, api_url=None))) as client:
        answer = client.get("/api/v1/draws")
    detail = answer.json()["detail"]
    assert answer.status_code == 503 and f"schema revision 0001, this code reads {head_revision()}" in detail
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0001"


def test_the_web_service_cannot_write_to_the_store(client: TestClient) -> None:
    read_model = client.app.state.read_model
    with pytest.raises(sa.exc.DBAPIError), read_model.engine.begin() as connection:
        connection.execute(schema.quarantine.delete())


def test_answers_follow_the_store_as_it_changes(client: TestClient, filled: Filled) -> None:
    before = client.get("/api/v1/plans/free/record").json()
    assert client.get("/api/v1/plans/free/record").json() == before  # served from the cache
    nxt = filled.history[STORED]
    filled.ws.draws.add([_incoming(nxt)])
    filled.ws.predictions.score_pending(filled.ws.draws)
    time.sleep(2 * filled.ws.settings.web_cache_ttl_s)  # the change token is asked again every TTL
    after = client.get("/api/v1/plans/free/record").json()
    assert after["scored"] == before["scored"] + 1
    assert client.get("/api/v1/plans/free").json()["next_concurso"] == STORED + 2


def _incoming(draw):
    from lotto_models.storage.draw_store import IncomingDraw

    return IncomingDraw(draw, "caixa", {"numero": draw.concurso})


def test_pages_show_guesses_record_chart_models_draws_and_the_honest_note(client: TestClient, filled: Filled) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert "The draws are random." in home.text and "11 or more in 10.6% of draws" in home.text
    free = client.get("/api/v1/plans/free").json()["guess"]
    assert "".join(f"<li>{n:02d}</li>" for n in free["numbers"]) in home.text
    assert f"{UI}/runs/flow-run/{filled.run_ids[('free', STORED + 1)]}" in home.text
    assert f"{UI}/runs/flow-run/{filled.run_ids[('free', STORED)]}" in home.text  # a dot of the chart
    assert (
        home.text.count("<svg") == sum(plan.public for plan in PLANS.values())
        and "Degraded: ls15pp has no champion" in home.text
    )
    models = client.get("/models").text
    assert "stat/v2" in models and f"{UI}/runs/flow-run/{filled.versions['stat'].flow_run_id}" in models
    assert "Backtest" in models and "<svg" in models and "The draws are random." in models
    assert 'id="card-stat-v2"' in models and 'id="card-ls14-v1"' in models  # a model card per champion
    record = client.get("/api/v1/plans/free/record").json()
    low, high = record["share_11_plus_ci95"]
    assert low <= record["share_11_plus"] <= high and high - low > 0.2  # ten guesses: a wide interval
    assert f"% of {record['scored']} guess(es) (95% CI {100 * low:.0f}–{100 * high:.0f}%)" in home.text
    draws = client.get("/draws").text
    assert "Quarantine (1 held)" in draws and "repeated numbers" in draws and ">3690<" in draws
    assert all(f"{UI}/runs/flow-run/{run_id}" in draws for run_id in filled.ingest_run_ids)
    assert "concurso 3691 rejected" in draws  # the ingest log
    assert "The draws are random." in draws
    assert client.get("/draws", params={"page": 0}).status_code == 422
    assert client.get("/static/style.css").status_code == 200
