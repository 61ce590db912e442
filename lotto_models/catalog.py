"""The model family: what each model reads and what it depends on. The training order follows from it."""

from __future__ import annotations

import graphlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from lotto_models.features import FeatureSet


@dataclass(frozen=True)
class ModelSpec:
    name: str
    feature_set: FeatureSet
    kind: Literal["network", "stat"]
    depends_on: tuple[str, ...] = ()


# The rest of the zoo (ls14, ls14pp, ls15pp, ls16, ls17) lands with its feature sets.
MODELS: dict[str, ModelSpec] = {
    "stat": ModelSpec("stat", FeatureSet.STAT, "stat"),
    "ls15": ModelSpec("ls15", FeatureSet.LS15, "network"),
}


def training_order(names: Iterable[str] | None = None) -> list[str]:
    """The requested models (all by default) and their dependencies, dependencies first."""
    wanted = set(MODELS if names is None else names)
    unknown = wanted - set(MODELS)
    if unknown:
        raise ValueError(f"unknown model(s) {sorted(unknown)}; known: {sorted(MODELS)}")
    pending = list(wanted)
    while pending:
        for dependency in MODELS[pending.pop()].depends_on:
            if dependency not in wanted:
                wanted.add(dependency)
                pending.append(dependency)
    graph = {name: set(MODELS[name].depends_on) for name in sorted(wanted)}
    return list(graphlib.TopologicalSorter(graph).static_order())
