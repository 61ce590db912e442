"""The after-draw flow end to end: real Prefect API, real SQLite, real HTTP server, real training."""

import json

import sqlalchemy as sa

from flows.after_draw import after_draw
from lotto_models import schema
from lotto_models.cli import main as lotto
from lotto_models.draws import hits
from lotto_models.registry import CHAMPION
from lotto_models.workspace import open_workspace
from tests.conftest import synthetic_draws


def table_count(ws, table) -> int:
    with ws.engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(table))


def test_new_draws_are_ingested_models_retrained_and_the_next_concurso_predicted(
    prefect_api, lotto_env, caixa_server, history, capsys
) -> None:
    first = after_draw()
    ws = open_workspace()
    assert ws.draws.count() == 3700 and first.new_draws == []
    assert ws.registry.alias("ls15", CHAMPION).trained_through == 3700
    assert ws.registry.alias("stat", CHAMPION).trained_through == 3700
    [guess_3701] = ws.predictions.latest()
    assert guess_3701["concurso"] == 3701 and len(set(guess_3701["numbers"])) == 15
    assert guess_3701["member_versions"] == {"ls15": "ls15/v1", "stat": "stat/v1"}

    new = synthetic_draws(history[-1], 2)
    caixa_server.add_draws(new)
    second = after_draw()

    assert second.new_draws == [3701, 3702]
    assert ws.draws.last_draw() == new[-1]
    with ws.engine.connect() as connection:
        payloads = connection.execute(sa.select(schema.raw_payloads.c.concurso, schema.raw_payloads.c.payload)).all()
        decisions = connection.execute(sa.select(schema.promotion_decisions)).all()
        scored = connection.execute(sa.select(schema.prediction_scores)).all()
    assert sorted(p.concurso for p in payloads) == [3701, 3702]
    assert all(json.loads(p.payload)["tipoJogo"] == "LOTOFACIL" and "\x00" not in p.payload for p in payloads)
    assert {d.model for d in decisions if d.challenger_id} == {"ls15", "stat"} and len(decisions) == 4
    for model in ("ls15", "stat"):
        versions = [ws.registry.find(model, v) for v in (1, 2)]
        assert [v.trained_through for v in versions] == [3700, 3702]
        assert ws.registry.alias(model, CHAMPION).id in {v.id for v in versions}
    [score] = scored
    assert score.concurso == 3701 and score.hits == hits(guess_3701["numbers"], new[0])
    [guess_3703] = ws.predictions.latest()
    assert guess_3703["concurso"] == 3703
    assert set(guess_3703["member_versions"]) == {"ls15", "stat"}

    versions_before = ws.registry.count_versions()
    third = after_draw()
    assert third.nothing_to_do and third.new_draws == []
    assert ws.registry.count_versions() == versions_before
    assert ws.predictions.latest() == [guess_3703]

    capsys.readouterr()
    assert lotto(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["draws"] == {"count": 3702, "last_concurso": 3702, "last_date": new[-1].date.isoformat()}
    assert status["quarantine"] == 0
    assert status["models"]["ls15"]["champion"].startswith("ls15/v")
    assert 0 < status["models"]["stat"]["holdout"]["mean_hits"] < 15
    assert status["predictions"][0]["concurso"] == 3703


def test_an_unreachable_source_completes_on_stored_data_and_says_so(
    prefect_api, lotto_env, monkeypatch, history
) -> None:
    monkeypatch.setenv("LOTTO_CAIXA_BASE_URL", "http://127.0.0.1:9/portaldeloterias/api")
    state = after_draw(return_state=True)
    assert state.is_completed()
    assert "source unreachable" in state.message and "last concurso 3700" in state.message
    summary = state.result()
    assert summary.fallbacks and summary.guesses[0].concurso == 3701
