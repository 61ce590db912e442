from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.retention import prune_versions
from tasks.workspace import open_task_workspace


@task(name="prune-model-versions", cache_policy=NO_CACHE)
def prune_model_versions(game: Game) -> int:
    """Old versions beyond the retention lose their files (rows and metrics stay); staging left behind by
    killed trainings (older than six hours) is deleted."""
    ws = open_task_workspace(game)
    for leftover in ws.artifacts.remove_stale_staging():
        get_run_logger().info("Removed %s, left by a training that did not finish", leftover)
    pruned = [
        version
        for model in MODELS
        for version in prune_versions(ws.versions, ws.artifacts, model, ws.settings.version_retention)
    ]
    if pruned:
        get_run_logger().info("Pruned the files of %s (retention)", ", ".join(v.label for v in pruned))
    return len(pruned)
