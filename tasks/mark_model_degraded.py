from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from tasks.workspace import open_task_workspace


@task(name="mark-model-degraded", task_run_name="mark-model-degraded-{model}", cache_policy=NO_CACHE)
def mark_model_degraded(game: Game, model: str, reason: str) -> None:
    """Fallback after a failed training: the champion keeps serving and the model is flagged degraded."""
    open_task_workspace(game).versions.set_status(model, degraded=True, reason=reason)
    get_run_logger().warning("%s marked degraded; its champion keeps serving: %s", model, reason)
