"""Feature sets built from the stored draws, vectorised, with a fingerprint so unchanged data is reused.

Sample i of every feature set predicts the draw at row `window + i` and sees only rows before it, so the
feature sets share their targets and their holdout. The last input (`next_inputs`) predicts the concurso
after the newest stored one.
"""

from __future__ import annotations

import enum
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lotto_models.draws import NUMBERS
from lotto_models.version import CODE_VERSION

NUMBER_COLUMNS = [f"d{i}" for i in range(1, 16)]


class FeatureSet(enum.StrEnum):
    LS15 = "ls15"  # window of multi-hot draws: (window, 25)
    STAT = "stat"  # per number: all-time frequency, recent frequency, delay since last seen: (25, 3)


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


def fingerprint(frame: pd.DataFrame, feature_set: FeatureSet, window: int, recent_window: int) -> str:
    """Identifies a dataset: feature set, its parameters, last concurso, the draws' content, code version."""
    digest = hashlib.sha256()
    digest.update(f"{feature_set.value}|{window}|{recent_window}|{CODE_VERSION}|".encode())
    digest.update(str(int(frame["concurso"].iloc[-1]) if len(frame) else 0).encode())
    digest.update(pd.util.hash_pandas_object(frame[["concurso", "date", *NUMBER_COLUMNS]], index=False).to_numpy())
    return digest.hexdigest()[:32]


def build_dataset(frame: pd.DataFrame, feature_set: FeatureSet, window: int, recent_window: int) -> Dataset:
    """The feature set for every draw after the first `window` draws, plus the input for the next draw."""
    if len(frame) <= window:
        raise ValueError(f"need more than {window} draws to build {feature_set.value}, have {len(frame)}")
    hot = draw_matrix(frame)
    n = len(hot)
    if feature_set is FeatureSet.LS15:
        windows = np.lib.stride_tricks.sliding_window_view(hot, window, axis=0).transpose(0, 2, 1)
        inputs_all = np.ascontiguousarray(windows)  # window k holds rows k..k+window-1 and predicts row k+window
        inputs, next_inputs = inputs_all[:-1], inputs_all[-1:]
    elif feature_set is FeatureSet.STAT:
        before = stat_features_before_each_draw(hot, recent_window)  # row t uses draws 0..t-1 only
        inputs, next_inputs = before[window:n], before[n:]
    else:  # pragma: no cover - every member of FeatureSet is handled above
        raise ValueError(feature_set)
    return Dataset(
        feature_set=feature_set,
        inputs=inputs.astype(np.float32),
        targets=hot[window:],
        target_concursos=frame["concurso"].to_numpy()[window:],
        next_inputs=next_inputs.astype(np.float32),
        next_concurso=int(frame["concurso"].iloc[-1]) + 1,
        fingerprint=fingerprint(frame, feature_set, window, recent_window),
    )


def stat_features_before_each_draw(hot: np.ndarray, recent_window: int) -> np.ndarray:
    """(draws + 1) × 25 × 3: for each t, all-time frequency, recent frequency and scaled delay over rows < t."""
    n = len(hot)
    counts = np.vstack([np.zeros((1, NUMBERS), np.float32), np.cumsum(hot, axis=0, dtype=np.float32)])
    seen = np.arange(n + 1, dtype=np.float32)[:, None]
    all_time = counts / np.maximum(seen, 1)
    start = np.maximum(np.arange(n + 1) - recent_window, 0)
    recent = (counts - counts[start]) / np.maximum(seen - start[:, None], 1)
    row = np.arange(n)[:, None]
    last_seen_through = np.maximum.accumulate(np.where(hot > 0, row, -1), axis=0)
    last_seen_before = np.vstack([np.full((1, NUMBERS), -1), last_seen_through])
    delay = (np.arange(n + 1)[:, None] - last_seen_before).astype(np.float32)
    return np.stack([all_time, recent, np.log1p(delay)], axis=-1)


def load_or_build_dataset(
    frame: pd.DataFrame, feature_set: FeatureSet, window: int, recent_window: int, cache_dir: Path
) -> tuple[Path, bool]:
    """Path of the cached dataset for these draws, and whether it was rebuilt.

    A missing or unreadable cache file is rebuilt from the draws (the named fallback
    "dataset cache rebuilt"); a file whose fingerprint does not match is never used.
    """
    expected = fingerprint(frame, feature_set, window, recent_window)
    path = cache_dir / f"{feature_set.value}-{expected}.npz"
    if path.exists():
        try:
            if Dataset.load(path).fingerprint == expected:
                return path, False
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
            pass
    build_dataset(frame, feature_set, window, recent_window).save(path)
    return path, True
