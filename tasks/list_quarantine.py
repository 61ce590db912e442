from prefect import task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.quarantine import QuarantineEntry, list_entries
from tasks.workspace import open_task_workspace


@task(name="list-quarantine", cache_policy=NO_CACHE)
def list_quarantine(game: Game, include_decided: bool = False) -> list[QuarantineEntry]:
    """The held quarantine entries (and the decided ones when asked), oldest first."""
    return list_entries(open_task_workspace(game), include_decided)
