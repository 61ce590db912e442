"""Other games end to end, on their real histories: the history imported, the next draws served by the loopback
CAIXA API in the official schema of the game (one of them broken, then repaired by the source), and the
after-draw flow with its `game` parameter: it stores the new draws, trains the game's models, gates them against
the game's own chance, and publishes each of the game's plans a guess of the game's bet size and range.

Real Prefect API, real SQLite, real HTTP server, real training (the smoke profile). Lotofácil's rows are not
touched by another game's run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit
from flows.after_draw import after_draw
from lotto_models.core.games import GAMES, Game
from lotto_models.core.plans import plans_of
from lotto_models.ingest.history_import import import_history_file
from lotto_models.modeling.catalog import MODELS, models_of
from lotto_models.modeling.random_baseline import RandomBaseline
from lotto_models.registry.versions import CHAMPION
from lotto_models.reporting.baseline import chance_words
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import use_lotto_env
from tests.ingest.game_stores import file_without_last_rows, real_draws
from tests.shared_data import needs_shared_data

pytestmark = [pytest.mark.slow, needs_shared_data]  # real training, on the real histories beside the checkout

GAMES_RUN = ("megasena", "quina", "lotomania")
NEW = 3  # the draws the run fetches: the newest three of the real history


@dataclass
class GameRun:
    game: Game
    imported: int
    state: Any
    stored: list[int]
    quarantined: list[Any]
    guesses: dict[str, Any]
    champions: dict[str, Any]
    lotofacil_draws: int
    second: Any
    stored_after_repair: list[int]


@pytest.fixture(scope="module", params=GAMES_RUN)
def game_run(request, prefect_api, tmp_path_factory) -> GameRun:
    game = GAMES[request.param]
    history = real_draws(game)
    work = tmp_path_factory.mktemp(game.id)
    server = CaixaTestServer(history, game).start()
    newest = history[-1].concurso
    # the newest draw is first served broken (a number too many), then as it really is
    broken = numbers_edit([*history[-1].numbers, 99 if 99 not in history[-1].numbers else 98])
    for target in ("latest", newest):  # however the run asks for it
        server.inject(target, *[Fault(payload_edit=broken)] * 5, game=game)  # more than one run's retries
    try:
        with pytest.MonkeyPatch.context() as env:
            use_lotto_env(env, work / "home", server.base_url, None)
            ws = open_workspace(game=game)
            report = import_history_file(ws, file_without_last_rows(game, NEW, work))
            state = after_draw(game=game.id, return_state=True)
            close_workspaces()
            ws = open_workspace(game=game)
            stored = sorted(d for d in range(newest - NEW + 1, newest + 1) if ws.draws.get_many([d]))
            quarantined = ws.quarantine.entries()
            next_concurso = ws.draws.last_concurso() + 1
            guesses = {plan: ws.predictions.published_for(plan, next_concurso) for plan in plans_of(game)}
            champions = {model: ws.versions.alias(model, CHAMPION) for model in models_of(game)}
            lotofacil_draws = open_workspace().draws.count()
            server.faults.clear()  # the source now serves the newest draw as it was drawn
            second = after_draw(game=game.id, return_state=True)
            close_workspaces()
            ws = open_workspace(game=game)
            after_repair = sorted(d for d in range(newest - NEW + 1, newest + 1) if ws.draws.get_many([d]))
            close_workspaces()
    finally:
        server.stop()
    imported = len(report.new)
    return GameRun(
        game, imported, state, stored, quarantined, guesses, champions, lotofacil_draws, second, after_repair
    )


def test_the_imported_history_is_stored_and_a_broken_new_draw_is_not(game_run: GameRun) -> None:
    history = real_draws(game_run.game)
    assert game_run.imported == len(history) - NEW
    assert history[-1].concurso not in game_run.stored  # the broken newest one is not


def test_a_broken_draw_of_the_game_is_quarantined_naming_the_game(game_run: GameRun) -> None:
    [entry] = game_run.quarantined
    assert entry.concurso == real_draws(game_run.game)[-1].concurso
    assert game_run.game.name in entry.reason


def test_the_run_trains_and_gates_every_model_of_the_game_against_its_own_chance(game_run: GameRun) -> None:
    assert game_run.state.is_completed(), game_run.state.message
    baseline = RandomBaseline.of(game_run.game)
    for model, champion in game_run.champions.items():
        assert champion is not None, model
        assert champion.artifact_key.startswith(f"{game_run.game.id}/{model}/v"), champion.artifact_key
        if "baseline_hits" in champion.metrics:
            assert champion.metrics["baseline_hits"] == pytest.approx(baseline.hits), model


def test_each_plan_of_the_game_publishes_a_guess_of_its_bet_size_in_its_range(game_run: GameRun) -> None:
    game = game_run.game
    for plan, guess in game_run.guesses.items():
        assert guess is not None, plan
        numbers = list(guess.numbers)
        assert len(numbers) == len(set(numbers)) == game.bet.default, plan
        assert all(game.numbers.lowest <= n <= game.numbers.highest for n in numbers), plan


def test_the_run_summary_quotes_the_games_own_chance_and_models(game_run: GameRun) -> None:
    text = game_run.state.result().text
    words = chance_words(game_run.game)
    assert f"vs {words.hits} random" in text and words.honest_note in text
    assert "9.0" not in text and "Lotofácil" not in text
    assert not any(f"Model {model}:" in text for model in set(MODELS) - set(models_of(game_run.game)))


def test_another_games_run_leaves_lotofacil_untouched(game_run: GameRun) -> None:
    assert game_run.lotofacil_draws == 0


def test_a_draw_the_source_serves_right_later_is_stored_by_the_next_run(game_run: GameRun) -> None:
    assert game_run.second.is_completed(), game_run.second.message
    newest = real_draws(game_run.game)[-1].concurso
    assert game_run.stored_after_repair == list(range(newest - NEW + 1, newest + 1))
