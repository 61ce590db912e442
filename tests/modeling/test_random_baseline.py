"""The random baseline of every game: the hypergeometric law of a random bet of the game's default size."""

import math

import pytest

from lotto_models.core.games import GAMES, game
from lotto_models.modeling.random_baseline import (
    BASELINE_HITS,
    BASELINE_HITS_SD,
    BASELINE_SHARE_11_PLUS,
    PER_GUESS_RANGE,
    RandomBaseline,
)


def test_lotofacil_keeps_its_figures_9_hits_sd_1_22_and_10_6_percent_of_11_or_more() -> None:
    assert BASELINE_HITS == 9.0
    assert round(BASELINE_HITS_SD, 2) == 1.22
    assert round(BASELINE_SHARE_11_PLUS, 3) == 0.106
    assert PER_GUESS_RANGE == (7, 11)


@pytest.mark.parametrize(("name", "hits"), [("megasena", 0.6), ("lotomania", 10.0), ("quina", 5 * 5 / 80)])
def test_a_games_baseline_is_its_default_bets_hypergeometric_mean(name: str, hits: float) -> None:
    assert RandomBaseline.of(game(name)).hits == pytest.approx(hits)


@pytest.mark.parametrize("name", sorted(GAMES))
def test_every_games_hit_law_sums_to_one_and_has_the_baselines_mean(name: str) -> None:
    baseline = RandomBaseline.of(GAMES[name])
    assert math.fsum(baseline.pmf) == pytest.approx(1.0)
    assert math.fsum(k * p for k, p in enumerate(baseline.pmf)) == pytest.approx(baseline.hits)


def test_the_constant_forecast_loss_is_the_entropy_of_the_share_drawn() -> None:
    megasena = RandomBaseline.of(game("megasena"))
    assert megasena.p == pytest.approx(0.1)
    assert megasena.bce == pytest.approx(-(0.1 * math.log(0.1) + 0.9 * math.log(0.9)))
