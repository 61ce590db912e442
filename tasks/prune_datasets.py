from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.training.shared_datasets import prune_shared_datasets
from tasks.workspace import open_task_workspace


@task(name="prune-datasets", cache_policy=NO_CACHE)
def prune_old_datasets(game: Game, current: list[DatasetRef]) -> int:
    """Delete the datasets of earlier draws (here and in the artifact store): only the current ones are ever
    read again."""
    removed = prune_shared_datasets(open_task_workspace(game), current)
    if removed:
        get_run_logger().info("Pruned %d dataset file(s) of earlier draws", len(removed))
    return len(removed)
