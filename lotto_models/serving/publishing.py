"""Publishing: each plan's ensemble from the current champions, and its guess for the next concurso.

Member weights come from the members' per-draw losses on the weights span, which no member fits on (see
`modeling.splits`), with their noise (`serving.ensembles.fit_member_weights`). A member whose champion is
worse than the constant forecast beyond noise (`below_baseline`) is left out of every plan, which says so.
`lotto predict` computes the same guess without storing it, with the weights of the plan's latest ensemble build.

Everything is the workspace's game's: its plans (`core.plans.plans_of`), a guess of its default bet of numbers
in its range, and its extras (trevos, month, team) guessed by frequency (`serving.extras`). The ensemble's ranking
of the whole pool is stored with the guess (its head is the guess, `core.guess_ranking`), so the bets page can
offer the guess at every bet size without running the models again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lotto_models.core.cache import CACHE
from lotto_models.core.errors import LotoflowError
from lotto_models.core.failpoints import PUBLISHING_BEFORE_STORE, failpoint
from lotto_models.core.fallbacks import Fallback
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.plans import plan_of, plans_of
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.modeling.features import Dataset, FeatureSet, draw_matrix
from lotto_models.modeling.fitting import Predictor, load_predictor
from lotto_models.modeling.splits import time_splits
from lotto_models.registry.recovery import checked_champion
from lotto_models.serving.ensembles import (
    combine,
    fit_member_weights,
    guess_from,
    guess_with_odd_range,
    odd_range_from_history,
    ranking_from,
)
from lotto_models.serving.extras import GuessExtras, guess_extras
from lotto_models.training.shared_datasets import game_shape, shared_datasets
from lotto_models.workspace import Workspace


@dataclass(frozen=True)
class PublishedGuess:
    plan: str
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    weights: dict[str, float]
    degraded: bool
    note: str | None
    newly_published: bool
    fallbacks: list[Fallback] = field(default_factory=list)
    extras: GuessExtras = GuessExtras()  # trevos, month or team, by frequency; empty for a game without
    ranking: list[int] = field(default_factory=list)  # the pool best first; its head is `numbers` (0009)


def plan_feature_sets(plan_names: list[str] | None = None, game: Game = LOTOFACIL) -> set[FeatureSet]:
    """The feature sets the members of `game`'s plans (all of them by default) read."""
    plans = plans_of(game)
    return {MODELS[m].feature_set for p in (plan_names or plans) for m in plan_of(game, p).members}


def build_plan_datasets(ws: Workspace, plan_names: list[str] | None = None) -> dict[FeatureSet, DatasetRef]:
    frame = ws.draws.frame()
    return shared_datasets(ws, frame, sorted(plan_feature_sets(plan_names, ws.game)))


class NoMemberCanServeError(LotoflowError):
    """None of a plan's members has a champion that can serve it."""


@dataclass
class PlanMembers:
    predictors: dict[str, Predictor] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)


def load_plan_members(ws: Workspace, plan_name: str, datasets: dict[FeatureSet, DatasetRef]) -> PlanMembers:
    members = PlanMembers()
    next_concurso = ws.draws.last_concurso() + 1
    for member in plan_of(ws.game, plan_name).members:
        spec = MODELS[member]
        checked = checked_champion(ws.versions, ws.artifacts, member)
        champion = checked.version
        members.fallbacks += checked.fallbacks
        if champion is None:
            members.problems.append(
                f"{member} has no champion" + (f" ({checked.fallbacks[-1]})" if checked.fallbacks else "")
            )
            continue
        health = ws.versions.health(member)
        if health.below_baseline and health.versus_baseline is not None:
            members.problems.append(
                f"{member} left out: its champion {champion.label} is worse than the constant forecast beyond "
                f"noise (holdout loss {health.versus_baseline.words()})"
            )
            continue
        dataset = datasets[spec.feature_set].load()
        if dataset.next_concurso != next_concurso:
            raise ValueError(f"dataset for {member} predicts {dataset.next_concurso}, expected {next_concurso}")
        members.predictors[member] = load_predictor(spec, ws.artifacts.path(champion))
        members.datasets[member] = dataset
        members.versions[member] = champion.label
    if not members.predictors:
        raise NoMemberCanServeError(
            f"plan {plan_name}: no member can serve ({'; '.join(members.problems)}); `lotto run` trains them, and "
            "the gate promotes a version that is not worse than the constant forecast beyond noise"
        )
    return members


def fit_plan_weights(ws: Workspace, members: PlanMembers) -> dict[str, float]:
    """Fit member weights on the weights span (out of sample for every member), aligned by concurso across
    feature sets."""
    spans = {}
    for name, dataset in members.datasets.items():
        splits = time_splits(
            len(dataset.targets), ws.settings.holdout_draws, ws.settings.validation_draws, ws.settings.ensemble_draws
        )
        spans[name] = (dataset.target_concursos[splits.weights], splits.weights)
    common = sorted(set.intersection(*(set(c.tolist()) for c, _ in spans.values())))
    probabilities, targets = {}, []
    for name, dataset in members.datasets.items():
        concursos, span = spans[name]
        rows = np.flatnonzero(np.isin(concursos, common)) + span.start
        probabilities[name] = members.predictors[name](dataset.inputs[rows])
        targets.append(dataset.targets[rows])  # the same draws for every member, aligned by concurso
    return fit_member_weights(probabilities, targets[0], ws.settings.confidence)


