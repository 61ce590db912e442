"""Ingest of other games than Lotofácil, on their real histories (issue 26): a history file imported into an empty
store of the game, new draws fetched from the loopback CAIXA server serving that game, a broken payload of the
game quarantined naming the game and the rule, and Lotofácil's draws left as they were."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit, official_payload
from lotto_models.core.draws import Draw
from lotto_models.core.games import (
    DIADESORTE,
    DUPLASENA,
    LOTOFACIL,
    LOTOMANIA,
    MAISMILIONARIA,
    MEGASENA,
    QUINA,
    TIMEMANIA,
    Game,
)
from lotto_models.ingest.history_import import import_history_file
from lotto_models.ingest.quarantine import QuarantineError, accept_entry
from lotto_models.ingest.service import (
    IngestSummary,
    fetch_new_draws,
    seed_store,
    store_validated_draws,
    validate_fetched,
)
from lotto_models.workspace import Workspace, open_workspace
from tests.ingest.game_stores import file_without_last_rows, game_workspace, real_draws
from tests.shared_data import history_path, needs_shared_data

pytestmark = [needs_shared_data, pytest.mark.slow]  # slow: whole real histories imported (Quina: 6,800 draws)

NUMBER_GAMES = [pytest.param(g, id=g.id) for g in (MEGASENA, QUINA, LOTOMANIA)]
GAMES_WITH_EXTRAS = [pytest.param(g, id=g.id) for g in (DUPLASENA, MAISMILIONARIA, DIADESORTE, TIMEMANIA)]
NEW_DRAWS = 3  # the last rows of a history file, served as new draws


@pytest.fixture
def server() -> Iterator[CaixaTestServer]:
    server = CaixaTestServer([], LOTOFACIL).start()
    yield server
    server.stop()


def ingest(ws: Workspace) -> IngestSummary:
    """Fetch, validate and store, as the ingest flow does."""
    fetched = fetch_new_draws(ws)
    return store_validated_draws(ws, fetched, validate_fetched(ws, fetched))


def imported_store(workspace: Workspace, game: Game, server: CaixaTestServer, tmp_path: Path) -> Workspace:
    """A store of `game` filled by importing its real history file but the last `NEW_DRAWS` rows, which
    `server` serves as new draws (with the whole history)."""
    server.add_draws(real_draws(game), game)
    ws = game_workspace(workspace, game, server)
    import_history_file(ws, file_without_last_rows(game, NEW_DRAWS, tmp_path))
    return ws


@pytest.mark.parametrize("game", NUMBER_GAMES)
def test_importing_a_real_history_stores_every_row_of_the_file(
    workspace: Workspace, server: CaixaTestServer, game: Game
) -> None:
    ws = game_workspace(workspace, game, server)
    rows = len(history_path(game).read_text(encoding="utf-8").splitlines()) - 1

    report = import_history_file(ws, history_path(game))

    assert report.counts() == {"new": rows, "identical": 0, "conflicting": 0, "invalid": 0, "held back": 0}
    assert ws.draws.count() == rows
    assert ws.quarantine.entries() == []  # Quina 380's date is a known anomaly: accepted with a warning
    assert ws.draws.get_many([rows])[rows] == real_draws(game)[-1]


@pytest.mark.parametrize("game", NUMBER_GAMES)
def test_new_draws_served_by_the_api_are_stored_with_their_numbers(
    workspace: Workspace, server: CaixaTestServer, game: Game, tmp_path: Path
) -> None:
    ws = imported_store(workspace, game, server, tmp_path)
    history = real_draws(game)
    new = [d.concurso for d in history[-NEW_DRAWS:]]

    summary = ingest(ws)

    assert summary.stored == new
    assert summary.quarantined == []
    assert ws.draws.get_many(new) == {d.concurso: d for d in history[-NEW_DRAWS:]}
    assert server.request_count(new[0], game) == 1


def test_lotomania_zero_is_stored_as_zero(workspace: Workspace, server: CaixaTestServer, tmp_path: Path) -> None:
    history = real_draws(LOTOMANIA)
    with_zero = next(d for d in reversed(history) if 0 in d.numbers)
    server.add_draws(history[: with_zero.concurso], LOTOMANIA)
    ws = game_workspace(workspace, LOTOMANIA, server)
    import_history_file(ws, file_without_last_rows(LOTOMANIA, len(history) - with_zero.concurso + 1, tmp_path))

    ingest(ws)

    stored = ws.draws.get_many([with_zero.concurso])[with_zero.concurso]
    assert 0 in stored.numbers
    assert stored == with_zero


@pytest.mark.parametrize("game", NUMBER_GAMES)
def test_a_payload_with_one_number_too_many_is_quarantined_naming_the_game_and_the_rule(
    workspace: Workspace, server: CaixaTestServer, game: Game, tmp_path: Path
) -> None:
    ws = imported_store(workspace, game, server, tmp_path)
    first_new = real_draws(game)[-NEW_DRAWS]
    extra = next(n for n in range(game.numbers.lowest, game.numbers.highest + 1) if n not in first_new.numbers)
    server.inject(first_new.concurso, Fault(payload_edit=numbers_edit(sorted([*first_new.numbers, extra]))), game=game)

    summary = ingest(ws)

    assert summary.stored == []
    assert summary.quarantined == [first_new.concurso]
    [entry] = ws.quarantine.entries()
    assert entry.concurso == first_new.concurso
    assert f'"{game.name}: {game.numbers.drawn} numbers per draw"' in entry.reason
    assert ws.draws.last_concurso() == first_new.concurso - 1  # nothing stored past it


def test_another_games_ingest_leaves_lotofacil_untouched(
    workspace: Workspace, server: CaixaTestServer, tmp_path: Path
) -> None:
    lotofacil = open_workspace(workspace.settings, game=LOTOFACIL)
    seed_store(lotofacil)
    before = lotofacil.draws.frame()
    ws = imported_store(workspace, MEGASENA, server, tmp_path)

    ingest(ws)

    assert seed_store(ws) == 0  # Lotofácil's bundled history is never seeded into another game
    assert ws.draws.count() == len(real_draws(MEGASENA))
    assert lotofacil.draws.frame().equals(before)
    assert lotofacil.quarantine.entries() == []
    assert server.request_count("latest", LOTOFACIL) == 0


def test_an_empty_store_of_a_game_without_bundled_history_is_not_seeded(
    workspace: Workspace, server: CaixaTestServer
) -> None:
    ws = game_workspace(workspace, QUINA, server)

    assert seed_store(ws) == 0
    assert ws.draws.count() == 0


@pytest.mark.parametrize("game", GAMES_WITH_EXTRAS)
def test_a_new_draw_is_stored_with_its_extras(workspace: Workspace, server: CaixaTestServer, game: Game) -> None:
    history = real_draws(game)
    server.add_draws(history, game)
    ws = game_workspace(workspace, game, server)
    ws.draws.seed(history[:-1], "test")
    newest: Draw = history[-1]
    assert newest.extras != dataclasses.replace(newest.extras, second_draw=(), trevos=(), month=None, team=None)

    summary = ingest(ws)

    assert summary.stored == [newest.concurso]
    assert ws.draws.get_many([newest.concurso])[newest.concurso] == newest


def test_a_held_answer_of_the_game_is_accepted_after_its_games_validation(
    workspace: Workspace, server: CaixaTestServer
) -> None:
    history = real_draws(MEGASENA)
    ws = game_workspace(workspace, MEGASENA, server)
    ws.draws.seed(history[:99], "test")
    payload = json.dumps(official_payload(history[99], MEGASENA), ensure_ascii=False)
    ws.draws.quarantine(100, "caixa", payload, "held for a person to look at")
    [entry] = ws.quarantine.entries()

    accept_entry(ws, entry.id, "checked against the official results page", "operator")

    assert ws.draws.get_many([100])[100] == history[99]


def test_a_held_answer_breaking_the_games_rule_cannot_be_accepted(
    workspace: Workspace, server: CaixaTestServer
) -> None:
    history = real_draws(MEGASENA)
    ws = game_workspace(workspace, MEGASENA, server)
    ws.draws.seed(history[:99], "test")
    extra = next(n for n in range(1, 61) if n not in history[99].numbers)
    broken = official_payload(history[99], MEGASENA) | numbers_edit(sorted([*history[99].numbers, extra]))
    ws.draws.quarantine(100, "caixa", json.dumps(broken), "7 numbers")
    [entry] = ws.quarantine.entries()

    with pytest.raises(QuarantineError, match="Mega-Sena: 6 numbers per draw"):
        accept_entry(ws, entry.id, "looks fine", "operator")
    assert ws.draws.last_concurso() == 99
