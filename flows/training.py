"""Training the stale models on this machine: wave by wave, the models of a wave at the same time.

Each wave holds the models whose dependencies are done (`modeling.catalog.training_waves`); its trainings
and promotions are submitted to the flow's task runner, a pool of worker processes with their thread
counts set, so independent models use every core. A training that fails, diverges or times out leaves
its champion serving and the model degraded, and every model that depends on it is degraded with it
(named, not trained). The fan-out variant in `flows.fanout` follows the same rules with one deployment
run per model.
"""

from __future__ import annotations

import os
from typing import Any

from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.modeling.catalog import MODELS, training_order, training_waves
from lotto_models.modeling.features import DatasetRef, FeatureSet
from lotto_models.modeling.training import limit_threads
from lotto_models.registry.challengers import ChallengerResult
from lotto_models.registry.promotion import PromotionDecision
from lotto_models.reporting.run_summary import RunSummary
from tasks.mark_model_degraded import mark_model_degraded
from tasks.promote_model import promote_model
from tasks.train_model import train_model


def training_task_runner(processes: int | None = None) -> TaskRunner[Any]:
    """Worker processes for trainings, promotions and publishing: one per core, one thread each."""
    workers = processes or os.cpu_count() or 1
    threads = max(1, (os.cpu_count() or 1) // workers)
    return ProcessPoolTaskRunner(max_workers=workers, initializer=limit_threads, initargs=(threads,))


def degrade(model: str, kind: FallbackKind, reason: str) -> Fallback:
    """Mark `model` degraded (its champion keeps serving) and return the fallback that says so."""
    mark_model_degraded(model, reason)
    return Fallback(kind, model, f"{model} {reason}; its champion keeps serving")


def failed_dependencies(model: str, failed: set[str]) -> Fallback | None:
    """The fallback for a model not trained because a model it depends on failed, if one did."""
    missing = failed & set(MODELS[model].depends_on)
    if not missing:
        return None
    return degrade(model, FallbackKind.DEPENDENCY_FAILED, f"not trained: {', '.join(sorted(missing))} failed")


def train_models_in_process(
    stale: list[str], datasets: dict[FeatureSet, DatasetRef], from_scratch: bool, summary: RunSummary
) -> None:
    failed: set[str] = set()
    trained: set[str] = set()
    for wave in training_waves(stale):
        trainings: dict[PrefectFuture[Any], str] = {}
        for model in wave:
            skipped = failed_dependencies(model, failed)
            if skipped is not None:
                failed.add(model)
                summary.fallbacks.append(skipped)
                continue
            # The time limit is enforced inside the training, between batches (LOTTO_TRAINING_TIMEOUT_S).
            dataset = datasets[MODELS[model].feature_set]
            trainings[train_model.submit(model, dataset, from_scratch)] = model
        promotions: dict[str, PrefectFuture[Any]] = {}
        for future in as_completed(list(trainings)):
            model = trainings[future]
            future.wait()  # sets the final state the worker returned
            state = future.state
            if not state.is_completed():
                failed.add(model)
                reason = f"training {(state.name or state.type.value).lower()}: {state.message}"
                summary.fallbacks.append(degrade(model, FallbackKind.TRAINING_FAILED, reason))
                continue
            challenger: ChallengerResult = future.result()
            trained.add(model)
            summary.fallbacks += challenger.fallbacks
            if challenger.version_id is not None:
                dataset = datasets[MODELS[model].feature_set]
                promotions[model] = promote_model.submit(model, challenger.version_id, dataset)
        for model in training_order(promotions):
            if model in promotions:
                decision: PromotionDecision = promotions[model].result()
                summary.decisions[model] = decision.reason
                summary.fallbacks += decision.fallbacks
    summary.trained += [model for model in training_order(trained) if model in trained]
