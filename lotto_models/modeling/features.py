"""Feature sets built from the stored draws, vectorised, with a fingerprint so unchanged data is reused.

Window feature sets describe each past draw j by a row of per-step features computed from draws 0..j
only; sample k is the window of rows k..k+w-1 and predicts draw k+w. `stat` describes each number at
time t by statistics of draws 0..t-1. So no input ever contains the draw it predicts, and every feature
set ends with the same latest draws: its last `holdout` samples are the same draws for all of them.
The last input (`next_inputs`) predicts the concurso after the newest stored one.

Every width follows the game (`FeatureParams.game`, Lotofácil's by default): a draw is a multi-hot row of
one column per number of its pool (number n in column n - lowest), read from its columns d1..d<drawn>.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lotto_models.core.cache import CACHE, file_signature
from lotto_models.core.errors import LotoflowError
from lotto_models.core.version import CODE_VERSION
from lotto_models.modeling.feature_sets import FeatureParams, FeatureSet, step_width
from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape

NUMBER_COLUMNS = list(LOTOFACIL_SHAPE.columns)  # the default game's (Lotofácil's) d1..d15
# The sum feature: a draw's sum less its mean, over a scale that is the same multiple of the sum's standard
# deviation in every game: Lotofácil's 30 (sd 18.03, so 1.66 sd), Mega-Sena's 67.5, Lotomania's 193.
SUM_SCALE = 30.0


def sum_scale(game: GameShape) -> float:
    """The scale of `game`'s sum feature (Lotofácil: exactly `SUM_SCALE`)."""
    return SUM_SCALE * math.sqrt(game.sum_variance / LOTOFACIL_SHAPE.sum_variance)


class DrawOutOfRangeError(LotoflowError, ValueError):
    """A frame's number outside its game's range: it has no column in the multi-hot matrix."""


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


def draw_matrix(frame: pd.DataFrame, game: GameShape = LOTOFACIL_SHAPE) -> np.ndarray:
    """Multi-hot matrix (draws × pool) of a frame of `game`'s draws, with columns d1..d<drawn>, in the frame's
    order: number n in column n - lowest (Lotomania's 0..99 in columns 0..99). Raises `DrawOutOfRangeError`
    for a number outside lowest..highest."""
    hot = np.zeros((len(frame), game.pool), dtype=np.float32)
    rows = np.arange(len(frame))
    for column in game.columns:  # one column at a time: no draws × drawn index matrix
        values = frame[column].to_numpy(dtype=np.int64)
        if len(values) and (values.min() < game.lowest or values.max() > game.highest):
            outside = sorted(set(values[(values < game.lowest) | (values > game.highest)].tolist()))
            raise DrawOutOfRangeError(
                f"{game.game}: column {column} holds {outside}, outside {game.lowest}..{game.highest}"
            )
        hot[rows, values - game.lowest] = 1.0
    return hot


# -- per-step blocks: row j uses draws 0..j ---------------------------------------------------------------
BLOCK_DRAWS = 4096  # draws per pass where a block is computed in passes (its temporaries stay in cache)


# Each block writes its columns into `out` (draws × its width), so a feature set is built in one array
# with no intermediate copies: the cost stays linear in the draws and its memory one row per draw.
def _repeats(hot: np.ndarray, drawn: int, out: np.ndarray) -> None:
    pool = hot.shape[1]
    flags = out[:, :pool]
    flags[0] = 0.0
    np.multiply(hot[1:], hot[:-1], out=flags[1:])
    np.sum(flags, axis=1, out=out[:, pool])
    out[:, pool] /= drawn


