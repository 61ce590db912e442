"""Feature sets built from the stored draws, vectorised, with a fingerprint so unchanged data is reused.

Window feature sets describe each past draw j by a row of per-step features computed from draws 0..j
only; sample k is the window of rows k..k+w-1 and predicts draw k+w. `stat` describes each number at
time t by statistics of draws 0..t-1. So no input ever contains the draw it predicts, and every feature
set ends with the same latest draws: its last `holdout` samples are the same draws for all of them.
The last input (`next_inputs`) predicts the concurso after the newest stored one.
"""

from __future__ import annotations

import enum
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lotto_models.core.cache import CACHE, file_signature
from lotto_models.core.draws import NUMBER_COLUMNS, NUMBERS, PER_DRAW
from lotto_models.core.settings import Settings
from lotto_models.core.version import CODE_VERSION

MEAN_SUM = PER_DRAW * (NUMBERS + 1) / 2  # 195: expected sum of a draw's numbers
SUM_SCALE = 30.0


class FeatureSet(enum.StrEnum):
    LS15 = "ls15"  # per step: the draw, multi-hot (25)
    LS14 = "ls14"  # ls15 + repeats from the previous draw: per-number flags (25) and count (1)
    LS15PP = "ls15pp"  # ls15 + recent frequency (25), log delay (25), sum and odd share (2)
    LS14PP = "ls14pp"  # ls14 + the same extras
    LS17 = "ls17"  # ls15 over the long window (research)
    STAT = "stat"  # per number at time t: all-time frequency, recent frequency, log delay (25 × 3)


@dataclass(frozen=True)
class FeatureParams:
    window: int = 10
    long_window: int = 30
    recent_window: int = 50

    @classmethod
    def of(cls, settings: Settings) -> FeatureParams:
        return cls(window=settings.window, long_window=settings.long_window, recent_window=settings.recent_window)

    def window_of(self, feature_set: FeatureSet) -> int:
        return self.long_window if feature_set is FeatureSet.LS17 else self.window


@dataclass(frozen=True)
class Dataset:
    feature_set: FeatureSet
    inputs: np.ndarray
    targets: np.ndarray
    target_concursos: np.ndarray
    next_inputs: np.ndarray
    next_concurso: int
    fingerprint: str

    @property
    def last_concurso(self) -> int:
        return self.next_concurso - 1

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        np.savez(
            partial,
            inputs=self.inputs,
            targets=self.targets,
            target_concursos=self.target_concursos,
            next_inputs=self.next_inputs,
            meta=np.array([self.feature_set.value, str(self.next_concurso), self.fingerprint]),
        )
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> Dataset:
        """The dataset in `path`; read once per process while the file is unchanged."""
        return CACHE.get("dataset", path, file_signature(path), lambda: cls._read(path))

    @classmethod
    def _read(cls, path: Path) -> Dataset:
        with np.load(path, allow_pickle=False) as data:
            feature_set, next_concurso, fingerprint = (str(v) for v in data["meta"])
            return cls(
                FeatureSet(feature_set),
                data["inputs"],
                data["targets"],
                data["target_concursos"],
                data["next_inputs"],
                int(next_concurso),
                fingerprint,
            )


def draw_matrix(frame: pd.DataFrame) -> np.ndarray:
    """Multi-hot matrix (draws × 25) of a frame with columns d1..d15, in the frame's order."""
    numbers = frame[NUMBER_COLUMNS].to_numpy(dtype=np.int64) - 1
    hot = np.zeros((len(frame), NUMBERS), dtype=np.float32)
    np.put_along_axis(hot, numbers, 1.0, axis=1)
    return hot


# -- per-step blocks: row j uses draws 0..j ---------------------------------------------------------------
def _repeats(hot: np.ndarray, _: FeatureParams) -> np.ndarray:
    flags = np.vstack([np.zeros((1, NUMBERS), np.float32), hot[1:] * hot[:-1]])
    return np.hstack([flags, flags.sum(axis=1, keepdims=True) / PER_DRAW])


def _cumulative(hot: np.ndarray) -> np.ndarray:
    """Row t: how often each number was drawn in draws 0..t-1 (t = 0..N)."""
    return np.vstack([np.zeros((1, NUMBERS), np.float32), np.cumsum(hot, axis=0, dtype=np.float32)])


def _recent_frequency_through(counts: np.ndarray, through: np.ndarray, recent: int) -> np.ndarray:
    start = np.maximum(through - recent, 0)
    return (counts[through] - counts[start]) / np.maximum(through - start, 1)[:, None]


def _log_delay_through(hot: np.ndarray) -> np.ndarray:
    """Row t (t = 0..N): log(1 + draws since each number was last seen), over draws 0..t-1."""
    n = len(hot)
    rows = np.arange(n)[:, None]
    last_seen_through = np.maximum.accumulate(np.where(hot > 0, rows, -1), axis=0)
    last_seen_before = np.vstack([np.full((1, NUMBERS), -1), last_seen_through])
    return np.log1p(np.arange(n + 1)[:, None] - last_seen_before).astype(np.float32)


