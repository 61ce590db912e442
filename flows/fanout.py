"""Training beyond one machine: each model trains as its own `train-model` deployment run.

Models whose dependencies are done run at the same time, on whichever workers of the pool pick them
up; the parent waits for each wave before starting the models that depend on it.
"""

from __future__ import annotations

import time

from prefect import get_client, get_run_logger
from prefect.deployments import run_deployment

from flows.reports import RunSummary
from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.promotion import PromotionDecision
from lotto_models.workspace import open_workspace
from tasks.mark_model_degraded import mark_model_degraded

TRAIN_DEPLOYMENT = "train-model/train-model"
FALLBACK_PREFIX = "Completed with fallback: "


def waves(models: list[str]) -> list[list[str]]:
    """`models` (in dependency order) grouped so that every model comes after the wave of its dependencies."""
    placed: dict[str, int] = {}
    for model in models:
        deps = [placed[d] for d in MODELS[model].depends_on if d in placed]
        placed[model] = max(deps, default=-1) + 1
    return [[m for m in models if placed[m] == i] for i in range(max(placed.values(), default=-1) + 1)]


def train_models_as_deployments(
    models: list[str], from_scratch: bool, summary: RunSummary, force: bool = False
) -> None:
    logger = get_run_logger()
    ws = open_workspace()
    timeout = ws.settings.training_timeout_s
    failed: set[str] = set()
    for wave in waves(models):
        runs = {}
        for model in wave:
            if failed & set(MODELS[model].depends_on):
                failed.add(model)
                mark_model_degraded(model, "not trained: a dependency failed")
                summary.fallbacks.append(f"{model} not trained: a dependency failed; its champion keeps serving")
                continue
            runs[model] = run_deployment(
                TRAIN_DEPLOYMENT, parameters={"model": model, "from_scratch": from_scratch, "force": force}, timeout=0
            )
            logger.info("%s: started train-model run %s", model, runs[model].id)
        for model, state in _wait(runs, timeout).items():
            if state is None or not state.is_completed():
                failed.add(model)
                reason = f"train-model run {'timed out' if state is None else state.name}"
                mark_model_degraded(model, reason)
                summary.fallbacks.append(f"{model} {reason}; its champion keeps serving")
                continue
            summary.trained.append(model)
            # Results stay with the child run (no shared result storage needed); the registry and the
            # child's state message carry what the parent reports.
            decision = ws.registry.last_decision(model)
            if decision is not None:
                summary.decisions[model] = PromotionDecision(decision.promoted, decision.reason).between(
                    ws.registry.get(decision.challenger_id).label,
                    ws.registry.get(decision.champion_id).label if decision.champion_id else None,
                )
            if state.message and state.message.startswith(FALLBACK_PREFIX):
                summary.fallbacks += state.message.removeprefix(FALLBACK_PREFIX).split(" | ")


def _wait(runs: dict, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    states: dict = {model: None for model in runs}
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            for model, run in runs.items():
                if states[model] is None:
                    state = client.read_flow_run(run.id).state
                    if state is not None and state.is_final():
                        states[model] = state
            if all(state is not None for state in states.values()):
                break
            time.sleep(2)
    return states