def _frequencies(
    hot: np.ndarray, first: int, recent: int, recent_out: np.ndarray, all_time_out: np.ndarray | None = None
) -> None:
    """Rows t = first, first+1, … (t ≤ draws): in `recent_out` the share of the last `recent` draws before t
    that drew each number (of all draws before t while t < recent), in `all_time_out` the share of all draws
    before t. The outputs may be strided views.

    From the counts of each number in draws 0..t-1, computed in blocks of draws with the `recent` rows of
    counts before each block: the counts (draws × pool) are never held whole, and a block's stay in cache."""
    rows, pool = len(recent_out), hot.shape[1]
    counts_at = np.zeros(pool, dtype=np.float32)  # counts[t] for t = the block's first row
    for a in range(first, first + rows, BLOCK_DRAWS):
        b = min(a + BLOCK_DRAWS, first + rows)
        lo = max(a - recent, 0)
        if a == first and first > 0:
            counts_at = hot[:first].sum(axis=0, dtype=np.float32)
        block = np.empty((b - lo, pool), dtype=np.float32)  # block[k] = counts[lo + k]
        block[0] = counts_at - hot[lo:a].sum(axis=0, dtype=np.float32)
        np.cumsum(hot[lo : b - 1], axis=0, dtype=np.float32, out=block[1:])
        block[1:] += block[0]
        t = np.arange(a, b, dtype=np.float32)
        out = recent_out[a - first : b - first]
        head = int(np.clip(recent - a, 0, b - a))  # rows with t < recent: their window starts at draw 0
        if head:
            np.divide(block[a - lo : a - lo + head], np.maximum(t[:head], 1)[:, None], out=out[:head])
        if head < b - a:
            np.subtract(block[a - lo + head :], block[a - lo + head - recent : b - lo - recent], out=out[head:])
            out[head:] /= recent
        if all_time_out is not None:
            np.divide(block[a - lo :], np.maximum(t, 1)[:, None], out=all_time_out[a - first : b - first])
        counts_at = block[-1] + hot[b - 1] if b - 1 < len(hot) else block[-1]


def _log_delay(hot: np.ndarray, out: np.ndarray) -> None:
    """Row j (j = 0..N-1): log(1 + draws since each number was last seen), over draws 0..j."""
    n = len(hot)
    table = np.log1p(np.arange(n + 2, dtype=np.float32))
    last_seen = np.full((hot.shape[1], 1), -1, dtype=np.int32)
    # In blocks of draws, carrying each number's last sighting: the temporaries stay a few hundred kB,
    # reused from block to block, instead of draws × pool integers touched once (the cost per draw of a
    # million draws was then higher than of ten thousand). Per number (rows of the transposed block are
    # contiguous), as an integer delay looked up in a table of log(1 + d): a gather is several times
    # cheaper than a logarithm per cell.
    for start in range(0, n, BLOCK_DRAWS):
        stop = min(start + BLOCK_DRAWS, n)
        draws = np.arange(start, stop, dtype=np.int32)
        seen = np.where(hot[start:stop].T > 0, draws, np.int32(-1))
        np.maximum(seen[:, :1], last_seen, out=seen[:, :1])
        np.maximum.accumulate(seen, axis=1, out=seen)
        last_seen = seen[:, -1:].copy()
        np.subtract(draws + 1, seen, out=seen)  # after draw j: j + 1 - last seen
        # mode="clip" (every delay is within the table) lets `take` write into a strided `out` unbuffered
        np.take(table, seen.T, out=out[start:stop], mode="clip")


def _extras(hot: np.ndarray, params: FeatureParams, out: np.ndarray) -> None:
    game = params.game
    pool = game.pool
    _frequencies(hot, 1, params.recent_window, out[:, :pool])  # row j (t = j + 1): draws 0..j
    _log_delay(hot, out[:, pool : 2 * pool])
    numbers = np.arange(game.lowest, game.highest + 1, dtype=np.float32)
    out[:, 2 * pool] = (hot @ numbers - game.mean_sum) / sum_scale(game)
    out[:, 2 * pool + 1] = hot @ (numbers % 2) / game.drawn  # the share of odd numbers