def _extras(hot: np.ndarray, params: FeatureParams) -> np.ndarray:
    counts = _cumulative(hot)
    through = np.arange(1, len(hot) + 1)  # row j of the step describes draws 0..j
    recent = _recent_frequency_through(counts, through, params.recent_window)
    delay = _log_delay_through(hot)[1:]
    numbers = np.arange(1, NUMBERS + 1, dtype=np.float32)
    total = (hot @ numbers - MEAN_SUM) / SUM_SCALE
    odd_share = hot @ (numbers % 2) / PER_DRAW
    return np.hstack([recent, delay, total[:, None], odd_share[:, None]])


StepBlock = Callable[[np.ndarray, FeatureParams], np.ndarray]
STEP_BLOCKS: dict[FeatureSet, tuple[StepBlock, ...]] = {
    FeatureSet.LS15: (),
    FeatureSet.LS14: (_repeats,),
    FeatureSet.LS15PP: (_extras,),
    FeatureSet.LS14PP: (_repeats, _extras),
    FeatureSet.LS17: (),
}


def step_features(hot: np.ndarray, feature_set: FeatureSet, params: FeatureParams) -> np.ndarray:
    """Draws × features: the draw itself, then the feature set's blocks."""
    return np.hstack([hot, *(block(hot, params) for block in STEP_BLOCKS[feature_set])]).astype(np.float32)


def stat_features_before_each_draw(hot: np.ndarray, recent_window: int) -> np.ndarray:
    """(draws + 1) × 25 × 3: for each t, all-time frequency, recent frequency and log delay over rows < t."""
    counts = _cumulative(hot)
    t = np.arange(len(hot) + 1)
    all_time = counts / np.maximum(t, 1)[:, None]
    recent = _recent_frequency_through(counts, t, recent_window)
    return np.stack([all_time, recent, _log_delay_through(hot)], axis=-1)


def fingerprint(frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams) -> str:
    """Identifies a dataset: feature set, its parameters, last concurso, the draws' content, code version."""
    digest = hashlib.sha256()
    digest.update(f"{feature_set.value}|{params}|{CODE_VERSION}|".encode())
    digest.update(str(int(frame["concurso"].iloc[-1]) if len(frame) else 0).encode())
    digest.update(pd.util.hash_pandas_object(frame[["concurso", "date", *NUMBER_COLUMNS]], index=False).to_numpy())
    return digest.hexdigest()[:32]


def build_dataset(frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams) -> Dataset:
    """The feature set for every draw after the first `window` draws, plus the input for the next draw."""
    window = params.window_of(feature_set)
    if len(frame) <= window:
        raise ValueError(f"need more than {window} draws to build {feature_set.value}, have {len(frame)}")
    hot = draw_matrix(frame)
    if feature_set is FeatureSet.STAT:
        before = stat_features_before_each_draw(hot, params.recent_window)  # row t uses draws 0..t-1 only
        inputs, next_inputs = before[window : len(hot)], before[len(hot) :]
    else:
        steps = step_features(hot, feature_set, params)
        windows = np.lib.stride_tricks.sliding_window_view(steps, window, axis=0).transpose(0, 2, 1)
        inputs, next_inputs = windows[:-1], windows[-1:]  # window k holds rows k..k+w-1, predicts row k+w
    return Dataset(
        feature_set=feature_set,
        inputs=np.ascontiguousarray(inputs, dtype=np.float32),
        targets=hot[window:],
        target_concursos=frame["concurso"].to_numpy()[window:],
        next_inputs=np.ascontiguousarray(next_inputs, dtype=np.float32),
        next_concurso=int(frame["concurso"].iloc[-1]) + 1,
        fingerprint=fingerprint(frame, feature_set, params),
    )


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


def load_or_build_dataset(
    frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams, cache_dir: Path
) -> DatasetRef:
    """The cached dataset for these draws, and whether it was reused, built or rebuilt.

    A cache file that cannot be read, or whose recorded fingerprint is not the expected one, is
    rebuilt from the draws (the fallback "dataset cache rebuilt").
    """
    expected = fingerprint(frame, feature_set, params)
    path = cache_dir / f"{feature_set.value}-{expected}.npz"
    outcome = CacheOutcome.BUILT
    if path.exists():
        try:
            if Dataset.load(path).fingerprint == expected:
                return DatasetRef(feature_set, expected, path, CacheOutcome.REUSED)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
            pass
        outcome = CacheOutcome.REBUILT
    build_dataset(frame, feature_set, params).save(path)
    return DatasetRef(feature_set, expected, path, outcome)


# Step widths, and where ls15pp's columns sit inside an ls14pp step (ls16 reads both from one dataset).
STEP_WIDTHS = {
    FeatureSet.LS15: NUMBERS,
    FeatureSet.LS14: 2 * NUMBERS + 1,
    FeatureSet.LS15PP: 3 * NUMBERS + 2,
    FeatureSet.LS14PP: 4 * NUMBERS + 3,
    FeatureSet.LS17: NUMBERS,
}
LS15PP_COLUMNS_IN_LS14PP = [*range(NUMBERS), *range(2 * NUMBERS + 1, 4 * NUMBERS + 3)]
