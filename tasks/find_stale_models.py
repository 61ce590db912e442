from prefect import task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.modeling.catalog import training_order
from lotto_models.training.challengers import models_needing_training
from tasks.workspace import open_task_workspace


@task(name="find-stale-models", cache_policy=NO_CACHE)
def find_stale_models(game: Game, from_scratch: bool = False) -> list[str]:
    """Models to train now, in dependency order: all of them from scratch, else those behind the draws."""
    if from_scratch:
        return training_order(game=game)
    ws = open_task_workspace(game)
    return models_needing_training(ws, ws.draws.frame())
