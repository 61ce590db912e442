from prefect import get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.modeling.features import FeatureSet
from lotto_models.serving.publishing import PublishedGuess, publish_plan
from tasks.workspace import open_task_workspace


@task(name="publish-predictions", task_run_name="publish-predictions-{plan}", cache_policy=NO_CACHE)
def publish_predictions(game: Game, plan: str, datasets: dict[FeatureSet, DatasetRef]) -> PublishedGuess:
    """Build the plan's ensemble from the current champions and store its guess for the next concurso."""
    guess = publish_plan(open_task_workspace(game), plan, datasets, str(runtime.flow_run.id))
    if guess.degraded:
        get_run_logger().warning("Plan %s serves degraded: %s", plan, guess.note)
    return guess
