from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.service import seed_store
from tasks.workspace import open_task_workspace


@task(name="prepare-store", cache_policy=NO_CACHE)
def prepare_store(game: Game) -> int:
    """Migrate the schema and seed an empty store from the bundled history; returns draws seeded."""
    ws = open_task_workspace(game)
    seeded = seed_store(ws)
    if seeded:
        get_run_logger().info("Seeded an empty store with %d draws from the bundled history", seeded)
    return seeded
