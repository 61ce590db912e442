import numpy as np
import pandas as pd
import pytest

from lotto_models.modeling.dataset_cache import (
    CacheOutcome,
    load_or_build_dataset,
    load_or_build_datasets,
    prune_datasets,
)
from lotto_models.modeling.features import (
    BUILD_ORDER,
    NUMBER_COLUMNS,
    FeatureParams,
    FeatureSet,
    build_dataset,
    build_datasets,
    fingerprint,
)

PARAMS = FeatureParams(window=10, long_window=30, recent_window=50)


@pytest.fixture(scope="module")
def frame(history) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "concurso": [d.concurso for d in history],
            "date": [d.date for d in history],
            **{col: [d.numbers[i] for d in history] for i, col in enumerate(NUMBER_COLUMNS)},
        }
    )


@pytest.mark.parametrize("feature_set", list(FeatureSet))
def test_sample_i_predicts_the_draw_after_its_window(frame: pd.DataFrame, feature_set: FeatureSet) -> None:
    dataset = build_dataset(frame, feature_set, PARAMS)
    window = PARAMS.window_of(feature_set)
    assert len(dataset.inputs) == len(dataset.targets) == len(frame) - window
    assert dataset.target_concursos[0] == window + 1 and dataset.next_concurso == 3701
    assert dataset.target_concursos[-1] == 3700  # every feature set ends on the same latest draws
    assert set(np.flatnonzero(dataset.targets[0]) + 1) == set(frame.loc[window, NUMBER_COLUMNS])
    assert dataset.targets.sum(axis=1).tolist() == [15] * len(dataset.targets)


@pytest.mark.parametrize("feature_set", list(FeatureSet))
@pytest.mark.parametrize("t", [30, 60, 500, 3000, 3699])
def test_features_of_a_draw_do_not_change_when_it_or_later_draws_change(
    frame: pd.DataFrame, feature_set: FeatureSet, t: int
) -> None:
    """No leakage: the input that predicts row t depends only on rows before t."""
    if t < PARAMS.window_of(feature_set):
        pytest.skip(f"no sample predicts row {t} with a window of {PARAMS.window_of(feature_set)}")
    original = build_dataset(frame, feature_set, PARAMS)
    altered_frame = frame.copy()
    rng = np.random.default_rng(t)
    random_draws = np.sort(np.argsort(rng.random((len(frame) - t, 25)), axis=1)[:, :15] + 1, axis=1)
    altered_frame.loc[t:, NUMBER_COLUMNS] = random_draws.astype(np.int16)
    altered = build_dataset(altered_frame, feature_set, PARAMS)
    sample = t - PARAMS.window_of(feature_set)
    np.testing.assert_array_equal(original.inputs[: sample + 1], altered.inputs[: sample + 1])
    assert not np.array_equal(original.next_inputs, altered.next_inputs)  # the alteration did reach the features


def test_stat_features_match_a_direct_count(frame: pd.DataFrame) -> None:
    dataset = build_dataset(frame, FeatureSet.STAT, PARAMS)
    t = 200  # sample predicting row 210
    before = frame.loc[: 10 + t - 1, NUMBER_COLUMNS].to_numpy()
    number = 7
    all_time = (before == number).any(axis=1).mean()
    recent = (before[-50:] == number).any(axis=1).mean()
    last_seen = np.flatnonzero((before == number).any(axis=1))[-1]
    assert dataset.inputs[t, number - 1, 0] == pytest.approx(all_time)
    assert dataset.inputs[t, number - 1, 1] == pytest.approx(recent)
    assert dataset.inputs[t, number - 1, 2] == pytest.approx(np.log1p(len(before) - last_seen))


def test_an_unchanged_dataset_is_reused_and_a_corrupt_cache_rebuilt(frame: pd.DataFrame, tmp_path) -> None:
    first = load_or_build_dataset(frame, FeatureSet.LS15, PARAMS, tmp_path)
    again = load_or_build_dataset(frame, FeatureSet.LS15, PARAMS, tmp_path)
    assert (first.outcome, again.outcome) == (CacheOutcome.BUILT, CacheOutcome.REUSED)
    assert again.path == first.path and again.fingerprint == first.fingerprint
    first.path.write_bytes(b"not a zip")
    after_corruption = load_or_build_dataset(frame, FeatureSet.LS15, PARAMS, tmp_path)
    assert after_corruption.outcome is CacheOutcome.REBUILT
    assert after_corruption.load().next_concurso == 3701
    newer = load_or_build_dataset(frame.iloc[:-1], FeatureSet.LS15, PARAMS, tmp_path)
    assert newer.outcome is CacheOutcome.BUILT and newer.path != first.path and newer.fingerprint != first.fingerprint


def test_per_step_blocks_match_a_direct_computation(frame: pd.DataFrame) -> None:
    dataset = build_dataset(frame, FeatureSet.LS14PP, PARAMS)
    sample, step = 300, PARAMS.window - 1  # the newest step of the window that predicts row 310
    row = sample + step  # the draw this step describes
    features = dataset.inputs[sample, step]
    draws = [set(frame.loc[i, NUMBER_COLUMNS]) for i in range(row + 1)]
    repeats = draws[row] & draws[row - 1]
    assert set(np.flatnonzero(features[25:50]) + 1) == repeats
    assert features[50] == pytest.approx(len(repeats) / 15)
    number = 13
    recent = [number in d for d in draws[row - 49 : row + 1]]
    assert features[51 + number - 1] == pytest.approx(np.mean(recent))
    last_seen = max(i for i, d in enumerate(draws) if number in d)
    assert features[76 + number - 1] == pytest.approx(np.log1p(row + 1 - last_seen))
    assert features[101] == pytest.approx((sum(draws[row]) - 195) / 30)
    assert features[102] == pytest.approx(sum(n % 2 for n in draws[row]) / 15)


