"""When each stale model may start training: as soon as the stale models it depends on are settled.

One schedule for both ways of training (the run's own worker processes, or one deployment run per model
in the fan-out): a stacked model starts once its bases are promoted or failed, while unrelated slow models
are still training; among models ready together the one with the longest path ahead (its own expected
time plus the longest chain of stale models waiting for it) starts first, so neither a slow model nor the
bases of a stacked model start last; a model whose dependency failed is not trained (nor anything that
depends on it). With a number of free workers, only that many start: the others wait, ready, so that a
model that becomes ready later with a longer path ahead (a stacked model) can still start before them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lotto_models.modeling.catalog import MODELS, training_order


@dataclass(frozen=True)
class Ready:
    """What may happen now: models to start, longest path ahead first, and models not to train because
    models they depend on failed (each with those models)."""

    start: list[str]
    skipped: dict[str, list[str]]


@dataclass
class TrainingSchedule:
    """The stale models, by state: waiting for their dependencies, ready, started, settled (some failed).

    `expected_seconds` orders models ready together, longest path ahead first. Models without an estimate
    (never trained this way here) start before those with one, in the order of their catalog prior
    (`ModelSpec.relative_cost`): one of them may be the longest.
    """

    stale: list[str]
    expected_seconds: Mapping[str, float] = field(default_factory=dict)
    waiting: list[str] = field(init=False)
    queued: list[str] = field(init=False, default_factory=list)  # ready, not started yet
    started: set[str] = field(init=False, default_factory=set)
    settled: set[str] = field(init=False, default_factory=set)
    failed: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.waiting = [model for model in training_order(self.stale) if model in self.stale]  # not their deps

    def ready(self, free: int | None = None) -> Ready:
        """Take the models whose stale dependencies are all settled off the waiting list, and start `free`
        of the ready ones (all of them when None), the longest path ahead first."""
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
                    self.queued.append(model)
        self.queued.sort(key=self._longest_path_first)
        count = len(self.queued) if free is None else max(free, 0)
        start, self.queued = self.queued[:count], self.queued[count:]
        self.started.update(start)
        return Ready(start, skipped)

    def settle(self, model: str, failed: bool = False) -> None:
        """`model` is done: promoted, kept out by the gate, or failed (`failed`)."""
        self.settled.add(model)
        if failed:
            self.failed.add(model)

    @property
    def finished(self) -> bool:
        return not self.waiting and not self.queued and self.started <= self.settled

    def _longest_path_first(self, model: str) -> tuple[bool, float]:
        return (model in self.expected_seconds, -self._path_ahead(model))

    def _path_ahead(self, model: str) -> float:
        """`model`'s expected seconds (else its catalog prior) plus the longest path ahead of a stale model
        that depends on it."""
        own = self.expected_seconds.get(model, MODELS[model].relative_cost)
        dependants = [m for m in self.stale if model in MODELS[m].depends_on]
        return own + max((self._path_ahead(m) for m in dependants), default=0.0)
