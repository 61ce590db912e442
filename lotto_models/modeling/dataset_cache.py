"""The dataset cache: each feature set's dataset kept in a file named by its fingerprint (the draws' content,
the feature set, its parameters, the code version and the file format), so unchanged data is reused, a file
that is not what its name says is rebuilt, and files of older draws are pruned."""

from __future__ import annotations

import enum
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lotto_models.modeling.feature_sets import FeatureParams, FeatureSet
from lotto_models.modeling.features import Dataset, build_datasets, draws_digest, fingerprint_from_digest


class CacheOutcome(enum.StrEnum):
    REUSED = "reused"
    BUILT = "built"
    REBUILT = "rebuilt"  # the cached file was unreadable or not what its name says: the fallback


@dataclass(frozen=True)
class DatasetRef:
    """A cached dataset, identified by its feature set and fingerprint; small enough to pass between tasks."""

    feature_set: FeatureSet
    fingerprint: str
    path: Path
    outcome: CacheOutcome = CacheOutcome.REUSED  # how this reference was obtained

    def load(self) -> Dataset:
        return Dataset.load(self.path)


def dataset_path(cache_dir: Path, feature_set: FeatureSet, fingerprint: str) -> Path:
    """Where the dataset of `feature_set` with `fingerprint` is cached."""
    return cache_dir / f"{feature_set.value}-{fingerprint}.npz"


def load_or_build_datasets(
    frame: pd.DataFrame,
    feature_sets: Iterable[FeatureSet],
    params: FeatureParams,
    cache_dir: Path,
    before_building: Callable[[Path], object] | None = None,
) -> dict[FeatureSet, DatasetRef]:
    """The cached dataset of each feature set for these draws, and whether it was reused, built or rebuilt;
    the missing ones are built together (`build_datasets`). `before_building(path)` may place a copy at
    `path` first (a shared copy another machine built), which is then checked like any cached file.

    A cache file that cannot be read, or whose recorded fingerprint is not the expected one, is
    rebuilt from the draws (the fallback "dataset cache rebuilt").
    """
    draws = draws_digest(frame, params.game)
    refs: dict[FeatureSet, DatasetRef] = {}
    missing: dict[FeatureSet, DatasetRef] = {}
    for feature_set in feature_sets:
        expected = fingerprint_from_digest(draws, feature_set, params)
        path = dataset_path(cache_dir, feature_set, expected)
        if not path.exists() and before_building is not None:
            before_building(path)
        outcome = CacheOutcome.BUILT
        if path.exists():
            try:
                if Dataset.load(path).fingerprint == expected:
                    refs[feature_set] = DatasetRef(feature_set, expected, path, CacheOutcome.REUSED)
                    continue
            except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
                pass
            outcome = CacheOutcome.REBUILT
        missing[feature_set] = DatasetRef(feature_set, expected, path, outcome)
    for dataset in build_datasets(frame, missing, params):
        ref = missing[dataset.feature_set]
        dataset.save(ref.path)
        refs[dataset.feature_set] = ref
        del dataset  # one dataset in hand at a time
    return refs


def load_or_build_dataset(
    frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams, cache_dir: Path
) -> DatasetRef:
    """The cached dataset of `feature_set` for these draws (`load_or_build_datasets`)."""
    return load_or_build_datasets(frame, [feature_set], params, cache_dir)[feature_set]


def prune_datasets(cache_dir: Path, current: Iterable[DatasetRef]) -> list[Path]:
    """Delete every cached dataset file but the `current` ones (and leftovers of interrupted writes).

    A dataset is keyed by the draws it was built from, so each new draw leaves the previous files
    unused for good; without this the cache grows by every feature set's size with every draw."""
    keep = {ref.path.resolve() for ref in current}
    removed = []
    for path in cache_dir.glob("*.npz"):
        if path.resolve() not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