def test_pruning_keeps_only_the_current_datasets(frame: pd.DataFrame, tmp_path) -> None:
    older = load_or_build_dataset(frame.iloc[:-1], FeatureSet.LS15, PARAMS, tmp_path)
    current = load_or_build_dataset(frame, FeatureSet.LS15, PARAMS, tmp_path)
    (tmp_path / "ls15-interrupted.partial.npz").write_bytes(b"half a file")
    removed = prune_datasets(tmp_path, [current])
    assert sorted(p.name for p in removed) == sorted([older.path.name, "ls15-interrupted.partial.npz"])
    assert [p.name for p in tmp_path.iterdir()] == [current.path.name]
    assert current.load().next_concurso == 3701


def test_window_datasets_are_stored_as_one_row_per_draw(frame: pd.DataFrame, tmp_path) -> None:
    ref = load_or_build_dataset(frame, FeatureSet.LS14PP, PARAMS, tmp_path)
    dataset = ref.load()
    assert dataset.steps is not None and dataset.steps.shape == (len(frame), dataset.inputs.shape[-1])
    assert ref.path.stat().st_size < dataset.inputs.nbytes / 5  # not a window of copies per sample
    np.testing.assert_array_equal(dataset.inputs, build_dataset(frame, FeatureSet.LS14PP, PARAMS).inputs)


def test_feature_sets_built_together_are_the_ones_built_alone_and_the_missing_ones_are_built_together(
    frame: pd.DataFrame, tmp_path
) -> None:
    together = {dataset.feature_set: dataset for dataset in build_datasets(frame, list(FeatureSet), PARAMS)}
    assert list(together) == BUILD_ORDER and set(together) == set(FeatureSet)
    for feature_set, dataset in together.items():
        alone = build_dataset(frame, feature_set, PARAMS)
        assert dataset.fingerprint == alone.fingerprint == fingerprint(frame, feature_set, PARAMS)
        for field in ("inputs", "targets", "target_concursos", "next_inputs"):
            np.testing.assert_array_equal(getattr(dataset, field), getattr(alone, field), err_msg=field)
    cached = load_or_build_dataset(frame, FeatureSet.LS15, PARAMS, tmp_path)
    refs = load_or_build_datasets(frame, [FeatureSet.LS15, FeatureSet.STAT, FeatureSet.LS18], PARAMS, tmp_path)
    assert {fs: ref.outcome for fs, ref in refs.items()} == {
        FeatureSet.LS15: CacheOutcome.REUSED,
        FeatureSet.STAT: CacheOutcome.BUILT,
        FeatureSet.LS18: CacheOutcome.BUILT,
    }
    assert refs[FeatureSet.LS15].path == cached.path
    np.testing.assert_array_equal(refs[FeatureSet.STAT].load().inputs, together[FeatureSet.STAT].inputs)


def test_log_delays_over_several_blocks_of_draws_match_a_direct_count() -> None:
    from lotto_models.modeling.features import BLOCK_DRAWS, _log_delay

    rng = np.random.default_rng(3)
    draws = 2 * BLOCK_DRAWS + 123  # the delays carry across two block boundaries
    hot = np.zeros((draws, 25), dtype=np.float32)
    for row in range(draws):
        hot[row, rng.choice(25, 15, replace=False)] = 1.0
    hot[BLOCK_DRAWS - 40 :, 7] = 0.0  # number 8 unseen since before the first boundary, then forever
    out = np.empty((draws, 25), dtype=np.float32)
    _log_delay(hot, out)
    last_seen = np.full(25, -1)
    for row in range(draws):
        last_seen[hot[row] > 0] = row
        np.testing.assert_allclose(out[row], np.log1p(row + 1 - last_seen), rtol=1e-6, err_msg=f"draw {row}")


@pytest.mark.parametrize("first", [0, 1])
def test_frequencies_over_several_blocks_of_draws_match_a_direct_count(first: int) -> None:
    from lotto_models.modeling.features import BLOCK_DRAWS, _frequencies

    rng = np.random.default_rng(4)
    draws, recent = 2 * BLOCK_DRAWS + 77, 50
    hot = np.zeros((draws, 25), dtype=np.float32)
    for row in range(draws):
        hot[row, rng.choice(25, 15, replace=False)] = 1.0
    counts = np.concatenate([np.zeros((1, 25)), np.cumsum(hot, axis=0)])  # row t: draws 0..t-1
    t = np.arange(first, draws + 1)
    expected_recent = (counts[t] - counts[np.maximum(t - recent, 0)]) / np.minimum(np.maximum(t, 1), recent)[:, None]
    expected_all_time = counts[t] / np.maximum(t, 1)[:, None]
    recent_out = np.empty((len(t), 25), dtype=np.float32)
    all_time_out = np.empty((len(t), 25), dtype=np.float32)
    _frequencies(hot, first, recent, recent_out, all_time_out)
    np.testing.assert_allclose(recent_out, expected_recent, rtol=1e-6)
    np.testing.assert_allclose(all_time_out, expected_all_time, rtol=1e-6)
