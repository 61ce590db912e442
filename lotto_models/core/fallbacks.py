"""Fallbacks: what a run did instead of failing, as typed values.

Every stage that saves the day reports a `Fallback` (what kind, about which subject, and a sentence
for the operator). Flows collect them, name them in the run's report and state, and emit one event
each; nothing parses them back from text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class FallbackKind(StrEnum):
    SOURCE_UNREACHABLE = "source-unreachable"  # no source answered: the run goes on with the stored draws
    DATASET_REBUILT = "dataset-rebuilt"  # an unreadable dataset cache was rebuilt from the database
    TRAINING_FAILED = "training-failed"  # failed, diverged or timed out: the champion keeps serving
    DEPENDENCY_FAILED = "dependency-failed"  # not trained because a model it stacks on failed
    CHAMPION_RESTORED = "champion-restored"  # a champion failing its checksum was restored from its backup
    CHAMPION_ROLLED_BACK = "champion-rolled-back"  # without a good backup, an older good version took over
    CHAMPION_LOST = "champion-lost"  # a damaged champion with no good backup anywhere
    PLAN_SKIPPED = "plan-skipped"  # a plan with no member able to serve published nothing this time
    ALERT_UNDELIVERED = "alert-undelivered"  # a warning could not reach its destinations; the run log has it
    TRACKING_UNAVAILABLE = "tracking-unavailable"  # the MLflow mirror missed versions: `lotto mlflow-sync` catches up
    DELIVERY_PENDING = "delivery-pending"  # a guess or its hits did not reach a player's destination: next run


@dataclass(frozen=True)
class Fallback:
    kind: FallbackKind
    subject: str  # the source, feature set, model or plan it concerns
    detail: str  # one sentence for the operator

    def __str__(self) -> str:
        return self.detail


COMPLETED_WITH_FALLBACK = "Completed with fallback: "


def fallback_message(fallbacks: Iterable[Fallback]) -> str | None:
    """The final state's message for people reading the Prefect UI (None when nothing fell back)."""
    details = [f.detail for f in fallbacks]
    return COMPLETED_WITH_FALLBACK + " | ".join(details) if details else None
