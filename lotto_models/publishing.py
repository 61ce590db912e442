"""Publishing: each plan's ensemble from the current champions, and its guess for the next concurso."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lotto_models.catalog import MODELS
from lotto_models.ensembles import PLANS, combine, guess_from, guess_with_odd_range, odd_range_from_history
from lotto_models.errors import ArtifactChecksumError
from lotto_models.features import Dataset, draw_matrix
from lotto_models.registry import CHAMPION
from lotto_models.training import load_predictor
from lotto_models.workspace import Workspace


@dataclass(frozen=True)
class PublishedGuess:
    plan: str
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    degraded: bool
    note: str | None
    newly_published: bool


def plan_feature_sets(plan_names: list[str] | None = None) -> set[str]:
    """The feature sets the plans' members read."""
    return {MODELS[m].feature_set.value for p in (plan_names or PLANS) for m in PLANS[p].members}


def publish_plan(
    ws: Workspace, plan_name: str, dataset_paths: dict[str, Path], flow_run_id: str | None = None
) -> PublishedGuess:
    """Combine the plan's champions into one guess for the concurso after the newest stored one.

    A member without a usable champion is left out and the plan is marked degraded; with no member
    at all this raises, since the plan would serve nothing.
    """
    plan = PLANS[plan_name]
    probabilities = {}
    versions = {}
    problems = []
    next_concurso = ws.draws.last_concurso() + 1
    for member in plan.members:
        spec = MODELS[member]
        champion = ws.registry.alias(member, CHAMPION)
        if champion is None:
            problems.append(f"{member} has no champion")
            continue
        try:
            ws.registry.verify(champion)
        except ArtifactChecksumError as error:
            problems.append(str(error))
            continue
        dataset = Dataset.load(dataset_paths[spec.feature_set.value])
        if dataset.next_concurso != next_concurso:
            raise ValueError(
                f"dataset {dataset_paths[spec.feature_set.value]} predicts {dataset.next_concurso}, not {next_concurso}"
            )
        probabilities[member] = load_predictor(spec, champion.artifact_path)(dataset.next_inputs)[0]
        versions[member] = champion.label
    output = combine(plan, probabilities) if probabilities else None
    if output is None:
        raise RuntimeError(f"plan {plan_name}: no member can serve ({'; '.join(problems)})")
    if plan.odd_even:
        odd_range = odd_range_from_history(draw_matrix(ws.draws.frame()))
        numbers = guess_with_odd_range(output.probabilities, odd_range)
        versions["odd_even"] = f"odd count {odd_range[0]}..{odd_range[1]}"
    else:
        numbers = guess_from(output.probabilities)
    note = "; ".join(problems) or None
    ensemble_id = ws.predictions.record_ensemble(plan_name, versions, output.weights, output.degraded, note)
    stored = ws.predictions.publish(plan_name, next_concurso, numbers, versions, ensemble_id, flow_run_id)
    return PublishedGuess(plan_name, next_concurso, numbers, versions, output.degraded, note, stored)


def plans_missing_guess(ws: Workspace) -> list[str]:
    """Plans with no published guess for the concurso after the newest stored one."""
    next_concurso = ws.draws.last_concurso() + 1
    return [plan for plan in PLANS if not ws.predictions.has_prediction(plan, next_concurso)]
