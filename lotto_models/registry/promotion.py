"""The promotion gate: a challenger replaces the champion only when it is valid, not suspect and not worse."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lotto_models.core.fallbacks import Fallback
from lotto_models.modeling.evaluation import HoldoutMetrics


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    reason: str
    fallbacks: tuple[Fallback, ...] = field(default=())  # used on the way (e.g. a champion restored)

    def with_fallbacks(self, fallbacks: list[Fallback]) -> PromotionDecision:
        return replace(self, fallbacks=tuple(fallbacks))


def decide_promotion(
    challenger: HoldoutMetrics,
    invalid_reason: str | None,
    champion: HoldoutMetrics | None,
    tolerance_bce: float,
) -> PromotionDecision:
    """Both metrics come from the same holdout. The reason is written for the operator who reads it."""
    if invalid_reason:
        return PromotionDecision(False, f"challenger outputs are invalid: {invalid_reason}")
    if challenger.leakage_suspected:
        return PromotionDecision(False, f"challenger flagged: {challenger.verdict()}")
    if champion is None:
        return PromotionDecision(True, f"no champion yet; challenger holdout BCE {challenger.bce:.4f}")
    limit = champion.bce + tolerance_bce
    if challenger.bce <= limit:
        return PromotionDecision(
            True,
            f"challenger holdout BCE {challenger.bce:.4f} within {tolerance_bce} of champion's {champion.bce:.4f}",
        )
    return PromotionDecision(
        False,
        f"challenger holdout BCE {challenger.bce:.4f} worse than champion's {champion.bce:.4f} + {tolerance_bce}",
    )
