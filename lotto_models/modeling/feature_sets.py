"""The feature sets by name, their parameters and step layouts: what the catalog and the command line need,
without numpy or pandas (`modeling.features` builds them). A step's width follows the game's pool of numbers
(`FeatureParams.game`); Lotofácil's is the default."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape

if TYPE_CHECKING:
    from lotto_models.core.settings import Settings


class FeatureSet(enum.StrEnum):
    LS15 = "ls15"  # per step: the draw, multi-hot (one column per number of the pool)
    LS14 = "ls14"  # ls15 + repeats from the previous draw: per-number flags (pool) and count (1)
    LS15PP = "ls15pp"  # ls15 + recent frequency (pool), log delay (pool), sum and odd share (2)
    LS14PP = "ls14pp"  # ls14 + the same extras
    LS17 = "ls17"  # ls15 over the long window (research)
    LS18 = "ls18"  # ls15pp over the TCN window of 60 draws (research)
    STAT = "stat"  # per number at time t: all-time frequency, recent frequency, log delay (pool × 3)


@dataclass(frozen=True, repr=False)
class FeatureParams:
    window: int = 10
    long_window: int = 30
    recent_window: int = 50
    tcn_window: int = 60
    game: GameShape = LOTOFACIL_SHAPE

    @classmethod
    def of(cls, settings: Settings, game: GameShape = LOTOFACIL_SHAPE) -> FeatureParams:
        return cls(
            window=settings.window,
            long_window=settings.long_window,
            recent_window=settings.recent_window,
            tcn_window=settings.tcn_window,
            game=game,
        )

    def __repr__(self) -> str:
        """The dataclass's repr, which every dataset's fingerprint includes (`features.fingerprint_from_digest`):
        Lotofácil's is the one it had before games were configurable, without the game, so its datasets and
        models stay current; another game's names it (`GameShape.features_identity`)."""
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "game"]
        if not self.game.is_lotofacil:
            shown.append(f"game={self.game.features_identity}")
        return f"{type(self).__qualname__}({', '.join(shown)})"

    def window_of(self, feature_set: FeatureSet) -> int:
        if feature_set is FeatureSet.LS17:
            return self.long_window
        if feature_set is FeatureSet.LS18:
            return self.tcn_window
        return self.window


def step_width(feature_set: FeatureSet, pool: int) -> int:
    """The features per step of a window feature set, for a game of `pool` numbers (Lotofácil: 25, 51, 77, 103)."""
    widths = {
        FeatureSet.LS15: pool,
        FeatureSet.LS14: 2 * pool + 1,
        FeatureSet.LS15PP: 3 * pool + 2,
        FeatureSet.LS14PP: 4 * pool + 3,
        FeatureSet.LS17: pool,
        FeatureSet.LS18: 3 * pool + 2,
    }
    if feature_set not in widths:
        raise ValueError(f"{feature_set.value} has no steps: its inputs are per number, not per draw")
    return widths[feature_set]


def columns_of(feature_set: FeatureSet, within: FeatureSet, pool: int) -> list[int]:
    """Where `feature_set`'s step columns sit inside a `within` step, for a game of `pool` numbers: all of
    them for the same set; ls15pp's inside ls14pp's (the draw, then the extras after ls14's repeats), which
    ls16 reads from one dataset."""
    if feature_set is within:
        return list(range(step_width(within, pool)))
    if (feature_set, within) == (FeatureSet.LS15PP, FeatureSet.LS14PP):
        return [*range(pool), *range(2 * pool + 1, 4 * pool + 3)]
    raise ValueError(f"{feature_set.value}'s columns are not inside {within.value}'s steps")
