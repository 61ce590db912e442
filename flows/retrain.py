"""The `retrain` flow: retrain chosen models by hand (all by default), warm or from scratch.

Models that depend on a retrained one follow it (`ls16` after `ls14pp` or `ls15pp`); each challenger
goes through the usual promotion gate; then the plans are rebuilt from the champions and published,
exactly as after a draw. It holds the store's run lock like an after-draw run.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.states import State

from flows.after_draw import datasets_for, publish_plans, train_models
from flows.local_training import training_task_runner
from flows.names import RETRAIN
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from lotto_models.modeling.catalog import retrain_order
from lotto_models.reporting.run_summary import RunSummary
from lotto_models.storage.run_lock import run_lock
from tasks.prepare_store import prepare_store
from tasks.workspace import open_task_workspace


@flow(
    name=RETRAIN,
    description="Retrain chosen models (default all) and their dependents; gate, publish.",
    task_runner=training_task_runner(),
)
def retrain(
    models: list[str] | None = None, from_scratch: bool = False, game: GameId = "lotofacil"
) -> RunSummary | State:
    """`models`: catalog names, None for every model. Warm starts from the champion unless `from_scratch`.

    An unknown name fails the run before anything is trained, naming the known models.
    """
    chosen = retrain_order(models, GAMES[game])
    get_run_logger().info("Retraining %s (%s)", ", ".join(chosen), "from scratch" if from_scratch else "warm")
    prepare_store(GAMES[game])
    ws = open_task_workspace(GAMES[game])
    with run_lock(ws.engine, ws.settings.run_lock_wait_s, ws.game.id) as lock:
        summary = RunSummary(waited_for_other_run_s=lock.waited_s)
        datasets = datasets_for(ws, chosen, summary)
        train_models(ws, chosen, datasets, from_scratch, summary, force=True)
        return publish_plans(ws, datasets, summary)
