"""A challenger's holdout, scored once where it was trained, for its promotion to reuse.

Training already loads the saved challenger back and scores it on the holdout (the check that its file serves),
and a fine-tune already loads the champion it starts from. The promotion then loaded both again to score them
on the same draws: four loads of a network for one model (about 0.4 s each for ls18), half the worker time of a
promotion. These are those scores, handed from the training to the promotion with the challenger; the
promotion takes them only for the same version on the same dataset, and the champion's only if that champion
still is the one (any doubt: it scores again, as before)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lotto_models.modeling.evaluation import HoldoutMetrics


@dataclass(frozen=True)
class ChampionLosses:
    """What the champion a fine-tune started from scored on the challenger's holdout, draw by draw."""

    version_id: int
    losses: np.ndarray


@dataclass(frozen=True)
class HoldoutScores:
    """The challenger's holdout figures, per-draw losses and output check, on the dataset it was trained on."""

    version_id: int
    dataset_fingerprint: str
    metrics: HoldoutMetrics
    losses: np.ndarray
    invalid_reason: str | None
    champion: ChampionLosses | None = None  # None: no champion was scored alongside

    def fit_for(self, version_id: int, dataset_fingerprint: str) -> bool:
        """Whether these are the scores of version `version_id` on the dataset the promotion judges on."""
        return self.version_id == version_id and self.dataset_fingerprint == dataset_fingerprint

    def champion_losses(self, champion_id: int) -> np.ndarray | None:
        """The losses of champion `champion_id` on the same draws, if that is the champion scored alongside."""
        return self.champion.losses if self.champion is not None and self.champion.version_id == champion_id else None
