"""The after-draw flow: fetch, validate, store, rebuild datasets, retrain in order, promote, publish."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.states import Completed

from flows.ingest_draws import run_ingestion
from flows.reports import RunSummary, publish_run_artifacts, summary_text
from lotto_models.catalog import MODELS
from lotto_models.ensembles import PLANS
from lotto_models.publishing import plan_feature_sets, plans_missing_guess
from lotto_models.workspace import open_workspace
from tasks.build_dataset import build_dataset
from tasks.find_stale_models import find_stale_models
from tasks.mark_model_degraded import mark_model_degraded
from tasks.promote_model import promote_model
from tasks.publish_backtest import publish_backtest
from tasks.publish_predictions import publish_predictions
from tasks.train_model import train_model


@flow(name="after-draw", description="Runs after each official draw; idempotent when nothing is new.")
def after_draw(from_scratch: bool = False) -> RunSummary:
    logger = get_run_logger()
    ws = open_workspace()
    summary = RunSummary()

    ingest, summary.fallbacks = run_ingestion()
    for fallback in summary.fallbacks:
        logger.warning("Fallback: %s", fallback)
    summary.new_draws = ingest.stored

    stale = find_stale_models(from_scratch)
    if not stale and not plans_missing_guess(ws):
        summary.nothing_to_do = True
        return _finish(ws, summary)

    feature_sets = plan_feature_sets() | {MODELS[m].feature_set.value for m in stale}
    datasets = {fs: build_dataset(fs) for fs in sorted(feature_sets)}
    failed: set[str] = set()
    for model in stale:
        spec = MODELS[model]
        if failed & set(spec.depends_on):
            failed.add(model)
            mark_model_degraded(model, f"not trained: dependency {sorted(failed & set(spec.depends_on))} failed")
            continue
        state = train_model(model, datasets[spec.feature_set.value], from_scratch, return_state=True)
        if state.is_failed():
            failed.add(model)
            reason = f"training failed: {state.message}"
            mark_model_degraded(model, reason)
            summary.fallbacks.append(f"{model} {reason}; its champion keeps serving")
            continue
        challenger = state.result()
        summary.trained.append(model)
        if challenger.version_id is not None:
            decision = promote_model(model, challenger.version_id, datasets[spec.feature_set.value])
            summary.decisions[model] = decision.reason
            summary.fallbacks += list(decision.events)
    summary.guesses = [publish_predictions(plan, datasets) for plan in PLANS]
    summary.fallbacks += sorted({event for guess in summary.guesses for event in guess.events})
    publish_backtest()
    return _finish(ws, summary)


def _finish(ws, summary: RunSummary):  # type: ignore[no-untyped-def]
    summary.text = summary_text(ws, summary)
    get_run_logger().info("Run summary (also the after-draw-summary artifact):\n%s", summary.text)
    publish_run_artifacts(ws, summary)
    if summary.fallbacks:
        return Completed(message="Completed with fallback: " + " | ".join(summary.fallbacks), data=summary)
    return summary
