"""A model's status, read once for everyone who shows it: the web's models page, `lotto status`, the run
summary and the run's model table and cards.

`below_baseline` is the one rule for "serves no plan": a champion judged worse than the constant forecast
beyond noise. A model with no champion is never below it (there is nothing to judge).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lotto_models.modeling.catalog import models_of
from lotto_models.registry.versions import CHAMPION, PREVIOUS, ModelHealth, ModelVersion, PromotionRecord, VersionStore


@dataclass(frozen=True)
class DecisionStatus:
    """A model's last promotion decision with the versions it was about."""

    record: PromotionRecord
    challenger: ModelVersion | None
    champion: ModelVersion | None  # the champion it was measured against (None: a first version)


@dataclass(frozen=True)
class ModelStatus:
    model: str
    champion: ModelVersion | None
    previous: ModelVersion | None
    newest: ModelVersion | None  # the newest version when it is not the champion
    health: ModelHealth
    last_decision: DecisionStatus | None

    @property
    def below_baseline(self) -> bool:
        """The champion is worse than the constant forecast beyond noise: it serves no plan."""
        return self.champion is not None and self.health.below_baseline

    @property
    def holdout(self) -> dict[str, Any]:
        """The champion's holdout metrics ({} with no champion)."""
        return self.champion.metrics if self.champion is not None else {}


def model_status(versions: VersionStore, model: str) -> ModelStatus:
    champion = versions.alias(model, CHAMPION)
    every = versions.versions(model)
    newest = every[-1] if every and (champion is None or every[-1].id != champion.id) else None
    decision = versions.last_decision(model)
    last = None
    if decision is not None:
        last = DecisionStatus(
            record=decision,
            challenger=versions.get(decision.challenger_id),
            champion=versions.get(decision.champion_id) if decision.champion_id is not None else None,
        )
    return ModelStatus(
        model=model,
        champion=champion,
        previous=versions.alias(model, PREVIOUS),
        newest=newest,
        health=versions.health(model),
        last_decision=last,
    )


def model_statuses(versions: VersionStore) -> list[ModelStatus]:
    """Every model the store's game trains (`models_of`), in the catalog's order."""
    return [model_status(versions, name) for name in models_of(versions.game)]
