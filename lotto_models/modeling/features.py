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
from collections.abc import Callable, Iterable
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
    LS18 = "ls18"  # ls15pp over the TCN window of 60 draws (research)
    STAT = "stat"  # per number at time t: all-time frequency, recent frequency, log delay (25 × 3)


@dataclass(frozen=True)
class FeatureParams:
    window: int = 10
    long_window: int = 30
    recent_window: int = 50
    tcn_window: int = 60

    @classmethod
    def of(cls, settings: Settings) -> FeatureParams:
        return cls(
            window=settings.window,
            long_window=settings.long_window,
            recent_window=settings.recent_window,
            tcn_window=settings.tcn_window,
        )

    def window_of(self, feature_set: FeatureSet) -> int:
        if feature_set is FeatureSet.LS17:
            return self.long_window
        if feature_set is FeatureSet.LS18:
            return self.tcn_window
        return self.window


@dataclass(frozen=True)
class Dataset:
    """Samples of a feature set: `inputs[k]` predicts `targets[k]` (the draw `target_concursos[k]`).

    For window feature sets `inputs` is a read-only view of windows over `steps` (one row per draw), so
    a dataset costs one row per draw, not `window` rows per sample; indexing it copies only what is read.
    """

    feature_set: FeatureSet
    inputs: np.ndarray
    targets: np.ndarray
    target_concursos: np.ndarray
    next_inputs: np.ndarray
    next_concurso: int
    fingerprint: str
    steps: np.ndarray | None = None  # draws × features, when `inputs` are windows over it

    @property
    def last_concurso(self) -> int:
        return self.next_concurso - 1

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        arrays: dict[str, np.ndarray] = {
            "targets": self.targets.astype(np.uint8),
            "target_concursos": self.target_concursos,
            "next_inputs": self.next_inputs,
            "meta": np.array([self.feature_set.value, str(self.next_concurso), self.fingerprint]),
        }
        if self.steps is not None:
            arrays |= {"steps": self.steps, "window": np.array(self.inputs.shape[1])}
        else:
            arrays["inputs"] = self.inputs
        np.savez(partial, allow_pickle=False, **arrays)
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> Dataset:
        """The dataset in `path`; read once per process while the file is unchanged."""
        return CACHE.get("dataset", path, file_signature(path), lambda: cls._read(path))

    @classmethod
    def _read(cls, path: Path) -> Dataset:
        with np.load(path, allow_pickle=False) as data:
            feature_set, next_concurso, fingerprint = (str(v) for v in data["meta"])
            steps = data.get("steps")
            inputs = windows_over(steps, int(data["window"]))[:-1] if steps is not None else data["inputs"]
            return cls(
                FeatureSet(feature_set),
                inputs,
                data["targets"].astype(np.float32),
                data["target_concursos"],
                data["next_inputs"],
                int(next_concurso),
                fingerprint,
                steps,
            )


def windows_over(steps: np.ndarray, window: int) -> np.ndarray:
    """Read-only view: sample k is rows k..k+window-1 of `steps` (samples × window × features)."""
    return np.lib.stride_tricks.sliding_window_view(steps, window, axis=0).transpose(0, 2, 1)


def draw_matrix(frame: pd.DataFrame) -> np.ndarray:
    """Multi-hot matrix (draws × 25) of a frame with columns d1..d15, in the frame's order."""
    hot = np.zeros((len(frame), NUMBERS), dtype=np.float32)
    rows = np.arange(len(frame))
    for column in NUMBER_COLUMNS:  # one column at a time: no draws × 15 index matrix
        hot[rows, frame[column].to_numpy(dtype=np.int64) - 1] = 1.0
    return hot