@dataclass(frozen=True)
class ComposedGuess:
    numbers: list[int]  # the default bet, ascending
    ranking: list[int]  # the whole pool best first, `numbers` first
    versions: dict[str, str]
    weights: dict[str, float]
    degraded: bool


def compose_guess(ws: Workspace, plan_name: str, members: PlanMembers, weights: dict[str, float]) -> ComposedGuess:
    plan = plan_of(ws.game, plan_name)
    next_probabilities = {m: members.predictors[m](d.next_inputs)[0] for m, d in members.datasets.items()}
    output = combine(plan, next_probabilities, weights)
    versions = dict(members.versions)
    if plan.odd_even:
        odd_range = _odd_range(ws)
        numbers = guess_with_odd_range(output.probabilities, odd_range)
        versions["odd_even"] = f"odd count {odd_range[0]}..{odd_range[1]}"
    else:
        numbers = guess_from(output.probabilities, game_shape(ws))
    ranking = ranking_from(output.probabilities, numbers, game_shape(ws))
    return ComposedGuess(numbers, ranking, versions, output.weights, output.degraded)


def compose_extras(ws: Workspace) -> GuessExtras:
    """The game's extras for the next concurso, by frequency over the stored history, computed once per store,
    game and newest concurso."""
    return CACHE.get(
        "guess-extras",
        (ws.settings.sqlalchemy_url, ws.game.id),
        ws.draws.last_concurso(),
        lambda: guess_extras(ws.game, ws.draws.frame()),
    )


def _odd_range(ws: Workspace) -> tuple[int, int]:
    """The usual odd-count range of the stored history, computed once per store and newest concurso."""
    return CACHE.get(
        "odd-range",
        ws.settings.sqlalchemy_url,
        ws.draws.last_concurso(),
        lambda: odd_range_from_history(draw_matrix(ws.draws.frame())),
    )


def publish_plan(
    ws: Workspace, plan_name: str, datasets: dict[FeatureSet, DatasetRef], flow_run_id: str | None = None
) -> PublishedGuess:
    """Fit the plan's member weights, record the ensemble build, and store its guess for the next concurso.

    A member without a usable champion is left out and the plan is marked degraded; with no member
    at all this raises, since the plan would serve nothing.
    """
    members = load_plan_members(ws, plan_name, datasets)
    weights = fit_plan_weights(ws, members)
    guess = compose_guess(ws, plan_name, members, weights)
    extras = compose_extras(ws)
    note = "; ".join(members.problems) or None
    ensemble_id = ws.predictions.record_ensemble(plan_name, guess.versions, guess.weights, guess.degraded, note)
    next_concurso = ws.draws.last_concurso() + 1
    failpoint(PUBLISHING_BEFORE_STORE)
    stored = ws.predictions.publish(
        plan_name,
        next_concurso,
        guess.numbers,
        guess.versions,
        ensemble_id,
        flow_run_id,
        extras.as_dict(),
        guess.ranking,
    )
    return PublishedGuess(
        plan_name,
        next_concurso,
        guess.numbers,
        guess.versions,
        guess.weights,
        guess.degraded,
        note,
        stored,
        members.fallbacks,
        extras,
        guess.ranking,
    )


def predict_plan(ws: Workspace, plan_name: str, datasets: dict[FeatureSet, DatasetRef]) -> PublishedGuess:
    """The plan's guess for the next concurso from the current champions, not stored.

    Uses the weights of the plan's latest ensemble build when its members are still the champions,
    and fits them afresh otherwise.
    """
    members = load_plan_members(ws, plan_name, datasets)
    latest = ws.predictions.latest_ensemble(plan_name)
    current = {m: v for m, v in (latest.member_versions if latest else {}).items() if m != "odd_even"}
    weights = latest.weights if latest and current == members.versions else fit_plan_weights(ws, members)
    guess = compose_guess(ws, plan_name, members, weights)
    note = "; ".join(members.problems) or None
    return PublishedGuess(
        plan_name,
        ws.draws.last_concurso() + 1,
        guess.numbers,
        guess.versions,
        guess.weights,
        guess.degraded,
        note,
        False,
        members.fallbacks,
        compose_extras(ws),
        guess.ranking,
    )


def plans_missing_guess(ws: Workspace) -> list[str]:
    """The workspace's game's plans with no published guess for the concurso after the newest stored one."""
    next_concurso = ws.draws.last_concurso() + 1
    return [plan for plan in plans_of(ws.game) if not ws.predictions.has_prediction(plan, next_concurso)]
