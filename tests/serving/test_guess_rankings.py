"""A published guess keeps its ensemble's ranking of the whole pool (revision 0009): the guess is the ranking's
first default-bet numbers in every game, the `odd_even` guess included, and the store refuses a ranking that
breaks this."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.core.games import game
from lotto_models.core.guess_ranking import InvalidRankingError, guess_of_size
from lotto_models.core.plans import plans_of
from lotto_models.modeling.game_shape import GameShape
from lotto_models.serving.ensembles import guess_from, guess_with_odd_range, ranking_from
from lotto_models.serving.publishing import build_plan_datasets, publish_plan
from lotto_models.storage.ranked_guesses import newest_ranked_guesses
from lotto_models.workspace import Workspace
from tests.serving.test_game_publishing import with_stat_champion
from tests.training.game_workspaces import filled, game_workspace


@pytest.mark.parametrize("name", ["lotofacil", "megasena", "lotomania", "duplasena", "maismilionaria"])
def test_every_games_published_guess_is_the_head_of_its_stored_ranking(workspace: Workspace, name: str) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, name)))
    datasets = build_plan_datasets(ws)
    served = [name for name, plan in plans_of(ws.game).items() if "stat" in plan.members]  # Lotofácil's rnd has none
    guesses = {plan: publish_plan(ws, plan, datasets) for plan in served}
    stored = {g.plan: g for g in newest_ranked_guesses(ws.engine, ws.game)}
    numbers = ws.game.numbers
    for plan, guess in guesses.items():
        ranking = stored[plan].ranking
        assert ranking is not None and list(ranking) == guess.ranking
        assert sorted(ranking) == list(range(numbers.lowest, numbers.highest + 1))  # Lotomania's 00 included
        assert guess_of_size(ranking, ws.game.bet.default) == guess.numbers == list(stored[plan].numbers)
        assert stored[plan].extras == guess.extras  # +Milionária's trevos beside it


def test_the_odd_even_guess_is_the_head_of_its_ranking_and_the_number_it_skipped_comes_next() -> None:
    probabilities = np.linspace(0.9, 0.1, 25)  # 1 is the most probable, 25 the least
    guess = guess_with_odd_range(probabilities, (5, 5))  # only 5 odd numbers allowed among 15
    ranking = ranking_from(probabilities, guess)
    assert set(ranking[:15]) == set(guess) and sum(n % 2 for n in guess) == 5
    skipped = min(n for n in range(1, 26) if n not in guess)
    assert ranking[15] == skipped  # the best number the odd-count rule left out is the 16th


def test_the_ranking_follows_the_probabilities_with_ties_to_the_lower_number() -> None:
    shape = GameShape.of(game("lotomania"))
    probabilities = np.full(100, 0.2)
    probabilities[[0, 99, 42]] = [0.9, 0.8, 0.7]
    ranking = ranking_from(probabilities, guess_from(probabilities, shape), shape)
    assert ranking[:4] == [0, 99, 42, 1] and len(ranking) == 100


@pytest.mark.parametrize(
    ("ranking", "problem"),
    [
        (list(range(1, 25)), "holds each of 1..25 once; got 24 numbers"),
        ([*range(1, 25), 1], "got 25 numbers, 24 of them distinct"),
        ([25, *range(1, 25)], "first 15 numbers [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 25] are not the guess"),
    ],
)
def test_the_store_refuses_a_ranking_that_is_not_the_guess_followed_by_the_rest(
    workspace: Workspace, ranking: list[int], problem: str
) -> None:
    build = workspace.predictions.record_ensemble("free", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    with pytest.raises(InvalidRankingError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        workspace.predictions.publish("free", 3000, list(range(1, 16)), {"stat": "stat/v1"}, build, ranking=ranking)
    assert not workspace.predictions.has_prediction("free", 3000)  # nothing was written


def test_a_guess_stored_without_a_ranking_reads_back_with_none(workspace: Workspace) -> None:
    build = workspace.predictions.record_ensemble("free", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    workspace.predictions.publish("free", 3000, list(range(1, 16)), {"stat": "stat/v1"}, build)
    best_last = list(range(25, 0, -1))
    workspace.predictions.publish("free", 3001, list(range(11, 26)), {"stat": "stat/v1"}, build, ranking=best_last)
    [newest] = newest_ranked_guesses(workspace.engine, workspace.game)
    assert (newest.concurso, newest.ranking) == (3001, tuple(best_last))
    workspace.predictions.publish("gold", 3001, list(range(1, 16)), {"stat": "stat/v1"}, build)
    assert [(g.plan, g.ranking) for g in newest_ranked_guesses(workspace.engine, workspace.game)][1] == ("gold", None)
