"""The promotion gate: a challenger replaces the champion only when it is valid, not suspect, not worse than
the constant forecast beyond noise, and not worse than the champion beyond a small margin.

Both sides are scored draw by draw on the same holdout (`modeling.comparison`): the gate reads the paired
t-interval of the mean per-draw loss difference (challenger − champion), never a difference of two BCEs
against a constant. Promote when the interval's upper end is at or below the non-inferiority margin
(`LOTTO_PROMOTION_MARGIN_BCE`); keep the champion otherwise, saying whether the challenger is worse beyond
noise or merely not shown to be within the margin.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from lotto_models.core.fallbacks import Fallback
from lotto_models.modeling.comparison import paired_interval, versus_constant_forecast
from lotto_models.modeling.evaluation import HoldoutMetrics
from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape
from lotto_models.modeling.intervals import CONFIDENCE
from lotto_models.registry.verdicts import GateFigures, Verdict


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    reason: str
    verdict: Verdict
    figures: GateFigures | None = None
    fallbacks: tuple[Fallback, ...] = field(default=())  # used on the way (e.g. a champion restored)
    challenger: str | None = None  # version labels, e.g. "ls14/v3"; champion is the one before the decision
    champion: str | None = None
    challenger_id: int | None = None  # the challenger's version id, for readers that need the version itself

    def with_fallbacks(self, fallbacks: list[Fallback]) -> PromotionDecision:
        return replace(self, fallbacks=tuple(fallbacks))

    def between(self, challenger: str, champion: str | None, challenger_id: int | None = None) -> PromotionDecision:
        return replace(self, challenger=challenger, champion=champion, challenger_id=challenger_id)

    def summary(self) -> str:
        """What happened, in words: first version promoted, champion replaced or kept, and why."""
        if self.champion is not None and self.challenger == self.champion:
            return f"{self.champion} stays champion ({self.reason})"
        if self.promote and self.champion is None:
            return f"first version {self.challenger} promoted ({self.reason})"
        if self.promote:
            return f"{self.challenger} replaced {self.champion} ({self.reason})"
        if self.champion is None:
            return f"{self.challenger} not promoted, no champion ({self.reason})"
        return f"kept {self.champion}; {self.challenger} not promoted ({self.reason})"


def decide_promotion(
    challenger: HoldoutMetrics,
    challenger_losses: np.ndarray,
    invalid_reason: str | None,
    champion_losses: np.ndarray | None,
    margin: float,
    confidence: float = CONFIDENCE,
    game: GameShape = LOTOFACIL_SHAPE,
) -> PromotionDecision:
    """Decide on per-draw holdout losses of both sides (the same draws, in the same order) of `game`, whose
    constant forecast (drawn/pool: Lotofácil's 15/25) is the floor.

    `champion_losses` is None when there is no champion or it cannot read today's inputs. The reason is
    written for the operator who reads it; the figures are kept for the reports.
    """
    if invalid_reason:
        return PromotionDecision(False, f"challenger outputs are invalid: {invalid_reason}", Verdict.INVALID)
    if challenger.leakage_suspected:
        return PromotionDecision(False, f"challenger flagged: {challenger.verdict()}", Verdict.LEAKAGE)
    baseline = versus_constant_forecast(challenger_losses, confidence, game)
    figures = GateFigures(margin, baseline)
    if baseline.worse_beyond_noise:
        return PromotionDecision(
            False,
            f"challenger is worse than the constant {game.drawn}/{game.pool} forecast beyond noise: holdout loss "
            f"{baseline.words()}",
            Verdict.BELOW_BASELINE,
            figures,
        )
    if champion_losses is None:
        return PromotionDecision(
            True,
            f"nothing to compare with; holdout BCE {challenger.bce:.4f}, against the constant forecast "
            f"{baseline.words()}",
            Verdict.FIRST_VERSION,
            figures,
        )
    versus = paired_interval(challenger_losses, champion_losses, confidence)
    figures = replace(figures, versus_champion=versus)
    if versus.within(margin):
        return PromotionDecision(
            True,
            f"not worse than the champion beyond noise: loss difference {versus.words()}, upper end within the "
            f"margin {margin}",
            Verdict.NOT_WORSE,
            figures,
        )
    if versus.worse_beyond_noise:
        return PromotionDecision(
            False, f"worse than the champion beyond noise: loss difference {versus.words()}", Verdict.WORSE, figures
        )
    return PromotionDecision(
        False,
        f"not shown to be within the margin {margin} of the champion: loss difference {versus.words()}",
        Verdict.INCONCLUSIVE,
        figures,
    )
