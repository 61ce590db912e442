"""Networks, the guess and the evaluation built from the game: Mega-Sena (6 of 1..60, a 6-number guess:
0.6 hits by chance) and Lotomania (20 of 0..99, a 50-number guess: 10 hits by chance), on random draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lotto_models.core.games import LOTOMANIA, MEGASENA
from lotto_models.core.settings import TrainingProfile
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.comparison import constant_forecast_loss, per_draw_log_loss, versus_constant_forecast
from lotto_models.modeling.evaluation import (
    evaluate_holdout,
    guess_numbers,
    hypergeometric_hits_pmf,
    invalid_output_reason,
)
from lotto_models.modeling.features import Dataset, FeatureParams, build_dataset
from lotto_models.modeling.fitting import fit_model, hyperparameters_for, load_predictor
from lotto_models.modeling.game_shape import GameShape
from lotto_models.modeling.splits import Splits, time_splits
from tests.modeling.synthetic_games import random_frame, random_targets

pytestmark = pytest.mark.slow  # real training of networks of other games

MEGASENA_SHAPE = GameShape.of(MEGASENA)
LOTOMANIA_SHAPE = GameShape.of(LOTOMANIA)
GAMES = [pytest.param(MEGASENA_SHAPE, id="megasena"), pytest.param(LOTOMANIA_SHAPE, id="lotomania")]
CHANCE_HITS = {"megasena": 0.6, "lotomania": 10.0}
TINY = TrainingProfile(epochs=2, units=8, batch_size=64, patience=1)


def _params(game: GameShape) -> FeatureParams:
    return FeatureParams(window=5, long_window=8, recent_window=20, tcn_window=8, game=game)


def _fit(name: str, game: GameShape, root: Path, bases: dict[str, Path] | None = None) -> tuple[Dataset, Splits]:
    spec = MODELS[name]
    dataset = build_dataset(random_frame(game, 260, seed=game.drawn), spec.feature_set, _params(game))
    splits = time_splits(len(dataset.targets), 60, 60, 30)
    hyperparameters = hyperparameters_for(spec, _params(game), TINY, {b: f"{b}/v1" for b in bases or {}})
    fit_model(spec, dataset, splits, hyperparameters, root / name, seed=1, base_dirs=bases)
    return dataset, splits


@pytest.fixture(scope="module", params=GAMES)
def trained_lstm(request, tmp_path_factory) -> tuple[GameShape, np.ndarray, np.ndarray]:
    """ls15pp trained on the game's random draws: (game, holdout probabilities, holdout targets)."""
    game = request.param
    root = tmp_path_factory.mktemp(game.game)
    dataset, splits = _fit("ls15pp", game, root)
    probabilities = load_predictor(MODELS["ls15pp"], root / "ls15pp")(dataset.inputs[splits.holdout])
    return game, probabilities, dataset.targets[splits.holdout]


def test_a_network_of_the_game_starts_at_its_constant_forecast() -> None:
    from lotto_models.modeling.networks import NetworkConfig, build_lstm

    game = MEGASENA_SHAPE
    network = build_lstm(NetworkConfig(name="ls15", window=5, units=4, game=game))
    probabilities = np.asarray(network(np.zeros((3, 5, game.pool), dtype=np.float32)))
    assert probabilities.shape == (3, game.pool)
    np.testing.assert_allclose(probabilities, game.drawn / game.pool, rtol=1e-6)


def test_a_tiny_network_trained_on_the_game_outputs_one_probability_per_number(trained_lstm) -> None:
    game, probabilities, targets = trained_lstm
    assert probabilities.shape == (len(targets), game.pool)
    assert invalid_output_reason(probabilities, game) is None


def test_a_game_s_hyperparameters_name_it_and_a_lotofacil_model_s_do_not() -> None:
    spec = MODELS["ls15pp"]
    assert hyperparameters_for(spec, _params(LOTOMANIA_SHAPE), TINY)["game"] == "lotomania"
    assert hyperparameters_for(spec, _params(LOTOMANIA_SHAPE), TINY)["features"] == 3 * 100 + 2
    assert "game" not in hyperparameters_for(spec, FeatureParams(), TINY)


def test_a_trained_model_of_the_game_is_judged_against_the_game_s_random_guess(trained_lstm) -> None:
    game, probabilities, targets = trained_lstm
    metrics = evaluate_holdout(probabilities, targets, game)
    assert metrics.baseline_hits == pytest.approx(CHANCE_HITS[game.game])
    assert len(metrics.hits_histogram) == min(game.bet, game.drawn) + 1
    assert not metrics.leakage_suspected


def test_the_stat_model_fits_the_game_s_numbers(tmp_path) -> None:
    dataset, splits = _fit("stat", MEGASENA_SHAPE, tmp_path)
    probabilities = load_predictor(MODELS["stat"], tmp_path / "stat")(dataset.inputs[splits.holdout])
    assert probabilities.shape == (60, MEGASENA_SHAPE.pool)
    assert probabilities.mean() == pytest.approx(MEGASENA_SHAPE.p, rel=0.15)


