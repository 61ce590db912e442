"""The backfill of a game without a bundled history (issue 26), from the loopback CAIXA server serving Mega-Sena's
real first concursos: a first ingest on an empty store fetches by number from concurso 1, stores batch by batch
(a run stopped by its cap or killed midway goes on from the newest stored concurso), pauses between requests
and waits as long as a Retry-After asks. Timing is asserted on the server's arrival times, not on wall clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deployments.loopback.caixa_server import CaixaTestServer, Fault
from lotto_models.core.games import LOTOFACIL, MEGASENA
from lotto_models.ingest.backfill import BackfillProgress, backfill_due, backfill_history
from lotto_models.ingest.service import fetch_new_draws, store_validated_draws, validate_fetched
from lotto_models.workspace import Workspace, open_workspace
from tests.ingest.game_stores import game_workspace, real_draws
from tests.shared_data import needs_shared_data

pytestmark = [needs_shared_data, pytest.mark.slow]  # slow: backfills paced against a loopback server

SERVED = 40  # Mega-Sena's first concursos, the whole history the server claims
TOLERANCE_S = 0.02  # the server's arrival times against the client's send times


@pytest.fixture
def server() -> Iterator[CaixaTestServer]:
    server = CaixaTestServer(real_draws(MEGASENA)[:SERVED], MEGASENA).start()
    yield server
    server.stop()


def concursos_asked(server: CaixaTestServer) -> list[str]:
    return [path.rsplit("/", 1)[-1] for _, path in server.requests_of(MEGASENA)]


def test_a_first_ingest_of_an_empty_store_backfills_from_concurso_1_batch_by_batch(
    workspace: Workspace, server: CaixaTestServer
) -> None:
    ws = game_workspace(workspace, MEGASENA, server, backfill_batch_draws=10)
    steps: list[BackfillProgress] = []

    fetched = fetch_new_draws(ws, steps.append)
    summary = store_validated_draws(ws, fetched, validate_fetched(ws, fetched))

    assert summary.stored == list(range(1, SERVED + 1))
    assert ws.draws.get_many(range(1, SERVED + 1)) == {d.concurso: d for d in real_draws(MEGASENA)[:SERVED]}
    assert [(s.newest_stored, s.latest, s.remaining) for s in steps] == [
        (10, SERVED, 30),
        (20, SERVED, 20),
        (30, SERVED, 10),
        (40, SERVED, 0),
    ]
    assert all(server.request_count(n, MEGASENA) == 1 for n in range(1, SERVED))


def test_a_backfill_stopped_by_its_cap_goes_on_from_the_newest_stored_concurso(
    workspace: Workspace, server: CaixaTestServer
) -> None:
    ws = game_workspace(workspace, MEGASENA, server, backfill_batch_draws=10, backfill_max_draws_per_run=25)

    first = backfill_history(ws)
    second = backfill_history(ws)

    assert first.stored == list(range(1, 26))
    assert not first.complete
    assert "LOTTO_BACKFILL_MAX_DRAWS_PER_RUN" in (first.stopped_because or "")
    assert second.stored == list(range(26, SERVED + 1))
    assert second.complete
    assert all(server.request_count(n, MEGASENA) == 1 for n in range(1, SERVED))  # nothing asked twice


def test_a_killed_backfill_keeps_every_batch_it_stored(workspace: Workspace, server: CaixaTestServer) -> None:
    ws = game_workspace(workspace, MEGASENA, server, backfill_batch_draws=10)

    def killed_after_two_batches(step: BackfillProgress) -> None:
        if step.newest_stored >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill_history(ws, killed_after_two_batches)
    assert ws.draws.last_concurso() == 20
    assert backfill_due(ws)  # the next ingest goes on with the backfill

    resumed = backfill_history(ws)

    assert resumed.stored == list(range(21, SERVED + 1))
    assert ws.draws.count() == SERVED


def test_the_backfill_pauses_between_two_requests(workspace: Workspace, server: CaixaTestServer) -> None:
    pause = 0.15
    ws = game_workspace(
        workspace, MEGASENA, server, backfill_batch_draws=4, backfill_max_draws_per_run=8, backfill_pause_s=pause
    )

    backfill_history(ws)

    arrivals = [at for at, _ in server.requests_of(MEGASENA)]
    assert concursos_asked(server) == ["megasena", "1", "2", "3", "4", "megasena", "5", "6", "7", "8"]
    assert min(b - a for a, b in zip(arrivals, arrivals[1:], strict=False)) >= pause - TOLERANCE_S


def test_a_refusal_is_asked_again_no_sooner_than_its_retry_after(workspace: Workspace, server: CaixaTestServer) -> None:
    ws = game_workspace(workspace, MEGASENA, server, backfill_batch_draws=5, backfill_max_draws_per_run=5)
    server.inject(3, Fault(status=429, body="", headers={"Retry-After": "1"}), game=MEGASENA)

    report = backfill_history(ws)

    assert report.stored == [1, 2, 3, 4, 5]
    times = [at for at, path in server.requests_of(MEGASENA) if path.endswith("/megasena/3")]
    assert len(times) == 2
    assert times[1] - times[0] >= 1.0 - TOLERANCE_S


def test_lotofacil_is_seeded_from_its_bundled_history_never_backfilled(
    workspace: Workspace, server: CaixaTestServer
) -> None:
    assert not backfill_due(open_workspace(workspace.settings, game=LOTOFACIL))
    assert backfill_due(game_workspace(workspace, MEGASENA, server))
