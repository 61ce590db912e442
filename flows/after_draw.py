"""The after-draw flow: fetch, validate, store, rebuild datasets, retrain in order, promote, publish.

Fallbacks keep the last good state serving: a source that is down hands over to mirrors and then to
the stored draws; an unreadable dataset cache is rebuilt; a training that fails, diverges or times out
leaves the champion serving and the model marked degraded; a damaged champion is restored from its
backup; a plan missing a member serves with the others, and a plan with no member left is skipped.
Such a run ends Completed and names each fallback; a run that can serve no plan at all ends Failed.
One run at a time per store and game: a second one waits for the lock, then finds the work done; runs of two
games may run at once. `game` is the catalog's API id (Lotofácil by default).
"""

from __future__ import annotations

from collections.abc import Iterable

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed, State

from flows.deliveries import deliver_to_players
from flows.fanout import train_models_as_deployments
from flows.ingest_draws import run_ingestion
from flows.local_training import train_models_in_process, training_task_runner, warm_up_training_workers
from flows.names import AFTER_DRAW
from flows.notify import warn_draws_outside_chance, warn_stale_source
from flows.reports import publish_run_artifacts
from lotto_models.core.fallbacks import Fallback, FallbackKind, fallback_message
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from lotto_models.core.plans import plans_of
from lotto_models.ingest.fetch_reports import FetchReport
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.dataset_cache import CacheOutcome, DatasetRef
from lotto_models.modeling.features import FeatureSet
from lotto_models.reporting.run_summary import RunSummary, summary_text
from lotto_models.serving.publishing import plan_feature_sets, plans_missing_guess
from lotto_models.storage.run_lock import run_lock
from lotto_models.training.challengers import expected_training_seconds
from lotto_models.workspace import Workspace
from tasks.build_datasets import build_datasets
from tasks.check_draw_freshness import check_draw_freshness
from tasks.check_draw_randomness import check_draw_randomness
from tasks.events import FALLBACK_USED, emit
from tasks.find_stale_models import find_stale_models
from tasks.mirror_to_mlflow import mirror_to_mlflow
from tasks.prune_datasets import prune_old_datasets
from tasks.prune_model_versions import prune_model_versions
from tasks.publish_backtest import publish_backtest
from tasks.publish_predictions import publish_predictions
from tasks.workspace import open_task_workspace


@flow(
    name=AFTER_DRAW,
    description="Runs after each official draw; idempotent when nothing is new.",
    task_runner=training_task_runner(),
)
def after_draw(from_scratch: bool = False, game: GameId = "lotofacil") -> RunSummary | State:
    ws = open_task_workspace(GAMES[game])
    with run_lock(ws.engine, ws.settings.run_lock_wait_s, ws.game.id) as lock:
        summary = RunSummary(waited_for_other_run_s=lock.waited_s)
        if lock.waited:
            get_run_logger().warning("Waited %.1f s for another after-draw run on this store to finish", lock.waited_s)
        return _after_draw(ws, from_scratch, summary)


def _after_draw(ws: Workspace, from_scratch: bool, summary: RunSummary) -> RunSummary | State:
    if from_scratch and not ws.settings.fanout:
        warm_up_training_workers()  # every model trains: the workers load while the draws are fetched
    ingest, fallbacks = run_ingestion(ws.game, on_fetched=lambda fetched: _warm_up_for(ws, fetched, from_scratch))
    summary.fallbacks += fallbacks
    summary.new_draws = ingest.stored
    overdue = check_draw_freshness(ws.game)
    if overdue is not None:
        summary.fallbacks += warn_stale_source(overdue)
    if ingest.stored:  # new draws: are the draws still what a fair draw gives?
        randomness = check_draw_randomness(ws.game)
        if randomness is not None:
            summary.fallbacks += warn_draws_outside_chance(randomness, max(ingest.stored), ws.game)

    stale = find_stale_models(ws.game, from_scratch)
    if not stale and not plans_missing_guess(ws):
        summary.nothing_to_do = True
        return finish(ws, summary)

    datasets = datasets_for(ws, stale, summary)
    train_models(ws, stale, datasets, from_scratch, summary)
    return publish_plans(ws, datasets, summary)


