"""Publishing: each plan's ensemble from the current champions, and its guess for the next concurso."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lotto_models.catalog import MODELS
from lotto_models.ensembles import PLANS, combine, guess_from, serving_members
from lotto_models.errors import ArtifactChecksumError
from lotto_models.features import Dataset
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


def publish_plan(
    ws: Workspace, plan_name: str, dataset_paths: dict[str, Path], flow_run_id: str | None = None
) -> PublishedGuess:
    """Combine the plan's champions into one guess for the concurso after the newest stored one."""
    plan = PLANS[plan_name]
    probabilities = {}
    versions = {}
    problems = []
    next_concurso = None
    for member in serving_members(plan):
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
        next_concurso = dataset.next_concurso
        probabilities[member] = load_predictor(spec, champion.artifact_path)(dataset.next_inputs)[0]
        versions[member] = champion.label
    if next_concurso is None:
        raise RuntimeError(f"plan {plan_name}: no member can serve ({'; '.join(problems)})")
    output = combine(plan, probabilities)
    note = "; ".join(problems) or None
    ensemble_id = ws.predictions.record_ensemble(plan_name, versions, output.weights, output.degraded, note)
    numbers = guess_from(output.probabilities)
    stored = ws.predictions.publish(plan_name, next_concurso, numbers, versions, ensemble_id, flow_run_id)
    return PublishedGuess(plan_name, next_concurso, numbers, versions, output.degraded, note, stored)


def plans_missing_guess(ws: Workspace) -> list[str]:
    """Plans with no published guess for the concurso after the newest stored one."""
    next_concurso = ws.draws.last_concurso() + 1
    return [plan for plan in PLANS if not ws.predictions.has_prediction(plan, next_concurso)]
