"""A paired comparison's result as a plain value: the mean per-draw difference of loss and its interval.

Plain Python (no numpy), so the stores and the command line can read and show decisions without importing
the numerical stack; `modeling.comparison` computes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

CONFIDENCE = 0.95
METHOD = "paired t-interval over draws"


@dataclass(frozen=True)
class PairedInterval:
    """The mean per-draw difference of loss (a − b; positive: a is worse) and its confidence interval.

    With fewer than two draws nothing bounds the difference: the interval is (−∞, ∞) and stored as nulls.
    """

    mean_difference: float
    low: float
    high: float
    draws: int
    confidence: float = CONFIDENCE
    standard_error: float = math.inf  # of the mean difference (∞ with fewer than two draws)

    @property
    def worse_beyond_noise(self) -> bool:
        """a is worse than b and the interval excludes no difference."""
        return self.low > 0

    @property
    def better_beyond_noise(self) -> bool:
        return self.high < 0

    @property
    def standard_errors_beyond_noise(self) -> float:
        """How many standard errors the interval's lower end lies above 0 (0 when it reaches 0)."""
        if self.low <= 0:
            return 0.0
        return self.low / self.standard_error if self.standard_error > 0 else math.inf

    def within(self, margin: float) -> bool:
        """a is not worse than b by more than `margin` (the interval's upper end is at or below it)."""
        return self.high <= margin

    def words(self) -> str:
        """The difference and its interval, e.g. "+0.0017 (95% CI +0.0009 to +0.0025, 500 draws)"."""
        return (
            f"{self.mean_difference:+.4f} ({self.confidence:.0%} CI {_signed(self.low)} to {_signed(self.high)}, "
            f"{self.draws} draws)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "mean_difference": self.mean_difference,
            "interval": [_finite_or_none(self.low), _finite_or_none(self.high)],
            "draws": self.draws,
            "confidence": self.confidence,
            "standard_error": _finite_or_none(self.standard_error),
            "method": METHOD,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> PairedInterval:
        low, high = values["interval"]
        return cls(
            float(values["mean_difference"]),
            -math.inf if low is None else float(low),
            math.inf if high is None else float(high),
            int(values["draws"]),
            float(values.get("confidence", CONFIDENCE)),
            math.inf if values.get("standard_error") is None else float(values["standard_error"]),
        )


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _signed(value: float) -> str:
    return f"{value:+.4f}" if math.isfinite(value) else ("−∞" if value < 0 else "+∞")
