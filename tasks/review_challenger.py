from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.training.review import PendingChallenger, apply_review, pending_challengers
from tasks.workspace import open_task_workspace


@task(name="find-pending-challengers", cache_policy=NO_CACHE)
def find_pending_challengers(game: Game) -> list[PendingChallenger]:
    """The newest version of each model that is newer than its champion and awaits a person."""
    return pending_challengers(open_task_workspace(game))


@task(name="apply-review", cache_policy=NO_CACHE)
def apply_review_decision(game: Game, model: str, version: int, approve: bool, note: str) -> str:
    """Promote or reject the challenger as the reviewer decided."""
    outcome = apply_review(open_task_workspace(game), model, version, approve, note)
    get_run_logger().info(outcome)
    return outcome