# -- per-step blocks: row j uses draws 0..j ---------------------------------------------------------------
# Each block writes its columns into `out` (draws × its width), so a feature set is built in one array
# with no intermediate copies: the cost stays linear in the draws and its memory one row per draw.
def _repeats(hot: np.ndarray, _: FeatureParams, out: np.ndarray) -> None:
    flags = out[:, :NUMBERS]
    flags[0] = 0.0
    np.multiply(hot[1:], hot[:-1], out=flags[1:])
    np.sum(flags, axis=1, out=out[:, NUMBERS])
    out[:, NUMBERS] /= PER_DRAW


def _cumulative(hot: np.ndarray) -> np.ndarray:
    """Row t: how often each number was drawn in draws 0..t-1 (t = 0..N)."""
    counts = np.empty((len(hot) + 1, NUMBERS), dtype=np.float32)
    counts[0] = 0.0
    np.cumsum(hot, axis=0, dtype=np.float32, out=counts[1:])
    return counts


def _recent_frequency(counts: np.ndarray, first: int, recent: int, out: np.ndarray) -> None:
    """Rows t = first, first+1, …: the share of the last `recent` draws before t that drew each number.
    Written into `out` (which may be a strided view) from slices of `counts`: no temporary of its size."""
    rows = len(out)
    head = min(max(recent - first, 0), rows)  # rows with t < recent: their window starts at draw 0
    if head:
        np.subtract(counts[first : first + head], counts[0], out=out[:head])
        out[:head] /= np.maximum(np.arange(first, first + head, dtype=np.float32), 1)[:, None]
    if head < rows:
        start = first + head - recent
        np.subtract(counts[first + head : first + rows], counts[start : start + rows - head], out=out[head:])
        out[head:] /= recent


def _log_delay(hot: np.ndarray, out: np.ndarray) -> None:
    """Row j (j = 0..N-1): log(1 + draws since each number was last seen), over draws 0..j."""
    n = len(hot)
    # Computed per number (rows of the transposed matrix are contiguous), as an integer delay looked up
    # in a table of log(1 + d): a gather is several times cheaper than a logarithm per cell.
    seen = np.where(hot.T > 0, np.arange(n, dtype=np.int32), np.int32(-1))
    np.maximum.accumulate(seen, axis=1, out=seen)
    np.subtract(np.arange(1, n + 1, dtype=np.int32), seen, out=seen)  # after draw j: j + 1 - last seen
    # mode="clip" (every delay is within the table) lets `take` write into a strided `out` unbuffered
    np.take(np.log1p(np.arange(n + 2, dtype=np.float32)), seen.T, out=out, mode="clip")


def _extras(hot: np.ndarray, params: FeatureParams, out: np.ndarray) -> None:
    _recent_frequency(_cumulative(hot), 1, params.recent_window, out[:, :NUMBERS])  # row j: draws 0..j
    _log_delay(hot, out[:, NUMBERS : 2 * NUMBERS])
    numbers = np.arange(1, NUMBERS + 1, dtype=np.float32)
    out[:, 2 * NUMBERS] = (hot @ numbers - MEAN_SUM) / SUM_SCALE
    out[:, 2 * NUMBERS + 1] = hot @ (numbers % 2) / PER_DRAW


StepBlock = Callable[[np.ndarray, FeatureParams, np.ndarray], None]
STEP_BLOCKS: dict[FeatureSet, tuple[tuple[StepBlock, int], ...]] = {  # (block, its width)
    FeatureSet.LS15: (),
    FeatureSet.LS14: ((_repeats, NUMBERS + 1),),
    FeatureSet.LS15PP: ((_extras, 2 * NUMBERS + 2),),
    FeatureSet.LS14PP: ((_repeats, NUMBERS + 1), (_extras, 2 * NUMBERS + 2)),
    FeatureSet.LS17: (),
    FeatureSet.LS18: ((_extras, 2 * NUMBERS + 2),),
}


def step_features(hot: np.ndarray, feature_set: FeatureSet, params: FeatureParams) -> np.ndarray:
    """Draws × features (float32): the draw itself, then the feature set's blocks, written in place."""
    blocks = STEP_BLOCKS[feature_set]
    steps = np.empty((len(hot), NUMBERS + sum(width for _, width in blocks)), dtype=np.float32)
    steps[:, :NUMBERS] = hot
    column = NUMBERS
    for block, width in blocks:
        block(hot, params, steps[:, column : column + width])
        column += width
    return steps


