"""Training beyond one machine: each model trains as its own `train-model` deployment run.

The same schedule as training on this machine (`modeling.schedule`): each model's run starts as soon as
the runs of the stale models it depends on are final, on whichever workers of the pool pick it up, the
longest expected first. The parent waits with Prefect's `wait_for_flow_run` for whichever run ends first
and reads each child's `TrainOutcome` from its persisted result.
"""

from __future__ import annotations

import asyncio
import time
from uuid import UUID

from prefect import get_run_logger
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.flow_runs import FlowRunWaitTimeout, wait_for_flow_run
from prefect.utilities.asyncutils import run_coro_as_sync

from flows.local_training import degrade, skip
from flows.names import TRAIN_MODEL, deployment_path
from lotto_models.core.fallbacks import FallbackKind
from lotto_models.core.games import Game
from lotto_models.modeling.catalog import training_order
from lotto_models.modeling.schedule import TrainingSchedule
from lotto_models.reporting.run_summary import RunSummary
from lotto_models.training.challengers import TrainOutcome
from tasks.workspace import open_task_workspace

TRAIN_DEPLOYMENT = deployment_path(TRAIN_MODEL)


def train_models_as_deployments(
    game: Game,
    models: list[str],
    from_scratch: bool,
    summary: RunSummary,
    force: bool = False,
    expected_seconds: dict[str, float] | None = None,
) -> None:
    logger = get_run_logger()
    timeout = open_task_workspace(game).settings.training_timeout_s
    schedule = TrainingSchedule(models, expected_seconds or {})
    running: dict[str, tuple[UUID, float]] = {}  # model: (its run, when its wait times out)
    trained: set[str] = set()

    def start_ready() -> None:
        ready = schedule.ready()
        for model, missing in ready.skipped.items():
            summary.fallbacks.append(skip(game, model, missing))
        for model in ready.start:
            parameters = {"model": model, "from_scratch": from_scratch, "force": force, "game": game.id}
            run = run_deployment(TRAIN_DEPLOYMENT, parameters=parameters, timeout=0)
            if not isinstance(run, FlowRun):  # `run_deployment` is sync in a sync flow: this is not a coroutine
                raise TypeError(f"run_deployment returned {type(run).__name__}, not a FlowRun")
            running[model] = (run.id, time.monotonic() + timeout)
            logger.info("%s: started train-model run %s", model, run.id)

    start_ready()
    while running:
        for model, finished in _first_finished(running).items():
            del running[model]
            outcome = _outcome(finished)
            if outcome is None:
                schedule.settle(model, failed=True)
                ended = "timed out" if finished is None else (finished.state.name if finished.state else "unknown")
                failed = f"train-model run {ended}"
                summary.fallbacks.append(degrade(game, model, FallbackKind.TRAINING_FAILED, failed))
                continue
            schedule.settle(model)
            trained.add(model)
            summary.fallbacks += outcome.fallbacks
            if outcome.decision is not None:
                summary.decisions[model] = outcome.decision
        start_ready()
    summary.trained += [model for model in training_order(trained, game) if model in trained]


def _first_finished(running: dict[str, tuple[UUID, float]]) -> dict[str, FlowRun | None]:
    """The runs that are final once the first of them is (None for one whose wait timed out)."""

    async def wait(run_id: UUID, deadline: float) -> FlowRun | None:
        try:
            return await wait_for_flow_run(run_id, timeout=max(1, int(deadline - time.monotonic())))
        except FlowRunWaitTimeout:
            return None

    async def first() -> dict[str, FlowRun | None]:
        waits = {asyncio.ensure_future(wait(*run)): model for model, run in running.items()}
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for waiting in pending:
            waiting.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        return {waits[finished]: finished.result() for finished in done}

    return run_coro_as_sync(first()) or {}


def _outcome(run: FlowRun | None) -> TrainOutcome | None:
    if run is None or run.state is None or not run.state.is_completed():
        return None
    outcome = run.state.result(raise_on_failure=False)
    if not isinstance(outcome, TrainOutcome):
        raise TypeError(f"train-model run {run.id} returned {type(outcome).__name__}, not a TrainOutcome")
    return outcome
