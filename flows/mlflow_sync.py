"""The manual `mlflow-sync` flow: mirror into MLflow every version and alias it is missing (idempotent)."""

from __future__ import annotations

from prefect import flow
from prefect.states import Completed, Failed, State

from flows.names import MLFLOW_SYNC
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from tasks.mirror_to_mlflow import mirror_to_mlflow
from tasks.workspace import open_task_workspace


@flow(name=MLFLOW_SYNC, description="Mirror every model version and alias MLflow is missing (after it was down).")
def mlflow_sync(game: GameId = "lotofacil") -> State:
    """Fails, naming why, when no tracking server is configured or it does not answer: a sync that could not
    sync is not a success (the runs that train go on regardless)."""
    if not open_task_workspace(GAMES[game]).settings.mlflow_tracking_uri:
        return Failed(message="LOTTO_MLFLOW_TRACKING_URI is not set: there is no MLflow server to mirror into")
    fallbacks = mirror_to_mlflow(GAMES[game])
    if fallbacks:
        return Failed(message=" | ".join(f.detail for f in fallbacks))
    return Completed(message="MLflow mirrors every version and alias")
