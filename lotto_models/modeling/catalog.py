"""The model family: what each model reads and what it depends on, and which of them each game trains. The
training order follows from it.

Lotofácil trains the whole family. Another game trains the public models (every feature set is built for any
pool, and ls16 stacks on the game's own ls14pp and ls15pp), not the research ones: ls17's long window and
ls18's 60-draw convolution over 80 or 100 numbers cost several LSTMs each and serve no plan
(`core.plans.DEFAULT_PLANS`)."""

from __future__ import annotations

import graphlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from lotto_models.core.errors import LotoflowError
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.feature_sets import FeatureSet


class UnknownModelError(LotoflowError, ValueError):
    """A model name that is not in the catalog."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    feature_set: FeatureSet
    kind: Literal["stat", "lstm", "attention", "tcn", "stacked"]
    depends_on: tuple[str, ...] = ()
    # stacked models: the feature set whose columns (`feature_sets.columns_of`, inside this model's steps) each
    # base model reads (None: all), and the one the head reads itself; the columns follow the game's pool
    base_features: dict[str, FeatureSet | None] = field(default_factory=dict)
    head_features: FeatureSet | None = None
    research: bool = False
    architecture: str = ""  # one line for the model card: what the model is
    # Training time from scratch relative to an LSTM (full profile, one thread, with the TCN computing only the
    # steps its output reads: ls18 28 s, ls17 15 s, ls15 10 s): the prior by which models ready together start
    # longest first (`modeling.schedule`) until they have been timed here (`training_seconds` in the metrics).
    relative_cost: float = 1.0


LSTM = "LSTM over a window of past draws -> a sigmoid probability per number"

# Declaration order breaks ties in the training order (the design's prescribed order).
MODELS: dict[str, ModelSpec] = {
    "stat": ModelSpec(
        "stat",
        FeatureSet.STAT,
        "stat",
        relative_cost=0.01,
        architecture="logistic regression shared by every number (4 weights), fit on the validation span",
    ),
    "ls14": ModelSpec("ls14", FeatureSet.LS14, "lstm", architecture=LSTM),
    "ls15": ModelSpec("ls15", FeatureSet.LS15, "lstm", architecture=LSTM),
    "ls14pp": ModelSpec("ls14pp", FeatureSet.LS14PP, "lstm", architecture=LSTM),
    "ls15pp": ModelSpec("ls15pp", FeatureSet.LS15PP, "lstm", architecture=LSTM),
    "ls16": ModelSpec(
        "ls16",
        FeatureSet.LS14PP,
        "stacked",
        depends_on=("ls14pp", "ls15pp"),
        base_features={"ls14pp": None, "ls15pp": FeatureSet.LS15PP},
        head_features=FeatureSet.LS15PP,
        architecture="dense head over the frozen ls14pp and ls15pp champions' outputs and the newest ls15pp step",
    ),
    "ls17": ModelSpec(
        "ls17",
        FeatureSet.LS17,
        "attention",
        research=True,
        relative_cost=1.5,
        architecture="self-attention over a long window of draws -> a sigmoid probability per number (research)",
    ),
    "ls18": ModelSpec(
        "ls18",
        FeatureSet.LS18,
        "tcn",
        research=True,
        relative_cost=3.0,
        architecture="temporal convolutional network (dilated causal convolutions) -> a sigmoid probability per "
        "number (research)",
    ),
}


def models_of(game: Game = LOTOFACIL) -> tuple[str, ...]:
    """The models `game` trains, in catalog order: Lotofácil every one, another game the public ones."""
    return tuple(name for name, spec in MODELS.items() if game.id == LOTOFACIL.id or not spec.research)


def check_known(names: Iterable[str], game: Game = LOTOFACIL) -> None:
    """Raises `UnknownModelError` for a name outside the catalog or one `game` does not train."""
    unknown = set(names) - set(MODELS)
    if unknown:
        raise UnknownModelError(f"unknown model(s) {sorted(unknown)}; known: {', '.join(MODELS)}")
    trained = models_of(game)
    untrained = set(names) - set(trained)
    if untrained:
        raise UnknownModelError(
            f"{game.name} does not train {', '.join(sorted(untrained))}; its models: {', '.join(trained)}"
        )


def with_dependencies(names: Iterable[str], game: Game = LOTOFACIL) -> set[str]:
    wanted = set(names)
    check_known(wanted, game)
    pending = list(wanted)
    while pending:
        for dependency in MODELS[pending.pop()].depends_on:
            if dependency not in wanted:
                wanted.add(dependency)
                pending.append(dependency)
    return wanted


def dependents_of(names: Iterable[str]) -> set[str]:
    """The models that depend, directly or not, on any of `names` (including them)."""
    closed = set(names)
    changed = True
    while changed:
        changed = False
        for spec in MODELS.values():
            if spec.name not in closed and closed & set(spec.depends_on):
                closed.add(spec.name)
                changed = True
    return closed


def training_order(names: Iterable[str] | None = None, game: Game = LOTOFACIL) -> list[str]:
    """The requested models (all `game` trains by default) and their dependencies: dependencies first, then
    catalog order. Raises `UnknownModelError` for a model `game` does not train."""
    wanted = with_dependencies(models_of(game) if names is None else names, game)
    rank = {name: i for i, name in enumerate(MODELS)}
    sorter = graphlib.TopologicalSorter({name: set(MODELS[name].depends_on) for name in wanted})
    sorter.prepare()
    order: list[str] = []
    ready: list[str] = []
    while sorter.is_active():
        ready = sorted({*ready, *sorter.get_ready()}, key=rank.__getitem__)
        chosen = ready.pop(0)
        order.append(chosen)
        sorter.done(chosen)
    return order


def retrain_order(names: Iterable[str] | None = None, game: Game = LOTOFACIL) -> list[str]:
    """What a retrain of `names` (all `game` trains by default) trains: them and every model depending on them,
    in training order. Their own dependencies keep their champions. Raises `UnknownModelError`."""
    if names is None:
        return training_order(game=game)
    wanted = set(names)
    check_known(wanted, game)
    chosen = dependents_of(wanted)
    return [name for name in training_order(game=game) if name in chosen]
