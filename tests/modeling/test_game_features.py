"""Features built from the game's pool and draw size: Mega-Sena (6 of 1..60) and Lotomania (20 of 0..99) on
random draws of those games, and Lotofácil's datasets unchanged to the last bit."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from lotto_models.core.games import LOTOMANIA, MEGASENA
from lotto_models.modeling import features
from lotto_models.modeling.feature_sets import columns_of, step_width
from lotto_models.modeling.features import (
    NUMBER_COLUMNS,
    SUM_SCALE,
    DrawOutOfRangeError,
    FeatureParams,
    FeatureSet,
    build_dataset,
    draw_matrix,
    fingerprint,
    sum_scale,
)
from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape
from tests.modeling.synthetic_games import random_frame

MEGASENA_SHAPE = GameShape.of(MEGASENA)
LOTOMANIA_SHAPE = GameShape.of(LOTOMANIA)
GAMES = [pytest.param(MEGASENA_SHAPE, id="megasena"), pytest.param(LOTOMANIA_SHAPE, id="lotomania")]
WINDOW_SETS = [fs for fs in FeatureSet if fs is not FeatureSet.STAT]
SMALL = {"window": 5, "long_window": 8, "recent_window": 20, "tcn_window": 8}

# Computed with the code before games were configurable (commit 29679ef, CODE_VERSION 0.1.0), on the frame
# of `_pinned_lotofacil_frame`: a Lotofácil dataset's fingerprint decides whether its models retrain.
LOTOFACIL_FINGERPRINTS = {
    FeatureSet.LS15: "98181d8f84e24f73a53e85751e77185c",
    FeatureSet.LS14: "85177f6a80044470d789575716232aa9",
    FeatureSet.LS15PP: "e7f0ffe8b2168fb7f6d5f8e10bd9d267",
    FeatureSet.LS14PP: "c1d23ac8a9d7360fd43a287f23476644",
    FeatureSet.LS17: "531c99f14286e4371ce1ffaefa5d5a03",
    FeatureSet.LS18: "5a2fc4653e16874648218a2f97e4805e",
    FeatureSet.STAT: "b9f13631325f0060f2e4a1b5aff61d90",
}


def _pinned_lotofacil_frame() -> pd.DataFrame:
    rng = np.random.default_rng(26)
    numbers = np.sort(np.argsort(rng.random((40, 25)), axis=1)[:, :15] + 1, axis=1)
    dates = [dt.date(2003, 9, 29) + dt.timedelta(days=7 * i) for i in range(40)]
    return pd.DataFrame(
        {"concurso": np.arange(1, 41), "date": dates, **{c: numbers[:, i] for i, c in enumerate(NUMBER_COLUMNS)}}
    )


def _params(game: GameShape) -> FeatureParams:
    return FeatureParams(**SMALL, game=game)


@pytest.fixture(scope="module", params=GAMES)
def game(request) -> GameShape:
    return request.param


@pytest.fixture(scope="module")
def frame(game: GameShape) -> pd.DataFrame:
    return random_frame(game, 300, seed=len(game.columns))


@pytest.mark.parametrize("feature_set", list(FeatureSet))
def test_lotofacil_fingerprints_of_a_fixed_frame_are_the_ones_before_games_were_configurable(
    feature_set: FeatureSet, monkeypatch
) -> None:
    monkeypatch.setattr(features, "CODE_VERSION", "0.1.0")
    assert fingerprint(_pinned_lotofacil_frame(), feature_set, FeatureParams()) == LOTOFACIL_FINGERPRINTS[feature_set]


def test_lotofacil_feature_params_keep_their_identity_string_without_the_game() -> None:
    assert repr(FeatureParams()) == "FeatureParams(window=10, long_window=30, recent_window=50, tcn_window=60)"


def test_another_game_s_feature_params_name_the_game_in_their_identity() -> None:
    assert repr(FeatureParams(game=MEGASENA_SHAPE)).endswith(", tcn_window=60, game=megasena:1..60:6)")


def test_the_same_draws_read_as_another_game_have_another_fingerprint() -> None:
    frame = random_frame(MEGASENA_SHAPE, 40, seed=1)
    widened = frame.assign(**{f"d{i}": frame["d1"] for i in range(7, 16)})  # columns Lotofácil reads
    assert fingerprint(frame, FeatureSet.LS15, FeatureParams(game=MEGASENA_SHAPE)) != fingerprint(
        widened, FeatureSet.LS15, FeatureParams()
    )


def test_lotofacil_sum_scale_is_exactly_its_constant() -> None:
    assert sum_scale(LOTOFACIL_SHAPE) == SUM_SCALE == 30.0


def test_draw_matrix_has_a_column_per_number_of_the_pool_and_drawn_ones_per_row(
    game: GameShape, frame: pd.DataFrame
) -> None:
    hot = draw_matrix(frame, game)
    assert hot.shape == (len(frame), game.pool)
    assert hot.sum(axis=1).tolist() == [game.drawn] * len(frame)
    drawn = frame.loc[7, list(game.columns)].to_numpy()
    assert sorted(np.flatnonzero(hot[7]) + game.lowest) == sorted(drawn)


def test_lotomania_s_zero_sits_in_the_first_column_and_99_in_the_last() -> None:
    frame = random_frame(LOTOMANIA_SHAPE, 2, seed=0)
    frame.loc[0, list(LOTOMANIA_SHAPE.columns)] = list(range(0, 19)) + [99]
    hot = draw_matrix(frame, LOTOMANIA_SHAPE)
    assert hot[0, 0] == 1.0 and hot[0, 99] == 1.0 and hot[0, 19:99].sum() == 0


@pytest.mark.parametrize(("shape", "value"), [(LOTOMANIA_SHAPE, 100), (MEGASENA_SHAPE, 0), (MEGASENA_SHAPE, 61)])
def test_a_number_outside_the_game_s_range_is_refused_naming_the_column(shape: GameShape, value: int) -> None:
    frame = random_frame(shape, 3, seed=0)
    frame.loc[1, "d2"] = value
    with pytest.raises(DrawOutOfRangeError, match=rf"{shape.game}: column d2 holds \[{value}\]"):
        draw_matrix(frame, shape)


@pytest.mark.parametrize("feature_set", WINDOW_SETS)
def test_window_steps_are_as_wide_as_the_game_s_pool_makes_them(
    game: GameShape, frame: pd.DataFrame, feature_set: FeatureSet
) -> None:
    dataset = build_dataset(frame, feature_set, _params(game))
    window = _params(game).window_of(feature_set)
    assert dataset.inputs.shape == (len(frame) - window, window, step_width(feature_set, game.pool))
    assert dataset.targets.shape == (len(frame) - window, game.pool)


def test_stat_features_hold_three_statistics_per_number_of_the_pool(game: GameShape, frame: pd.DataFrame) -> None:
    dataset = build_dataset(frame, FeatureSet.STAT, _params(game))
    assert dataset.inputs.shape == (len(frame) - SMALL["window"], game.pool, 3)
    assert dataset.next_inputs.shape == (1, game.pool, 3)


def test_targets_are_the_game_s_draws_after_each_window(game: GameShape, frame: pd.DataFrame) -> None:
    dataset = build_dataset(frame, FeatureSet.LS15, _params(game))
    assert dataset.targets.sum(axis=1).tolist() == [game.drawn] * len(dataset.targets)
    first_target = frame.loc[SMALL["window"], list(game.columns)].to_numpy()
    assert sorted(np.flatnonzero(dataset.targets[0]) + game.lowest) == sorted(first_target)


def test_the_sum_feature_is_centred_and_scaled_alike_in_every_game(game: GameShape) -> None:
    steps = build_dataset(random_frame(game, 4000, seed=3), FeatureSet.LS15PP, _params(game)).steps
    assert steps is not None
    sums = steps[:, 3 * game.pool]  # after the draw, the recent frequencies and the log delays
    assert abs(sums.mean()) < 0.03
    assert sums.std() == pytest.approx(18.03 / 30.0, rel=0.05)  # Lotofácil's sd over its scale of 30


def test_the_odd_share_is_the_share_of_odd_numbers_drawn(game: GameShape, frame: pd.DataFrame) -> None:
    steps = build_dataset(frame, FeatureSet.LS15PP, _params(game)).steps
    assert steps is not None
    odd = (frame[list(game.columns)].to_numpy() % 2).sum(axis=1) / game.drawn
    np.testing.assert_allclose(steps[:, 3 * game.pool + 1], odd, rtol=1e-6)


def test_ls15pp_columns_sit_inside_ls14pp_steps_of_the_game(game: GameShape, frame: pd.DataFrame) -> None:
    ls14pp = build_dataset(frame, FeatureSet.LS14PP, _params(game))
    ls15pp = build_dataset(frame, FeatureSet.LS15PP, _params(game))
    columns = columns_of(FeatureSet.LS15PP, FeatureSet.LS14PP, game.pool)
    np.testing.assert_array_equal(ls14pp.inputs[..., columns], ls15pp.inputs)


@pytest.mark.parametrize("feature_set", [FeatureSet.LS14PP, FeatureSet.STAT])
def test_a_game_s_features_of_a_draw_do_not_change_when_later_draws_change(
    game: GameShape, frame: pd.DataFrame, feature_set: FeatureSet
) -> None:
    """No leakage in any game: the input that predicts row t depends only on rows before t."""
    t = 150
    original = build_dataset(frame, feature_set, _params(game))
    altered_frame = frame.copy()
    later = random_frame(game, len(frame) - t, seed=99)
    altered_frame.loc[t:, list(game.columns)] = later[list(game.columns)].to_numpy()
    altered = build_dataset(altered_frame, feature_set, _params(game))
    sample = t - _params(game).window_of(feature_set)
    np.testing.assert_array_equal(original.inputs[: sample + 1], altered.inputs[: sample + 1])
    assert not np.array_equal(original.next_inputs, altered.next_inputs)
