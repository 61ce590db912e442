import datetime as dt

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.draw_calendar import OverdueDraw, overdue_draw
from tasks.workspace import open_task_workspace


@task(name="check-draw-freshness", cache_policy=NO_CACHE)
def check_draw_freshness(game: Game) -> OverdueDraw | None:
    """The overdue draw when the newest stored one is older than the game's draw calendar allows."""
    last = open_task_workspace(game).draws.last_draw()
    if last is None:
        return None
    overdue = overdue_draw(last.concurso, last.date, dt.datetime.now(dt.UTC), game)
    if overdue is None:
        get_run_logger().info("Newest draw %d of %s is on time for the draw calendar", last.concurso, last.date)
    return overdue