def stat_features_before_each_draw(hot: np.ndarray, recent_window: int) -> np.ndarray:
    """(draws + 1) × 25 × 3: for each t, all-time frequency, recent frequency and log delay over rows < t."""
    counts = _cumulative(hot)
    features = np.empty((len(hot) + 1, NUMBERS, 3), dtype=np.float32)
    np.divide(counts, np.maximum(np.arange(len(hot) + 1, dtype=np.float32), 1)[:, None], out=features[..., 0])
    _recent_frequency(counts, 0, recent_window, features[..., 1])
    del counts
    features[0, :, 2] = np.log1p(np.float32(1))  # before any draw: as if each number was last seen at -1
    _log_delay(hot, features[1:, :, 2])
    return features


DATASET_FORMAT = 2  # 2: window sets stored as their per-draw rows


def fingerprint(frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams) -> str:
    """Identifies a dataset: feature set, its parameters, last concurso, the draws' content, code version."""
    digest = hashlib.sha256()
    digest.update(f"{feature_set.value}|{params}|{CODE_VERSION}|{DATASET_FORMAT}|".encode())
    digest.update(str(int(frame["concurso"].iloc[-1]) if len(frame) else 0).encode())
    digest.update(frame["concurso"].to_numpy(dtype=np.int64).tobytes())
    digest.update(pd.to_datetime(frame["date"]).to_numpy(dtype="datetime64[D]").tobytes())
    digest.update(frame[NUMBER_COLUMNS].to_numpy(dtype=np.int16).tobytes())
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
        steps = None
    else:
        steps = step_features(hot, feature_set, params)
        windows = windows_over(steps, window)
        inputs, next_inputs = windows[:-1], windows[-1:]  # window k holds rows k..k+w-1, predicts row k+w
    return Dataset(
        feature_set=feature_set,
        inputs=inputs,
        targets=hot[window:],
        target_concursos=frame["concurso"].to_numpy()[window:],
        next_inputs=np.array(next_inputs, dtype=np.float32),
        next_concurso=int(frame["concurso"].iloc[-1]) + 1,
        fingerprint=fingerprint(frame, feature_set, params),
        steps=steps,
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


def dataset_path(cache_dir: Path, feature_set: FeatureSet, fingerprint: str) -> Path:
    """Where the dataset of `feature_set` with `fingerprint` is cached."""
    return cache_dir / f"{feature_set.value}-{fingerprint}.npz"


def load_or_build_dataset(
    frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams, cache_dir: Path, expected: str | None = None
) -> DatasetRef:
    """The cached dataset for these draws, and whether it was reused, built or rebuilt. `expected` is the
    draws' `fingerprint`, when the caller has it already.

    A cache file that cannot be read, or whose recorded fingerprint is not the expected one, is
    rebuilt from the draws (the fallback "dataset cache rebuilt").
    """
    expected = expected or fingerprint(frame, feature_set, params)
    path = dataset_path(cache_dir, feature_set, expected)
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


# Step widths, and where ls15pp's columns sit inside an ls14pp step (ls16 reads both from one dataset).
STEP_WIDTHS = {
    FeatureSet.LS15: NUMBERS,
    FeatureSet.LS14: 2 * NUMBERS + 1,
    FeatureSet.LS15PP: 3 * NUMBERS + 2,
    FeatureSet.LS14PP: 4 * NUMBERS + 3,
    FeatureSet.LS17: NUMBERS,
    FeatureSet.LS18: 3 * NUMBERS + 2,
}
LS15PP_COLUMNS_IN_LS14PP = [*range(NUMBERS), *range(2 * NUMBERS + 1, 4 * NUMBERS + 3)]
