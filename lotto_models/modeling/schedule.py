"""When each stale model may start training: as soon as the stale models it depends on are settled.

One schedule for both ways of training (the run's own worker processes, or one deployment run per model
in the fan-out): a stacked model starts once its bases are promoted or failed, while unrelated slow models
are still training; among models ready together the longest expected starts first, so it does not start
last; a model whose dependency failed is not trained (nor anything that depends on it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lotto_models.modeling.catalog import MODELS, training_order


@dataclass(frozen=True)
class Ready:
    """What may happen now: models to start, longest expected first, and models not to train because
    models they depend on failed (each with those models)."""

    start: list[str]
    skipped: dict[str, list[str]]


@dataclass
class TrainingSchedule:
    """The stale models, by state: waiting for their dependencies, started, settled (some of them failed).

    `expected_seconds` orders models ready together, longest first. Models without an estimate (never
    trained this way here) start before those with one, in the order of their catalog prior
    (`ModelSpec.relative_cost`): one of them may be the longest.
    """

    stale: list[str]
    expected_seconds: Mapping[str, float] = field(default_factory=dict)
    waiting: list[str] = field(init=False)
    started: set[str] = field(init=False, default_factory=set)
    settled: set[str] = field(init=False, default_factory=set)
    failed: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.waiting = [model for model in training_order(self.stale) if model in self.stale]  # not their deps

    def ready(self) -> Ready:
        """Take the models whose stale dependencies are all settled off the waiting list."""
        start: list[str] = []
        skipped: dict[str, list[str]] = {}
        stale = set(self.stale)
        while ready := [m for m in self.waiting if set(MODELS[m].depends_on) & stale <= self.settled]:
            for model in ready:
                self.waiting.remove(model)
                missing = sorted(self.failed & set(MODELS[model].depends_on))
                if missing:
                    skipped[model] = missing
                    self.settle(model, failed=True)  # and its own dependents become ready to be skipped
                else:
                    start.append(model)
                    self.started.add(model)
        return Ready(sorted(start, key=self._longest_first), skipped)

    def settle(self, model: str, failed: bool = False) -> None:
        """`model` is done: promoted, kept out by the gate, or failed (`failed`)."""
        self.settled.add(model)
        if failed:
            self.failed.add(model)

    @property
    def finished(self) -> bool:
        return not self.waiting and self.started <= self.settled

    def _longest_first(self, model: str) -> tuple[bool, float]:
        if model in self.expected_seconds:
            return (True, -self.expected_seconds[model])
        return (False, -MODELS[model].relative_cost)
