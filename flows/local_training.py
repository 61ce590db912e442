"""Training the stale models on this machine: each model as soon as the models it depends on are settled.

Trainings and promotions are submitted to the flow's task runner, a pool of worker processes with their
thread counts set, so independent models use every core; the order is `modeling.schedule`'s (a stacked
model starts once its bases are promoted, while unrelated slow models are still training), and no more
tasks are submitted than there are workers, so that order holds. A training
that fails, diverges or times out leaves its champion serving and the model degraded, and every model
that depends on it is degraded with it (named, not trained). The fan-out variant in `flows.fanout` runs
one deployment run per model on the same schedule.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import TaskRunner

from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.core.games import Game
from lotto_models.modeling.catalog import MODELS, training_order
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.modeling.features import FeatureSet
from lotto_models.modeling.schedule import TrainingSchedule
from lotto_models.reporting.run_summary import RunSummary
from lotto_models.training.challengers import ChallengerResult
from lotto_models.training.promotion import PromotionDecision
from runtime.worker_pool import ForkedWorkersTaskRunner, worker_count
from tasks.load_tensorflow import load_tensorflow
from tasks.mark_model_degraded import mark_model_degraded
from tasks.mirror_to_mlflow import mirror_to_mlflow
from tasks.promote_model import promote_model
from tasks.train_model import train_model


class Step(Enum):
    TRAIN = "train"
    PROMOTE = "promote"


def training_task_runner() -> TaskRunner[Any]:
    """Worker processes for trainings, promotions and publishing: one per core, one thread each, forked
    from a server that imported TensorFlow once."""
    return ForkedWorkersTaskRunner()


def warm_up_training_workers() -> list[PrefectFuture[None]]:
    """Start the worker processes now (one task for each): their fork server imports TensorFlow while the
    main process validates new draws, instead of delaying the first trainings."""
    return [load_tensorflow.submit() for _ in range(worker_count())]


def degrade(game: Game, model: str, kind: FallbackKind, reason: str) -> Fallback:
    """Mark `model` degraded (its champion keeps serving) and return the fallback that says so."""
    mark_model_degraded(game, model, reason)
    return Fallback(kind, model, f"{model} {reason}; its champion keeps serving")


def skip(game: Game, model: str, failed_dependencies: list[str]) -> Fallback:
    """Mark `model`, not trained because models it depends on failed, degraded; the fallback says so."""
    return degrade(game, model, FallbackKind.DEPENDENCY_FAILED, f"not trained: {', '.join(failed_dependencies)} failed")


def train_models_in_process(
    game: Game,
    stale: list[str],
    datasets: dict[FeatureSet, DatasetRef],
    from_scratch: bool,
    summary: RunSummary,
    force: bool = False,
    expected_seconds: dict[str, float] | None = None,
) -> None:
    """Train and promote `stale` on this run's workers, each model as soon as the stale models it depends on
    are settled (`modeling.schedule`); `force` trains even a model current on these draws."""
    schedule = TrainingSchedule(stale, expected_seconds or {})
    trained: set[str] = set()
    running: dict[PrefectFuture[Any], tuple[str, Step]] = {}

    def start_ready() -> None:
        # Only as many tasks as workers: a model waiting in the pool's queue could not be overtaken by one
        # with a longer path ahead that becomes ready later (a stacked model once its bases are promoted).
        ready = schedule.ready(free=worker_count() - len(running))
        for model, missing in ready.skipped.items():
            summary.fallbacks.append(skip(game, model, missing))
        for model in ready.start:
            # The time limit is enforced inside the training, between batches (LOTTO_TRAINING_TIMEOUT_S).
            dataset = datasets[MODELS[model].feature_set]
            running[train_model.submit(game, model, dataset, from_scratch, force)] = (model, Step.TRAIN)

    start_ready()
    while running:
        future = next(as_completed(list(running)))
        model, step = running.pop(future)
        future.wait()  # sets the final state the worker returned
        if step is Step.PROMOTE:
            decision: PromotionDecision = future.result()
            summary.decisions[model] = decision
            summary.fallbacks += decision.fallbacks
            schedule.settle(model)
        elif not future.state.is_completed():
            state = future.state
            schedule.settle(model, failed=True)
            reason = f"training {(state.name or state.type.value).lower()}: {state.message}"
            summary.fallbacks.append(degrade(game, model, FallbackKind.TRAINING_FAILED, reason))
        else:
            challenger: ChallengerResult = future.result()
            trained.add(model)
            summary.fallbacks += challenger.fallbacks
            if challenger.version_id is None:
                schedule.settle(model)
            else:
                dataset = datasets[MODELS[model].feature_set]
                promotion = promote_model.submit(game, model, challenger.version_id, dataset, challenger.scores)
                running[promotion] = (model, Step.PROMOTE)
        start_ready()
    summary.trained += [model for model in training_order(trained, game) if model in trained]
    # every new version, decision and alias (a recovery's rollback too) into MLflow, when it is configured
    summary.fallbacks += mirror_to_mlflow(game, stale)
