"""What a decision about a model concluded, and the figures it rested on, as plain values the stores keep."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lotto_models.modeling.intervals import PairedInterval


class Verdict(StrEnum):
    """What the gate (or a person) concluded, as a value the reports and the store share."""

    FIRST_VERSION = "first_version"  # no comparable champion: nothing to be worse than
    NOT_WORSE = "not_worse"  # the difference's interval ends at or below the margin
    WORSE = "worse"  # worse than the champion beyond noise
    INCONCLUSIVE = "inconclusive"  # not shown to be within the margin, not worse beyond noise either
    BELOW_BASELINE = "below_baseline"  # worse than the constant forecast beyond noise
    INVALID = "invalid"  # outputs that cannot serve
    LEAKAGE = "leakage"  # too good to be true
    ALREADY_CHAMPION = "already_champion"
    REVIEW = "review"  # a person decided
    ROLLBACK = "rollback"  # an operator or the recovery pointed the champion back


@dataclass(frozen=True)
class GateFigures:
    """The numbers behind a gate decision: per-draw loss differences with their intervals, and the margin."""

    margin: float
    versus_baseline: PairedInterval  # challenger − constant forecast
    versus_champion: PairedInterval | None = None  # challenger − champion, on the same draws

    def as_dict(self) -> dict[str, Any]:
        return {
            "margin": self.margin,
            "versus_baseline": self.versus_baseline.as_dict(),
            "versus_champion": self.versus_champion.as_dict() if self.versus_champion else None,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> GateFigures:
        champion = values.get("versus_champion")
        return cls(
            float(values["margin"]),
            PairedInterval.from_dict(values["versus_baseline"]),
            PairedInterval.from_dict(champion) if champion else None,
        )
