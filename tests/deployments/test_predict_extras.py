"""`lotto predict` shows what a game's bet asks for beside its numbers: the +Milionária guess's trevos, the Dia
de Sorte guess's month, as they were published with the guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotto_models.core.games import DIADESORTE, MAISMILIONARIA, Game
from lotto_models.core.guess_extras import GuessExtras
from lotto_models.core.settings import Settings
from lotto_models.workspace import close_workspaces, open_workspace
from tests.ingest.game_stores import real_draws
from tests.lotto_cli import run_lotto
from tests.shared_data import needs_shared_data

pytestmark = [needs_shared_data, pytest.mark.slow]  # a real `lotto` process (about a second)


@pytest.mark.parametrize(
    ("game", "extras", "shown"),
    [
        (MAISMILIONARIA, GuessExtras(trevos=(2, 5)), " + trevos 2 5  ["),
        (DIADESORTE, GuessExtras(month=7), " + month 7 (julho)  ["),
    ],
    ids=["maismilionaria", "diadesorte"],
)
def test_predict_prints_the_guessed_extras_beside_the_numbers(
    tmp_path: Path, game: Game, extras: GuessExtras, shown: str
) -> None:
    ws = open_workspace(Settings(home=tmp_path), game=game)
    draws = real_draws(game)[:5]
    ws.draws.seed(draws, "test")
    numbers = list(range(1, game.bet.default + 1))
    build = ws.predictions.record_ensemble("basic", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    assert ws.predictions.publish("basic", 6, numbers, {"stat": "stat/v1"}, build, extras=extras.as_dict())
    close_workspaces()

    answer = run_lotto(["predict", "--game", game.id, "--plan", "basic"], {"LOTTO_HOME": str(tmp_path)})

    assert answer.returncode == 0, answer.stderr
    assert f"basic: concurso 6: {' '.join(f'{n:02d}' for n in numbers)}{shown}" in answer.stdout
