"""Each game's rows are its own: a workspace of one game neither sees nor disturbs another game's draws,
versions, guesses or quarantine, and a draw keeps its game's parts (second draw, trevos, month, team)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from lotto_models.core.draws import Draw, DrawExtras
from lotto_models.core.games import GAMES, game
from lotto_models.registry.registration import register_version
from lotto_models.storage.draw_store import DrawStore, IncomingDraw
from lotto_models.workspace import Workspace

DAY = dt.date(2026, 12, 2)
DRAWS = {
    "megasena": Draw(2956, DAY, (4, 5, 30, 33, 41, 52)),
    "lotomania": Draw(2835, DAY, tuple(range(0, 100, 5))),
    "duplasena": Draw(2872, DAY, (7, 15, 24, 41, 48, 50), DrawExtras(second_draw=(9, 37, 41, 43, 44, 49))),
    "maismilionaria": Draw(293, DAY, (1, 3, 7, 15, 23, 44), DrawExtras(trevos=(2, 4))),
    "diadesorte": Draw(1127, DAY, (3, 5, 8, 9, 19, 21, 30), DrawExtras(month=2)),
    "timemania": Draw(2306, DAY, (24, 31, 51, 57, 63, 71, 80), DrawExtras(team="PALMAS/TO")),
}


def of_game(workspace: Workspace, name: str) -> Workspace:
    g = game(name)
    return dataclasses.replace(
        workspace,
        game=g,
        draws=DrawStore(workspace.engine, g),
        versions=type(workspace.versions)(workspace.engine, g),
        predictions=type(workspace.predictions)(workspace.engine, g),
        quarantine=type(workspace.quarantine)(workspace.engine, g),
    )


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_a_draw_is_stored_and_read_back_whole_with_its_games_parts(workspace: Workspace, name: str) -> None:
    store = of_game(workspace, name).draws
    draw = DRAWS[name]
    assert store.add([IncomingDraw(draw, "caixa", {"numero": draw.concurso})]).new == [draw.concurso]
    assert store.last_draw() == draw
    frame = store.frame()
    in_files = GAMES[name].csv_columns[2:]  # the history file's columns, where the month is `mes`, the team `time`
    assert list(frame.columns) == ["concurso", "date", *({"mes": "month", "time": "team"}.get(c, c) for c in in_files)]


def test_a_game_sees_only_its_own_draws(workspace: Workspace) -> None:
    megasena = of_game(workspace, "megasena")
    megasena.draws.add([IncomingDraw(DRAWS["megasena"], "caixa")])
    assert workspace.draws.count() == 0 and workspace.draws.last_concurso() == 0
    assert megasena.draws.count() == 1 and megasena.draws.last_concurso() == 2956


def test_the_same_concurso_of_two_games_is_two_draws_not_a_conflict(workspace: Workspace) -> None:
    lotofacil = Draw(2956, DAY, tuple(range(1, 16)))
    assert workspace.draws.add([IncomingDraw(lotofacil, "caixa")]).new == [2956]
    result = of_game(workspace, "megasena").draws.add([IncomingDraw(DRAWS["megasena"], "caixa")])
    assert result.new == [2956] and result.conflicts == []
    assert workspace.draws.last_draw() == lotofacil


def test_versions_are_numbered_and_kept_per_game_under_their_games_folder(workspace: Workspace) -> None:
    megasena = of_game(workspace, "megasena")
    made = []
    for ws in (workspace, megasena):
        staged = ws.artifacts.staging_dir("stat")
        (staged / "stat_model.json").write_text('{"weights": [0.1, 0, 0, 0]}')
        made.append(register_version(ws.versions, ws.artifacts, "stat", staged, "fp", 1, {}, {}))
    lotofacil_v1, megasena_v1 = made
    assert (lotofacil_v1.version, megasena_v1.version) == (1, 1)
    assert (lotofacil_v1.artifact_key, megasena_v1.artifact_key) == ("stat/v1", "megasena/stat/v1")
    megasena.versions.set_champion("stat", megasena_v1.id)
    assert workspace.versions.alias("stat") is None
    assert megasena.versions.alias("stat") == megasena_v1
    assert workspace.versions.get(megasena_v1.id) is None
    megasena.artifacts.verify(megasena_v1)


def test_guesses_and_their_records_are_kept_per_game(workspace: Workspace) -> None:
    megasena = of_game(workspace, "megasena")
    for ws, numbers in ((workspace, list(range(1, 16))), (megasena, [4, 5, 30, 33, 41, 52])):
        build = ws.predictions.record_ensemble("free", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
        assert ws.predictions.publish("free", 2956, numbers, {"stat": "stat/v1"}, build)
    megasena.draws.add([IncomingDraw(DRAWS["megasena"], "caixa")])
    [score] = megasena.predictions.score_pending(megasena.draws)
    assert score.hits == 6
    assert workspace.predictions.score_pending(workspace.draws) == []  # Lotofácil's 2956 is not drawn yet
    assert [g["numbers"] for g in workspace.predictions.latest()] == [list(range(1, 16))]
    assert workspace.predictions.live_record("free").scored == 0


def test_the_quarantine_of_a_game_holds_only_its_entries(workspace: Workspace) -> None:
    megasena = of_game(workspace, "megasena")
    megasena.draws.quarantine(2957, "caixa", "{}", "Mega-Sena: 6 numbers per draw")
    assert workspace.quarantine.entries() == [] and workspace.draws.quarantine_count() == 0
    [entry] = megasena.quarantine.entries()
    assert entry.reason == "Mega-Sena: 6 numbers per draw" and megasena.draws.quarantine_count() == 1


def test_a_guesss_extras_are_kept_with_it_and_scored_against_the_draws(workspace: Workspace) -> None:
    milionaria = of_game(workspace, "maismilionaria")
    draw = DRAWS["maismilionaria"]  # trevos 2 and 4
    build = milionaria.predictions.record_ensemble("basic", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    guess = [1, 3, 7, 10, 20, 30]
    assert milionaria.predictions.publish(
        "basic", draw.concurso, guess, {"stat": "stat/v1"}, build, None, {"trevos": [2, 5]}
    )
    milionaria.draws.add([IncomingDraw(draw, "caixa")])
    [score] = milionaria.predictions.score_pending(milionaria.draws)
    assert (score.hits, score.extra_hits, score.second_draw_hits) == (3, 1, None)


def test_a_dupla_sena_guess_is_scored_on_both_draws(workspace: Workspace) -> None:
    dupla = of_game(workspace, "duplasena")
    draw = DRAWS["duplasena"]  # 7 15 24 41 48 50, then 9 37 41 43 44 49
    build = dupla.predictions.record_ensemble("basic", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    dupla.predictions.publish("basic", draw.concurso, [7, 9, 15, 37, 41, 43], {"stat": "stat/v1"}, build)
    dupla.draws.add([IncomingDraw(draw, "caixa")])
    [score] = dupla.predictions.score_pending(dupla.draws)
    assert (score.hits, score.second_draw_hits, score.extra_hits) == (3, 4, None)
