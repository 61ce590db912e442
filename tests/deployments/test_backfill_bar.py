"""A backfill is never silent: a real ingest run of an empty Mega-Sena store backfills from the loopback CAIXA
server batch by batch, and the command line's bar (on a terminal) and the run's log follow every batch."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console

from deployments.backfill_bar import backfill_bar
from deployments.loopback.caixa_server import CaixaTestServer
from flows.ingest_draws import ingest_draws
from lotto_models.core.games import MEGASENA
from tests.conftest import use_lotto_env
from tests.ingest.game_stores import real_draws
from tests.shared_data import needs_shared_data

SERVED = 12  # Mega-Sena's first concursos: the whole history the server claims


@needs_shared_data
@pytest.mark.slow  # a real ingest flow run backfilling from the loopback server (about 20 s with its harness)
def test_a_backfill_run_on_a_terminal_shows_a_bar_of_the_concursos_stored_and_logs_each_batch(
    prefect_api, tmp_path, monkeypatch, caplog
) -> None:
    server = CaixaTestServer(real_draws(MEGASENA)[:SERVED], MEGASENA).start()
    screen = io.StringIO()
    try:
        use_lotto_env(monkeypatch, tmp_path / "home", server.base_url, None)
        monkeypatch.setenv("LOTTO_BACKFILL_BATCH_DRAWS", "5")
        monkeypatch.setenv("LOTTO_BACKFILL_PAUSE_S", "0")
        caplog.set_level(logging.INFO)
        with backfill_bar(Console(file=screen, force_terminal=True, width=120)) as bar:
            assert bar is not None
            state = ingest_draws(game="megasena", return_state=True)
    finally:
        server.stop()
    assert state.is_completed()
    shown = screen.getvalue()
    assert "Mega-Sena backfill" in shown and f"{SERVED}/{SERVED}" in shown
    logged = [r.getMessage() for r in caplog.records if "backfill: concurso" in r.getMessage()]
    assert logged == [
        f"Mega-Sena backfill: concurso {n} of {SERVED} stored ({n} this run, {SERVED - n} to go)" for n in (5, 10, 12)
    ]


def test_off_a_terminal_there_is_no_bar() -> None:
    with backfill_bar(Console(file=io.StringIO(), force_terminal=False)) as bar:
        assert bar is None
