import numpy as np
import pandas as pd
import pytest

from lotto_models.features import NUMBER_COLUMNS, Dataset, FeatureSet, build_dataset, load_or_build_dataset


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
    dataset = build_dataset(frame, feature_set, window=10, recent_window=50)
    assert len(dataset.inputs) == len(dataset.targets) == len(frame) - 10
    assert dataset.target_concursos[0] == 11 and dataset.next_concurso == 3701
    assert set(np.flatnonzero(dataset.targets[0]) + 1) == set(frame.loc[10, NUMBER_COLUMNS])
    assert dataset.targets.sum(axis=1).tolist() == [15] * len(dataset.targets)


@pytest.mark.parametrize("feature_set", list(FeatureSet))
@pytest.mark.parametrize("t", [10, 500, 3000, 3699])
def test_features_of_a_draw_do_not_change_when_it_or_later_draws_change(
    frame: pd.DataFrame, feature_set: FeatureSet, t: int
) -> None:
    """No leakage: the input that predicts row t depends only on rows before t."""
    original = build_dataset(frame, feature_set, 10, 50)
    altered_frame = frame.copy()
    rng = np.random.default_rng(t)
    random_draws = np.sort(np.argsort(rng.random((len(frame) - t, 25)), axis=1)[:, :15] + 1, axis=1)
    altered_frame.loc[t:, NUMBER_COLUMNS] = random_draws.astype(np.int16)
    altered = build_dataset(altered_frame, feature_set, 10, 50)
    sample = t - 10
    np.testing.assert_array_equal(original.inputs[: sample + 1], altered.inputs[: sample + 1])
    assert not np.array_equal(original.next_inputs, altered.next_inputs)  # the alteration did reach the features


def test_stat_features_match_a_direct_count(frame: pd.DataFrame) -> None:
    dataset = build_dataset(frame, FeatureSet.STAT, 10, 50)
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
    path, built = load_or_build_dataset(frame, FeatureSet.LS15, 10, 50, tmp_path)
    again, rebuilt = load_or_build_dataset(frame, FeatureSet.LS15, 10, 50, tmp_path)
    assert built and not rebuilt and again == path
    path.write_bytes(b"not a zip")
    _, rebuilt_after_corruption = load_or_build_dataset(frame, FeatureSet.LS15, 10, 50, tmp_path)
    assert rebuilt_after_corruption
    assert Dataset.load(path).next_concurso == 3701
    newer, built_newer = load_or_build_dataset(frame.iloc[:-1], FeatureSet.LS15, 10, 50, tmp_path)
    assert built_newer and newer != path
