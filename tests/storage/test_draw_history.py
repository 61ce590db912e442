"""`storage.draw_history`: the stored draws as the web lists them, newest first with the run that stored
each, their span, and every draw's numbers for the players' pages."""

from __future__ import annotations

import datetime as dt

from lotto_models.core.draws import Draw
from lotto_models.storage.draw_history import DrawHistory, DrawSpan
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import Workspace


def _stored(ws: Workspace, *concursos: int) -> None:
    draws = [
        Draw(c, dt.date(2026, 1, 1) + dt.timedelta(days=c), tuple(range(c % 5 + 1, c % 5 + 16))) for c in concursos
    ]
    ws.draws.add([IncomingDraw(draw, "caixa") for draw in draws])
    ws.draws.log_ingest("caixa", max(concursos), len(concursos), 0, None, flow_run_id="run-1")


def test_an_empty_store_spans_no_draw(workspace: Workspace) -> None:
    assert DrawHistory(workspace.engine).span() == DrawSpan(0, None, None, None)


def test_a_concurso_not_stored_reads_as_none(workspace: Workspace) -> None:
    assert DrawHistory(workspace.engine).get(3000) is None


def test_draws_are_listed_newest_first_within_the_range_asked(workspace: Workspace) -> None:
    _stored(workspace, 3000, 3001, 3002, 3003)
    history = DrawHistory(workspace.engine)
    assert [d.concurso for d in history.newest(0, 10, from_concurso=3001, to_concurso=3002)] == [3002, 3001]
    assert history.count(from_concurso=3001, to_concurso=3002) == 2


def test_a_draw_names_the_ingest_run_that_stored_it(workspace: Workspace) -> None:
    _stored(workspace, 3000)
    stored = DrawHistory(workspace.engine).get(3000)
    assert stored is not None and stored.flow_run_id == "run-1"


def test_every_draws_numbers_are_read_oldest_first(workspace: Workspace) -> None:
    _stored(workspace, 3001, 3000)
    assert DrawHistory(workspace.engine).numbers() == [tuple(range(1, 16)), tuple(range(2, 17))]