def test_ls16_stacks_on_the_game_s_ls14pp_and_ls15pp(tmp_path) -> None:
    bases = {}
    for name in ("ls14pp", "ls15pp"):
        _fit(name, MEGASENA_SHAPE, tmp_path)
        bases[name] = tmp_path / name
    dataset, splits = _fit("ls16", MEGASENA_SHAPE, tmp_path, bases)
    probabilities = load_predictor(MODELS["ls16"], tmp_path / "ls16")(dataset.inputs[splits.holdout])
    assert probabilities.shape == (60, MEGASENA_SHAPE.pool)


def test_a_network_given_no_inputs_gives_no_rows_of_the_game_s_width(tmp_path) -> None:
    dataset, _ = _fit("ls15", LOTOMANIA_SHAPE, tmp_path)
    assert load_predictor(MODELS["ls15"], tmp_path / "ls15")(dataset.inputs[:0]).shape == (0, 100)


@pytest.mark.parametrize("game", GAMES)
def test_the_guess_is_the_game_s_default_bet_of_distinct_numbers_in_its_range(game: GameShape) -> None:
    probabilities = np.random.default_rng(0).random((50, game.pool))
    guesses = guess_numbers(probabilities, game)
    assert guesses.shape == (50, game.bet)
    assert guesses.min() >= game.lowest and guesses.max() <= game.highest
    assert all(len(set(row)) == game.bet for row in guesses.tolist())


def test_the_guess_holds_the_most_probable_numbers_lotomania_s_zero_included() -> None:
    probabilities = np.full((1, 100), 0.1)
    probabilities[0, :50] = 0.3  # numbers 0..49
    assert guess_numbers(probabilities, LOTOMANIA_SHAPE).tolist() == [list(range(50))]


@pytest.mark.parametrize("game", GAMES)
def test_an_uninformed_forecast_scores_the_game_s_chance_hits(game: GameShape) -> None:
    targets = random_targets(game, 3000, seed=1)
    noise = np.random.default_rng(2).uniform(0.9, 1.1, targets.shape) * game.p
    metrics = evaluate_holdout(noise, targets, game)
    chance = CHANCE_HITS[game.game]
    assert metrics.baseline_hits == pytest.approx(chance)
    assert metrics.hits_ci95_low < chance < metrics.hits_ci95_high
    assert f"consistent with the random {chance:.1f}" in metrics.verdict()


@pytest.mark.parametrize("game", GAMES)
def test_the_baseline_losses_are_the_game_s_constant_forecast_ones(game: GameShape) -> None:
    metrics = evaluate_holdout(np.full((10, game.pool), game.p), random_targets(game, 10, seed=0), game)
    assert metrics.baseline_bce == pytest.approx(metrics.bce)
    assert metrics.baseline_brier == pytest.approx(game.p * (1 - game.p))


@pytest.mark.parametrize("game", GAMES)
def test_a_forecast_that_sees_the_game_s_answer_is_flagged_as_leakage(game: GameShape) -> None:
    targets = random_targets(game, 300, seed=4)
    metrics = evaluate_holdout(targets * 0.3 + game.p * 0.7, targets, game)
    assert metrics.leakage_suspected
    assert f"above the random {CHANCE_HITS[game.game]:.1f}" in metrics.verdict()


def test_lotomania_s_zero_hits_win_a_prize() -> None:
    targets = random_targets(LOTOMANIA_SHAPE, 20, seed=5)
    metrics = evaluate_holdout(1 - targets, targets, LOTOMANIA_SHAPE)  # every guess avoids the drawn numbers
    assert metrics.hits_histogram[0] == 20 and metrics.share_11_plus == 1.0


def test_the_game_s_hits_law_is_the_hypergeometric_one_of_its_bet() -> None:
    pmf = hypergeometric_hits_pmf(LOTOMANIA_SHAPE)
    assert len(pmf) == 21 and pmf.sum() == pytest.approx(1)
    assert (np.arange(21) * pmf).sum() == pytest.approx(10.0)


def test_outputs_summing_to_lotofacil_s_15_are_refused_for_mega_sena() -> None:
    reason = invalid_output_reason(np.full((5, 60), 0.25), MEGASENA_SHAPE)
    assert reason == "outputs sum to 15.00 per draw on average, expected about 6"


@pytest.mark.parametrize("game", GAMES)
def test_the_constant_forecast_loses_the_game_s_baseline_bce_on_every_draw(game: GameShape) -> None:
    targets = random_targets(game, 40, seed=6)
    losses = per_draw_log_loss(np.full(targets.shape, game.p), targets)
    np.testing.assert_allclose(losses, constant_forecast_loss(40, game), rtol=1e-9)
    assert versus_constant_forecast(losses, game=game).mean_difference == pytest.approx(0, abs=1e-12)
