"""Publishing another game than Lotofácil: each plan's guess is the game's default bet of distinct numbers in
its range, and its extras (trevos, month, team) are the most frequent of the stored history, scored against
the draw like the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lotto_models.core.draws import DrawExtras
from lotto_models.core.games import game
from lotto_models.core.guess_extras import GuessExtras, extra_hits
from lotto_models.core.plans import PLANS, plans_of
from lotto_models.modeling.features import FeatureSet
from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape
from lotto_models.serving.ensembles import guess_from
from lotto_models.serving.extras import guess_extras
from lotto_models.serving.publishing import (
    build_plan_datasets,
    plan_feature_sets,
    plans_missing_guess,
    publish_plan,
)
from lotto_models.training.challengers import build_feature_dataset, promote_challenger, train_challenger
from lotto_models.workspace import Workspace
from tests.training.game_workspaces import filled, game_workspace


def with_stat_champion(ws: Workspace) -> Workspace:
    """`ws` (filled) with a promoted `stat`: every plan can serve, degraded where its networks are missing."""
    ref = build_feature_dataset(ws, FeatureSet.STAT)
    result = train_challenger(ws, "stat", ref)
    assert promote_challenger(ws, "stat", result.version_id, ref).promote
    return ws


def publish_every_plan(ws: Workspace) -> dict:
    datasets = build_plan_datasets(ws)
    return {plan: publish_plan(ws, plan, datasets) for plan in plans_of(ws.game)}


def test_each_megasena_plan_publishes_6_distinct_numbers_of_1_to_60(workspace: Workspace) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, "megasena")))
    guesses = publish_every_plan(ws)
    assert set(guesses) == {"basic", "full"}
    for guess in guesses.values():
        assert len(set(guess.numbers)) == 6 and all(1 <= n <= 60 for n in guess.numbers)
        assert guess.newly_published and guess.extras == GuessExtras()
    assert ws.predictions.published_for("basic", ws.draws.last_concurso() + 1).numbers == guesses["basic"].numbers
    assert plans_missing_guess(ws) == [] and plans_missing_guess(workspace) == list(PLANS)  # Lotofácil's still miss


def test_a_megasena_plan_missing_its_network_serves_degraded_and_says_so(workspace: Workspace) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, "megasena")))
    guess = publish_every_plan(ws)["basic"]
    assert guess.degraded and "ls15pp has no champion" in guess.note
    assert guess.weights == {"stat": 1.0}


def test_each_lotomania_plan_publishes_50_distinct_numbers_of_0_to_99(workspace: Workspace) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, "lotomania")))
    for guess in publish_every_plan(ws).values():
        assert len(set(guess.numbers)) == 50 and all(0 <= n <= 99 for n in guess.numbers)


def test_a_maismilionaria_guess_carries_the_2_most_frequent_trevos_of_1_to_6(workspace: Workspace) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, "maismilionaria")))
    frame = ws.draws.frame()
    counts = pd.Series(frame[["t1", "t2"]].to_numpy().ravel()).value_counts()
    for guess in publish_every_plan(ws).values():
        assert len(guess.numbers) == 6 and len(guess.extras.trevos) == 2
        assert all(1 <= t <= 6 for t in guess.extras.trevos)
        assert min(counts[t] for t in guess.extras.trevos) >= counts.drop(list(guess.extras.trevos)).max()


def test_a_dia_de_sorte_guess_carries_the_most_frequent_month(workspace: Workspace) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, "diadesorte")))
    guess = publish_every_plan(ws)["basic"]
    months = ws.draws.frame()["month"].astype(int).value_counts()
    assert len(guess.numbers) == 7 and months[guess.extras.month] == months.max()


def test_a_timemania_guess_bets_10_numbers_and_the_most_frequent_team(workspace: Workspace) -> None:
    ws = with_stat_champion(filled(game_workspace(workspace, "timemania")))
    guess = publish_every_plan(ws)["full"]
    teams = ws.draws.frame()["team"].value_counts()
    assert len(set(guess.numbers)) == 10 and teams[guess.extras.team] == teams.max()


def test_dupla_sena_guesses_no_extras_one_bet_plays_both_draws(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "duplasena"))
    assert guess_extras(ws.game, ws.draws.frame()) == GuessExtras()


def test_frequency_ties_go_to_the_lower_trevo_and_month() -> None:
    frame = pd.DataFrame({"t1": [1, 3, 2], "t2": [5, 4, 6], "month": [9, 4, 9]})
    assert guess_extras(game("maismilionaria"), frame).trevos == (1, 2)
    assert guess_extras(game("diadesorte"), frame).month == 9


def test_team_names_are_counted_with_case_and_spaces_folded() -> None:
    frame = pd.DataFrame({"team": ["Palmas/TO ", "PALMAS/TO", "SANTOS/SP"]})
    assert guess_extras(game("timemania"), frame).team == "PALMAS/TO"


@pytest.mark.parametrize(
    ("extras", "drawn", "hits"),
    [
        (GuessExtras(trevos=(2, 4)), DrawExtras(trevos=(4, 6)), 1),
        (GuessExtras(month=7), DrawExtras(month=7), 1),
        (GuessExtras(team="PALMAS/TO"), DrawExtras(team="palmas/to"), 1),
        (GuessExtras(team="PALMAS/TO"), DrawExtras(team="SANTOS/SP"), 0),
        (GuessExtras(), DrawExtras(second_draw=(1, 2, 3, 4, 5, 6)), None),
    ],
)
def test_a_guesss_extras_are_scored_against_the_draws(extras: GuessExtras, drawn: DrawExtras, hits) -> None:
    assert extra_hits(extras, drawn) == hits


def test_the_guess_refuses_probabilities_of_another_games_width() -> None:
    with pytest.raises(ValueError, match="25 probabilities for megasena's 60 numbers"):
        guess_from(np.full(25, 0.6), GameShape.of(game("megasena")))


def test_lotofacils_guess_is_still_its_15_most_probable_of_1_to_25() -> None:
    probabilities = np.linspace(0.1, 0.9, 25)
    assert guess_from(probabilities) == list(range(11, 26)) == guess_from(probabilities, LOTOFACIL_SHAPE)


def test_another_games_plans_read_their_members_feature_sets() -> None:
    assert {f.value for f in plan_feature_sets(["basic"], game("quina"))} == {"stat", "ls15pp"}
