"""The feature sets by name, their parameters and step layouts: what the catalog and the command line need,
without numpy or pandas (`modeling.features` builds them)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lotto_models.core.draws import NUMBERS

if TYPE_CHECKING:
    from lotto_models.core.settings import Settings


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