def stat_features_before_each_draw(
    hot: np.ndarray, recent_window: int, log_delays: np.ndarray | None = None
) -> np.ndarray:
    """(draws + 1) × pool × 3: for each t, all-time frequency, recent frequency and log delay over rows < t.
    `log_delays`: the draws' log-delay block (`_log_delay`), when another feature set computed it already."""
    features = np.empty((len(hot) + 1, hot.shape[1], 3), dtype=np.float32)
    _frequencies(hot, 0, recent_window, features[..., 1], features[..., 0])
    features[0, :, 2] = np.log1p(np.float32(1))  # before any draw: as if each number was last seen at -1
    if log_delays is None:
        _log_delay(hot, features[1:, :, 2])
    else:
        features[1:, :, 2] = log_delays
    return features


# Step columns: the draw (pool), then ls14's repeats (pool + 1) or ls15pp's extras (2 pool + 2); ls14pp has
# all three.
def _extras_columns(pool: int) -> slice:
    return slice(pool, 3 * pool + 2)  # within an ls15pp step


def _log_delay_columns(pool: int) -> slice:
    return slice(2 * pool, 3 * pool)  # within an ls15pp step


class FeatureBuilder:
    """Builds the feature sets of one frame of draws, each per-draw block computed once for all of them.

    ls15 and ls17 read the multi-hot draws themselves; ls15pp and ls18 read the same steps (draw and
    extras), which ls14pp extends with ls14's repeats and `stat` takes its log delays from. Building a
    feature set alone computes what it needs; `build_datasets` builds several in the order that shares.
    """

    def __init__(self, frame: pd.DataFrame, params: FeatureParams) -> None:
        self.frame = frame
        self.params = params
        self.hot = draw_matrix(frame, params.game)
        self.hot.flags.writeable = False  # ls15 and ls17 read it as their steps
        self._ls15pp_steps: np.ndarray | None = None
        self._draws = draws_digest(frame, params.game)

    def steps(self, feature_set: FeatureSet) -> np.ndarray:
        """Draws × features (float32): the draw itself, then the feature set's blocks."""
        hot, pool = self.hot, self.params.game.pool
        if feature_set in (FeatureSet.LS15, FeatureSet.LS17):
            return hot
        if feature_set in (FeatureSet.LS15PP, FeatureSet.LS18):
            return self.ls15pp_steps()
        repeats = slice(pool, 2 * pool + 1)
        steps = np.empty((len(hot), step_width(feature_set, pool)), dtype=np.float32)
        steps[:, :pool] = hot
        _repeats(hot, self.params.game.drawn, steps[:, repeats])
        if feature_set is FeatureSet.LS14PP:
            steps[:, repeats.stop :] = self.ls15pp_steps()[:, _extras_columns(pool)]
        return steps

    def ls15pp_steps(self) -> np.ndarray:
        """The draw and its extras per draw: ls15pp's and ls18's steps, and part of ls14pp's (built once)."""
        if self._ls15pp_steps is None:
            pool = self.params.game.pool
            steps = np.empty((len(self.hot), step_width(FeatureSet.LS15PP, pool)), dtype=np.float32)
            steps[:, :pool] = self.hot
            _extras(self.hot, self.params, steps[:, _extras_columns(pool)])
            steps.flags.writeable = False
            self._ls15pp_steps = steps
        return self._ls15pp_steps

    def forget_shared_steps(self) -> None:
        """Drop the steps ls15pp, ls18 and ls14pp share (a dataset that holds them keeps them alive)."""
        self._ls15pp_steps = None

    def dataset(self, feature_set: FeatureSet) -> Dataset:
        """The feature set for every draw after the first `window` draws, plus the input for the next draw."""
        frame, params, hot = self.frame, self.params, self.hot
        window = params.window_of(feature_set)
        if len(frame) <= window:
            raise ValueError(f"need more than {window} draws to build {feature_set.value}, have {len(frame)}")
        steps: np.ndarray | None
        if feature_set is FeatureSet.STAT:
            log_delays = (
                None if self._ls15pp_steps is None else self._ls15pp_steps[:, _log_delay_columns(params.game.pool)]
            )
            before = stat_features_before_each_draw(hot, params.recent_window, log_delays)  # row t: draws < t
            inputs, next_inputs = before[window : len(hot)], before[len(hot) :]
            steps = None
        else:
            steps = self.steps(feature_set)
            windows = windows_over(steps, window)
            inputs, next_inputs = windows[:-1], windows[-1:]  # window k holds rows k..k+w-1, predicts row k+w
        return Dataset(
            feature_set=feature_set,
            inputs=inputs,
            targets=hot[window:],
            target_concursos=frame["concurso"].to_numpy()[window:],
            next_inputs=np.array(next_inputs, dtype=np.float32),
            next_concurso=int(frame["concurso"].iloc[-1]) + 1,
            fingerprint=self.fingerprint(feature_set),
            steps=steps,
        )

    def fingerprint(self, feature_set: FeatureSet) -> str:
        return fingerprint_from_digest(self._draws, feature_set, self.params)


