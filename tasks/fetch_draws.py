from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.fetch_reports import FetchReport
from lotto_models.ingest.service import fetch_draw_range, fetch_new_draws
from tasks.backfill_progress import announce_backfill_progress
from tasks.workspace import open_task_workspace


# No task retries: the client retries each source with backoff, then the mirrors take over (one retry layer).
@task(name="fetch-draws", cache_policy=NO_CACHE)
def fetch_draws(game: Game, first: int | None = None, last: int | None = None) -> FetchReport:
    """Fetch every concurso after the newest stored one (or `first`..`last`); mirrors take over on failure."""
    logger = get_run_logger()
    ws = open_task_workspace(game)
    if first is None or last is None:
        report = fetch_new_draws(ws, announce_backfill_progress)
    else:
        report = fetch_draw_range(ws, first, last)
    answered = {f.source for f in report.fetched}
    for source, problem in report.unreachable.items():
        if answered:
            logger.warning("Fallback: source %s failed (%s); %s answered", source, problem, ", ".join(sorted(answered)))
    for rejected in report.rejected:
        logger.warning("Rejected %s payload for concurso %s: %s", rejected.source, rejected.concurso, rejected.reason)
    if report.stale is not None:
        logger.warning("Stale source: %s", report.stale.sentence)
    if report.source_reached:
        logger.info("Latest concurso at the source: %s; fetched %d", report.latest, len(report.fetched))
    return report
