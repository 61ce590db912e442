"""Plan ensembles: which champions a plan combines, and how their probabilities become one guess."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lotto_models.draws import PER_DRAW


@dataclass(frozen=True)
class Plan:
    name: str
    members: tuple[str, ...]


PLANS: dict[str, Plan] = {
    "free": Plan("free", ("ls14", "stat")),
}
# Models of the design that are not built yet, and the model that serves in their place meanwhile.
STAND_INS: dict[str, str] = {"ls14": "ls15"}


def serving_members(plan: Plan) -> tuple[str, ...]:
    """The models that actually serve the plan's members today."""
    return tuple(STAND_INS.get(member, member) for member in plan.members)


@dataclass(frozen=True)
class EnsembleOutput:
    probabilities: np.ndarray
    weights: dict[str, float]
    missing: tuple[str, ...]

    @property
    def degraded(self) -> bool:
        return bool(self.missing)


def combine(plan: Plan, member_probabilities: Mapping[str, np.ndarray]) -> EnsembleOutput:
    """Equal-weight mean of the members that have probabilities; missing members re-weight the rest."""
    members = serving_members(plan)
    present = [m for m in members if m in member_probabilities]
    missing = tuple(m for m in members if m not in member_probabilities)
    if not present:
        raise ValueError(f"plan {plan.name}: none of its members {list(members)} has a model to serve")
    weights = {m: 1 / len(present) for m in present}
    probabilities = sum(weights[m] * np.asarray(member_probabilities[m], dtype=np.float64) for m in present)
    return EnsembleOutput(np.asarray(probabilities), weights, missing)


def guess_from(probabilities: np.ndarray) -> list[int]:
    """The 15 most probable numbers (1..25), ascending."""
    top = np.argsort(-np.asarray(probabilities).reshape(-1), kind="stable")[:PER_DRAW]
    return sorted(int(i) + 1 for i in top)