def _warm_up_for(ws: Workspace, fetched: FetchReport, from_scratch: bool) -> None:
    """New draws mean training here: the workers load TensorFlow while the draws are validated (a run from
    scratch started them already)."""
    if fetched.fetched and not from_scratch and not ws.settings.fanout:
        warm_up_training_workers()


def datasets_for(ws: Workspace, models: list[str], summary: RunSummary) -> dict[FeatureSet, DatasetRef]:
    """The datasets the plans and `models` read, by feature set; a rebuilt cache is named as a fallback.
    Datasets of earlier draws are pruned: nothing reads them again."""
    wanted = plan_feature_sets(game=ws.game) | {MODELS[m].feature_set for m in models}
    datasets = build_datasets(ws.game, sorted(wanted))
    for feature_set in sorted(datasets):
        if datasets[feature_set].outcome is CacheOutcome.REBUILT:
            detail = f"dataset cache {feature_set.value} was unreadable; rebuilt from the database"
            summary.fallbacks.append(Fallback(FallbackKind.DATASET_REBUILT, feature_set.value, detail))
    prune_old_datasets(ws.game, list(datasets.values()))
    return datasets


def train_models(
    ws: Workspace,
    models: list[str],
    datasets: dict[FeatureSet, DatasetRef],
    from_scratch: bool,
    summary: RunSummary,
    force: bool = False,
) -> None:
    """Train and promote `models` in dependency order, in this run's worker processes or fanned out to
    workers (LOTTO_FANOUT). `force` trains even a model that has a version on these draws (a retrain)."""
    expected = expected_training_seconds(ws, models, from_scratch)  # the longest starts first
    if ws.settings.fanout:
        train_models_as_deployments(ws.game, models, from_scratch, summary, force, expected)
    else:
        train_models_in_process(ws.game, models, datasets, from_scratch, summary, force, expected)


def publish_plans(ws: Workspace, datasets: dict[FeatureSet, DatasetRef], summary: RunSummary) -> RunSummary | State:
    """Rebuild every plan from the current champions, publish its guess, report; Failed when no plan serves."""
    publishing = {
        plan: publish_predictions.submit(ws.game, plan, datasets) for plan in plans_of(ws.game)
    }  # in the workers
    for plan, future in publishing.items():
        future.wait()
        published = future.state
        if published.is_completed():
            summary.guesses.append(future.result())
        else:
            detail = f"plan {plan} serves nothing this time: {published.message}"
            summary.fallbacks.append(Fallback(FallbackKind.PLAN_SKIPPED, plan, detail))
    summary.fallbacks += _unique(fallback for guess in summary.guesses for fallback in guess.fallbacks)
    rolled_back = {f.subject for f in summary.fallbacks if f.kind is FallbackKind.CHAMPION_ROLLED_BACK}
    if rolled_back:  # the recovery moved a champion while publishing: MLflow's aliases follow
        summary.fallbacks += mirror_to_mlflow(ws.game, sorted(rolled_back))
    if not summary.guesses:
        finish(ws, summary)
        return Failed(message="No plan could be served: " + " | ".join(f.detail for f in summary.fallbacks))
    publish_backtest.submit(ws.game).result()
    prune_model_versions(ws.game)
    return finish(ws, summary)


def _unique(fallbacks: Iterable[Fallback]) -> list[Fallback]:
    """Each fallback once (several plans share a member), in a stable order."""
    return sorted(set(fallbacks), key=lambda f: (f.kind, f.subject, f.detail))


def finish(ws: Workspace, summary: RunSummary) -> RunSummary | State:
    summary.fallbacks += deliver_to_players(ws)  # what is owed: the guesses just published, the hits just scored
    summary.text = summary_text(ws, summary)
    logger = get_run_logger()
    logger.info("Run summary (also the after-draw-summary artifact):\n%s", summary.text)
    publish_run_artifacts(ws, summary)
    for fallback in summary.fallbacks:
        logger.warning("Fallback: %s", fallback)
        emit(
            FALLBACK_USED,
            f"flow.{AFTER_DRAW}",
            AFTER_DRAW,
            {"fallback": fallback.detail, "kind": fallback.kind.value, "subject": fallback.subject},
        )
    message = fallback_message(summary.fallbacks)
    return Completed(message=message, data=summary) if message else summary