# The order in which several feature sets share their blocks: the ls15pp steps are built once for ls15pp,
# ls18, stat (its log delays) and ls14pp, and dropped after ls14pp.
BUILD_ORDER = [
    FeatureSet.LS15,
    FeatureSet.LS17,
    FeatureSet.LS14,
    FeatureSet.LS15PP,
    FeatureSet.LS18,
    FeatureSet.STAT,
    FeatureSet.LS14PP,
]


def build_datasets(frame: pd.DataFrame, feature_sets: Iterable[FeatureSet], params: FeatureParams) -> Iterator[Dataset]:
    """The datasets of `feature_sets`, one at a time in `BUILD_ORDER`, sharing the blocks they have in
    common; memory stays that of the shared blocks and the dataset in hand, if the caller keeps none."""
    wanted = set(feature_sets)
    builder = FeatureBuilder(frame, params)
    for feature_set in [fs for fs in BUILD_ORDER if fs in wanted]:
        yield builder.dataset(feature_set)
        if feature_set is FeatureSet.LS14PP:
            builder.forget_shared_steps()


def build_dataset(frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams) -> Dataset:
    """The feature set for every draw after the first `window` draws, plus the input for the next draw."""
    return FeatureBuilder(frame, params).dataset(feature_set)


DATASET_FORMAT = 2  # 2: window sets stored as their per-draw rows


def draws_digest(frame: pd.DataFrame, game: GameShape = LOTOFACIL_SHAPE) -> bytes:
    """The SHA-256 of the draws' content (concursos, dates and `game`'s numbers)."""
    digest = hashlib.sha256()
    digest.update(frame["concurso"].to_numpy(dtype=np.int64).tobytes())
    digest.update(pd.to_datetime(frame["date"]).to_numpy(dtype="datetime64[D]").tobytes())
    digest.update(frame[list(game.columns)].to_numpy(dtype=np.int16).tobytes())
    return digest.digest()


def fingerprint_from_digest(draws: bytes, feature_set: FeatureSet, params: FeatureParams) -> str:
    # `params`' repr names the game, except Lotofácil's (`FeatureParams.__repr__`): its fingerprints are the
    # ones they were before games were configurable
    identity = f"{feature_set.value}|{params}|{CODE_VERSION}|{DATASET_FORMAT}|".encode()
    return hashlib.sha256(identity + draws).hexdigest()[:32]


def fingerprint(frame: pd.DataFrame, feature_set: FeatureSet, params: FeatureParams) -> str:
    """Identifies a dataset: feature set, its parameters, code version and file format, and the draws'
    content (concursos, dates and numbers), hashed once for all the feature sets of a frame."""
    return fingerprint_from_digest(draws_digest(frame, params.game), feature_set, params)
