from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.training.rollback import Rollback
from lotto_models.training.rollback import rollback_model as rollback
from tasks.workspace import open_task_workspace


@task(name="rollback-model", cache_policy=NO_CACHE)
def rollback_model(game: Game, model: str, version: int | None = None) -> Rollback:
    """Make `version` (default: `previous`) the champion again, backing up the current one first."""
    done = rollback(open_task_workspace(game), model, version)
    get_run_logger().info(
        "%s: champion %s -> %s%s", model, done.from_version, done.to_version, f" ({done.note})" if done.note else ""
    )
    return done
