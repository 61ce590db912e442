"""The ingestion fault matrix: each fault served by the loopback CAIXA server to a real flow run.

Every test checks the run's final state, what it logged, and the database afterwards: nothing lost,
nothing wrong stored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from prefect.settings import PREFECT_API_URL

from flows.ingest_draws import backfill, ingest_draws
from lotto_models.core.draws import Draw
from lotto_models.storage import schema
from lotto_models.workspace import open_workspace
from tests.caixa_server import CaixaTestServer, Fault
from tests.conftest import synthetic_draws


@pytest.fixture
def new_draws(caixa_server: CaixaTestServer, history: list[Draw]) -> list[Draw]:
    draws = synthetic_draws(history[-1], 2)
    caixa_server.add_draws(draws)
    return draws


@pytest.fixture(autouse=True)
def _env(prefect_api, lotto_env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def rows(table: sa.Table) -> list[sa.Row]:
    with open_workspace().engine.connect() as connection:
        return connection.execute(sa.select(table)).all()


def stored_concursos_after_3700() -> list[int]:
    return [r.concurso for r in rows(schema.draws) if r.concurso > 3700]


@pytest.mark.parametrize(
    ("fault", "logged"),
    [
        (Fault(status=403, body="<html>Access denied</html>", content_type="text/html"), "HTTP 403 (attempt 1 of 3)"),
        (Fault(status=429, body="slow down"), "HTTP 429 (attempt 1 of 3)"),
        (Fault(delay_s=2.5), "ReadTimeout"),
        (Fault(body="<html><body>Em manutenção</body></html>", content_type="text/html"), "body is not JSON"),
        (Fault(body='{"numero": 3701, "listaDezenas": [', content_type="application/json"), "invalid JSON"),
        (Fault(payload_edit={"listaRateioPremio": []}), "is not final yet"),
    ],
    ids=["403-then-200", "429-then-200", "read-timeout", "html-with-200", "invalid-json", "not-final-yet"],
)
def test_a_passing_fault_is_retried_and_the_draws_stored(caixa_server, new_draws, caplog, fault, logged) -> None:
    caixa_server.inject(str(new_draws[0].concurso), fault)
    state = ingest_draws(return_state=True)
    assert state.is_completed() and not state.message
    assert stored_concursos_after_3700() == [3701, 3702]
    assert logged in caplog.text
    assert rows(schema.quarantine) == []


def test_a_primary_failing_until_retries_run_out_hands_over_to_a_mirror(
    history, new_draws, caixa_server, monkeypatch, caplog
) -> None:
    mirror = CaixaTestServer(history + new_draws).start()
    try:
        monkeypatch.setenv("LOTTO_MIRROR_URLS", mirror.base_url)
        caixa_server.inject("latest", *[Fault(status=500, body="Internal Server Error")] * 3)
        state = ingest_draws(return_state=True)
    finally:
        mirror.stop()
    assert state.is_completed()
    assert stored_concursos_after_3700() == [3701, 3702]
    assert {r.source for r in rows(schema.raw_payloads)} == {"mirror1"}
    assert "Fallback: source caixa failed" in caplog.text and "HTTP 500 after 3 attempt(s)" in caplog.text
    assert "mirror1 answered" in caplog.text


def test_a_source_down_everywhere_completes_on_stored_data(monkeypatch, caplog) -> None:
    monkeypatch.setenv("LOTTO_CAIXA_BASE_URL", "http://127.0.0.1:9/portaldeloterias/api")
    state = ingest_draws(return_state=True)
    assert state.is_completed() and "source unreachable" in state.message
    assert "Fallback: source unreachable" in caplog.text
    assert open_workspace().draws.last_concurso() == 3700
    [run] = rows(schema.ingest_runs)
    assert run.new_draws == 0 and "no source answered" in run.note


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ({"listaDezenas": [f"{n:02d}" for n in range(1, 15)]}, "expected 15 numbers, got 14"),
        ({"listaDezenas": ["01", *[f"{n:02d}" for n in range(1, 15)]]}, "repeated numbers: [1]"),
        ({"listaDezenas": [f"{n:02d}" for n in range(12, 27)]}, "numbers outside 1..25: [26]"),
        ({"listaDezenas": [f"{n:02d}" for n in range(0, 15)]}, "numbers outside 1..25: [0]"),
        ({"tipoJogo": "MEGA_SENA"}, "tipoJogo is 'MEGA_SENA', expected 'LOTOFACIL'"),
        ({"numero": 3650}, "asked for concurso 3701, got numero 3650"),
    ],
    ids=["14-numbers", "repeated-number", "number-26", "number-0", "wrong-game", "wrong-numero"],
)
def test_an_impossible_payload_is_quarantined_and_nothing_after_it_stored(
    caixa_server, new_draws, caplog, edit, reason
) -> None:
    caixa_server.inject("3701", Fault(payload_edit=edit))
    state = ingest_draws(return_state=True)
    assert state.is_completed() and "quarantined concurso(s) [3701]" in state.message
    assert stored_concursos_after_3700() == []  # 3702 is valid but would leave a gap
    [quarantined] = rows(schema.quarantine)
    assert quarantined.concurso == 3701 and reason in quarantined.reason
    assert "\x00" not in quarantined.payload and json.loads(quarantined.payload)["tipoJogo"]
    assert f"Rejected caixa payload for concurso 3701: concurso 3701: {reason}" in caplog.text


def test_a_stored_concurso_that_comes_back_different_is_quarantined_not_overwritten(
    caixa_server, history, caplog
) -> None:
    original = history[-1]
    caixa_server.add_draws([Draw.checked(3700, original.date, range(11, 26))])
    state = backfill(3699, 3700, return_state=True)
    assert state.is_completed() and "quarantined concurso(s) [3700]" in state.message
    assert open_workspace().draws.last_draw() == original
    [quarantined] = rows(schema.quarantine)
    assert quarantined.concurso == 3700 and "The stored draw is kept" in quarantined.reason
    assert "concurso 3700 is stored as" in caplog.text


def test_a_date_before_the_previous_draw_is_rejected(caixa_server, history) -> None:
    early = Draw.checked(3701, history[-1].date - dt.timedelta(days=2), history[-10].numbers)
    caixa_server.add_draws([early])
    state = ingest_draws(return_state=True)
    assert state.is_completed() and "quarantined concurso(s) [3701]" in state.message
    assert stored_concursos_after_3700() == []
    [quarantined] = rows(schema.quarantine)
    assert "date not before the previous draw" in quarantined.reason


def test_two_draws_on_one_date_are_both_stored(caixa_server, history) -> None:
    day = history[-1].date + dt.timedelta(days=1)
    caixa_server.add_draws([Draw.checked(3701, day, history[-3].numbers), Draw.checked(3702, day, history[-4].numbers)])
    state = ingest_draws(return_state=True)
    assert state.is_completed() and not state.message
    assert stored_concursos_after_3700() == [3701, 3702]


def test_five_missing_concursos_are_all_fetched_in_order(caixa_server, history) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 5))
    state = ingest_draws(return_state=True)
    assert state.is_completed()
    assert stored_concursos_after_3700() == [3701, 3702, 3703, 3704, 3705]
    numbered = [int(p.rsplit("/", 1)[-1]) for p in caixa_server.requests if p.rsplit("/", 1)[-1].isdigit()]
    assert numbered == [3701, 3702, 3703, 3704]  # 3705 came with the "latest" answer
    assert len(rows(schema.raw_payloads)) == 5


@pytest.mark.slow
def test_two_ingest_runs_at_the_same_time_store_each_draw_once(caixa_server, history, lotto_env) -> None:
    """Two processes ingest the same five draws concurrently into one SQLite file."""
    open_workspace().draws.seed(history, "bundled-history")
    caixa_server.add_draws(synthetic_draws(history[-1], 5))
    for concurso in range(3701, 3706):
        caixa_server.inject(str(concurso), Fault(delay_s=0.3), Fault(delay_s=0.3))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    command = [sys.executable, "-m", "deployments.cli", "backfill", "3701", "3705"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=240)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert stored_concursos_after_3700() == [3701, 3702, 3703, 3704, 3705]
    assert sorted(r.concurso for r in rows(schema.raw_payloads)) == [3701, 3702, 3703, 3704, 3705]
    assert rows(schema.quarantine) == []
    assert sum(r.new_draws for r in rows(schema.ingest_runs)) == 5
