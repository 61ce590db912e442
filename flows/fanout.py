"""Training beyond one machine: each model trains as its own `train-model` deployment run.

Models whose dependencies are done run at the same time, on whichever workers of the pool pick them
up; the parent waits for each wave (Prefect's `wait_for_flow_run`) before starting the models that
depend on it, and reads each child's `TrainOutcome` from its persisted result.
"""

from __future__ import annotations

import asyncio
from uuid import UUID

from prefect import get_run_logger
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.flow_runs import FlowRunWaitTimeout, wait_for_flow_run
from prefect.utilities.asyncutils import run_coro_as_sync

from flows.training import degrade, failed_dependencies
from lotto_models.core.fallbacks import FallbackKind
from lotto_models.modeling.catalog import training_waves
from lotto_models.registry.challengers import TrainOutcome
from lotto_models.reporting.run_summary import RunSummary
from lotto_models.workspace import open_workspace

TRAIN_DEPLOYMENT = "train-model/train-model"


def train_models_as_deployments(models: list[str], from_scratch: bool, summary: RunSummary) -> None:
    logger = get_run_logger()
    timeout = open_workspace().settings.training_timeout_s
    failed: set[str] = set()
    for wave in training_waves(models):
        started: dict[str, UUID] = {}
        for model in wave:
            skipped = failed_dependencies(model, failed)
            if skipped is not None:
                failed.add(model)
                summary.fallbacks.append(skipped)
                continue
            run = run_deployment(TRAIN_DEPLOYMENT, parameters={"model": model, "from_scratch": from_scratch}, timeout=0)
            if not isinstance(run, FlowRun):  # `run_deployment` is sync in a sync flow: this is not a coroutine
                raise TypeError(f"run_deployment returned {type(run).__name__}, not a FlowRun")
            started[model] = run.id
            logger.info("%s: started train-model run %s", model, run.id)
        for model, finished in _wait_for_all(started, timeout).items():
            outcome = _outcome(finished)
            if outcome is None:
                failed.add(model)
                ended = "timed out" if finished is None else (finished.state.name if finished.state else "unknown")
                summary.fallbacks.append(degrade(model, FallbackKind.TRAINING_FAILED, f"train-model run {ended}"))
                continue
            summary.trained.append(model)
            summary.fallbacks += outcome.fallbacks
            if outcome.decision is not None:
                summary.decisions[model] = outcome.decision


def _wait_for_all(runs: dict[str, UUID], timeout_s: float) -> dict[str, FlowRun | None]:
    """Each run once it is final; None for a run still going after `timeout_s`."""

    async def wait(run_id: UUID) -> FlowRun | None:
        try:
            return await wait_for_flow_run(run_id, timeout=int(timeout_s), poll_interval=2)
        except FlowRunWaitTimeout:
            return None

    async def wait_all() -> list[FlowRun | None]:
        return list(await asyncio.gather(*(wait(run_id) for run_id in runs.values())))

    return dict(zip(runs, run_coro_as_sync(wait_all()) or [], strict=True))


def _outcome(run: FlowRun | None) -> TrainOutcome | None:
    if run is None or run.state is None or not run.state.is_completed():
        return None
    outcome = run.state.result(raise_on_failure=False)
    if not isinstance(outcome, TrainOutcome):
        raise TypeError(f"train-model run {run.id} returned {type(outcome).__name__}, not a TrainOutcome")
    return outcome
