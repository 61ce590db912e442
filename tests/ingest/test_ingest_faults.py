"""The ingestion fault matrix: each fault served by the loopback CAIXA server to a real flow run.

Every in-process test checks the run's final state, what it logged, and the database afterwards: nothing
lost, nothing wrong stored. The concurrent test checks both processes' exit codes and the database.
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

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit
from deployments.loopback.synthetic_draws import synthetic_draws
from flows.ingest_draws import backfill, ingest_draws
from lotto_models.core.draws import Draw
from lotto_models.ingest.fetch_reports import StaleLatest
from lotto_models.ingest.service import IngestSummary
from lotto_models.ingest.validation import (
    CONCURSO_FOLLOWS,
    DATE_IN_ORDER,
    DATE_NOT_FUTURE,
    FIFTEEN_NUMBERS,
    NUMBERS_DISTINCT,
    NUMBERS_IN_RANGE,
    REJECTING_RULES,
)
from lotto_models.storage import schema
from lotto_models.workspace import open_workspace
from tests.conftest import matrix


@pytest.fixture
def new_draws(caixa_server: CaixaTestServer, history: list[Draw]) -> list[Draw]:
    draws = synthetic_draws(history[-1], 2)
    caixa_server.add_draws(draws)
    return draws


@pytest.fixture(autouse=True)
def _env(prefect_api, seeded_env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def rows(table: sa.Table) -> list[sa.Row]:
    with open_workspace().engine.connect() as connection:
        return connection.execute(sa.select(table)).all()


def stored_concursos_after_3700() -> list[int]:
    return [r.concurso for r in rows(schema.draws) if r.concurso > 3700]


PASSING_FAULTS = {
    "403-then-200": (
        Fault(status=403, body="<html>Access denied</html>", content_type="text/html"),
        "HTTP 403 (attempt 1 of 3)",
    ),
    "429-then-200": (Fault(status=429, body="slow down"), "HTTP 429 (attempt 1 of 3)"),
    "read-timeout": (Fault(delay_s=2.5), "ReadTimeout"),
    "html-with-200": (
        Fault(body="<html><body>Em manutenção</body></html>", content_type="text/html"),
        "body is not JSON",
    ),
    "invalid-json": (Fault(body='{"numero": 3701, "listaDezenas": [', content_type="application/json"), "invalid JSON"),
    "not-final-yet": (Fault(payload_edit={"listaRateioPremio": []}), "is not final yet"),
}


@pytest.mark.parametrize(("fault", "logged"), matrix(PASSING_FAULTS))
def test_a_passing_fault_is_retried_and_the_draws_stored(caixa_server, new_draws, caplog, fault, logged) -> None:
    caixa_server.inject(str(new_draws[0].concurso), fault)
    state = ingest_draws(return_state=True)
    assert state.is_completed() and not state.message
    assert caixa_server.request_count("3701") == 2  # the fault, then the retry that reached the server
    assert stored_concursos_after_3700() == [3701, 3702]
    assert logged in caplog.text and "Stored concursos [3701, 3702]" in caplog.text
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
    assert caixa_server.request_count("latest") == 3 and mirror.request_count("latest") == 1
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


NOT_A_DRAW = {
    "wrong-game": ({"tipoJogo": "MEGA_SENA"}, "tipoJogo is 'MEGA_SENA', expected 'LOTOFACIL'"),
    "wrong-numero": ({"numero": 3650}, "asked for concurso 3701, got numero 3650"),
    "iso-date": ({"dataApuracao": "2026-06-02"}, "dataApuracao '2026-06-02' is not a dd/mm/yyyy date"),
    "number-not-an-integer": ({"listaDezenas": ["01", "x"]}, "listaDezenas holds 'x', not a number"),
}


@pytest.mark.parametrize(("edit", "reason"), matrix(NOT_A_DRAW))
def test_a_payload_that_is_not_a_draw_is_quarantined_and_nothing_after_it_fetched(
    caixa_server, new_draws, caplog, edit, reason
) -> None:
    caixa_server.inject("3701", Fault(payload_edit=edit))
    state = ingest_draws(return_state=True)
    assert state.is_completed() and "quarantined concurso(s) [3701]" in state.message
    assert stored_concursos_after_3700() == []  # 3702 is valid but would leave a gap
    assert caixa_server.request_count("3701") == 1  # not retried: asking again cannot make it a draw
    [quarantined] = rows(schema.quarantine)
    assert quarantined.concurso == 3701 and reason in quarantined.reason
    assert "\x00" not in quarantined.payload and json.loads(quarantined.payload)["tipoJogo"]
    assert f"Rejected caixa payload for concurso 3701: concurso 3701: {reason}" in caplog.text


# Numbers usual in every way after concurso 3700 but for the one rule each case breaks.
USUAL = [1, 2, 4, 5, 7, 9, 10, 12, 14, 16, 18, 20, 21, 23, 25]
BROKEN_RULES = {
    "14-numbers": (FIFTEEN_NUMBERS, numbers_edit(USUAL[1:]), "number_count: expected exactly 15, found 14"),
    "16-numbers": (FIFTEEN_NUMBERS, numbers_edit([*USUAL, 3]), "number_count: expected exactly 15, found 16"),
    "number-26": (NUMBERS_IN_RANGE, numbers_edit([*USUAL[:-1], 26]), "number: expected between 1 and 25, found 26"),
    "number-0": (NUMBERS_IN_RANGE, numbers_edit([0, *USUAL[1:]]), "number: expected between 1 and 25, found 0"),
    "repeated-number": (NUMBERS_DISTINCT, numbers_edit([1, 1, *USUAL[2:]]), "expected no number twice in one draw"),
    "date-before-previous": (
        DATE_IN_ORDER,
        {**numbers_edit(USUAL), "dataApuracao": "30/05/2026"},
        "days_since_previous: expected 0 or more, found -2",
    ),
    "date-in-the-future": (  # stored, it would wedge ingestion: every real draw after it dated "before" it
        DATE_NOT_FUTURE,
        {**numbers_edit(USUAL), "dataApuracao": "01/01/2099"},
        "days_after_today: expected 1 or fewer (no later than tomorrow in São Paulo), found ",
    ),
}


@pytest.mark.parametrize(("rule", "edit", "detail"), matrix(BROKEN_RULES))
def test_a_fetched_draw_breaking_one_rule_is_quarantined_naming_its_expectation(
    caixa_server, new_draws, caplog, rule, edit, detail
) -> None:
    caixa_server.inject("3701", Fault(payload_edit=edit))
    state = ingest_draws(return_state=True)
    assert state.is_completed() and "quarantined concurso(s) [3701]" in state.message
    assert "held back [3702] behind a rejected concurso" in state.message
    assert stored_concursos_after_3700() == []
    [quarantined] = rows(schema.quarantine)
    assert quarantined.concurso == 3701 and quarantined.source == "caixa"
    assert quarantined.reason.startswith(f'concurso 3701 failed the validation suite: "{rule}"')
    assert [name for name in REJECTING_RULES if f'"{name}"' in quarantined.reason] == [rule]
    assert detail in quarantined.reason
    assert json.loads(quarantined.payload)["listaDezenas"] == edit["listaDezenas"]
    assert quarantined.reason in caplog.text


def test_a_backfill_leaving_a_gap_is_quarantined_naming_the_continuity_expectation(
    caixa_server, new_draws, caplog
) -> None:
    state = backfill(3702, 3702, return_state=True)  # 3701 is not stored
    assert state.is_completed() and "quarantined concurso(s) [3702]" in state.message
    assert stored_concursos_after_3700() == []
    [quarantined] = rows(schema.quarantine)
    assert quarantined.reason == (
        f'concurso 3702 failed the validation suite: "{CONCURSO_FOLLOWS}" '
        "(concurso_step: expected 1 (the concurso right after the previous one), found 2)"
    )
    assert quarantined.reason in caplog.text


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


def test_a_latest_answer_for_a_stored_concurso_with_other_numbers_is_quarantined_as_a_conflict(
    caixa_server, history, caplog
) -> None:
    caixa_server.inject("latest", Fault(payload_edit=numbers_edit(list(range(11, 26)))))
    state = ingest_draws(return_state=True)
    assert state.is_completed() and "quarantined concurso(s) [3700]" in state.message
    assert open_workspace().draws.last_draw() == history[-1]
    [quarantined] = rows(schema.quarantine)
    assert quarantined.concurso == 3700 and quarantined.source == "caixa"
    assert quarantined.reason.startswith("latest answer of caixa: concurso 3700 is stored as")
    assert (
        f"the source now says {history[-1].date} {list(range(11, 26))}. The stored draw is kept." in quarantined.reason
    )
    assert quarantined.reason in caplog.text
    [run] = rows(schema.ingest_runs)
    assert run.quarantined == 1 and quarantined.reason in run.note


def test_a_latest_answer_older_than_the_stored_history_is_reported_as_stale(caixa_server, caplog) -> None:
    caixa_server.inject("latest", Fault(concurso=3650))
    state = ingest_draws(return_state=True)
    stale = StaleLatest("caixa", 3650, 3700)
    assert state.is_completed() and state.message == stale.sentence
    summary = state.result()
    assert isinstance(summary, IngestSummary) and summary.stale == stale and summary.latest_seen == 3650
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"Stale source: {stale.sentence}" in warnings
    assert rows(schema.quarantine) == []  # its copy of 3650 is the stored one
    assert open_workspace().draws.last_concurso() == 3700
    [run] = rows(schema.ingest_runs)
    assert run.latest_seen == 3650 and stale.sentence in run.note


def test_two_draws_on_one_date_are_both_stored(caixa_server, history, caplog) -> None:
    day = history[-1].date + dt.timedelta(days=1)
    caixa_server.add_draws([Draw.checked(3701, day, history[-3].numbers), Draw.checked(3702, day, history[-4].numbers)])
    state = ingest_draws(return_state=True)
    assert state.is_completed() and not state.message
    assert stored_concursos_after_3700() == [3701, 3702]
    assert "Stored concursos [3701, 3702]" in caplog.text


def test_five_missing_concursos_are_all_fetched_in_order(caixa_server, history, caplog) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 5))
    state = ingest_draws(return_state=True)
    assert state.is_completed()
    assert stored_concursos_after_3700() == [3701, 3702, 3703, 3704, 3705]
    numbered = [int(p.rsplit("/", 1)[-1]) for p in caixa_server.requests if p.rsplit("/", 1)[-1].isdigit()]
    assert numbered == [3701, 3702, 3703, 3704]  # 3705 came with the "latest" answer
    assert len(rows(schema.raw_payloads)) == 5
    assert "Latest concurso at the source: 3705; fetched 5" in caplog.text
    assert "Stored concursos [3701, 3702, 3703, 3704, 3705]" in caplog.text


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
