from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.ingestion import fetch_new_draws
from lotto_models.sources import FetchReport
from lotto_models.workspace import open_workspace


@task(name="fetch-draws", cache_policy=NO_CACHE)
def fetch_draws() -> FetchReport:
    """Fetch every concurso after the newest stored one; the client retries, mirrors take over."""
    logger = get_run_logger()
    report = fetch_new_draws(open_workspace())
    if report.source_reached:
        for source, problem in report.unreachable.items():
            logger.warning("Fallback: source %s failed (%s); the next source took over", source, problem)
        logger.info("Latest concurso at the source: %s; fetched %d new", report.latest, len(report.fetched))
    return report
