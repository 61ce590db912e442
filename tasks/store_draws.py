from prefect import get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.fetch_reports import FetchReport
from lotto_models.ingest.service import IngestSummary, store_validated_draws
from lotto_models.ingest.validation import ValidationReport
from tasks.events import DRAW_INGESTED, emit
from tasks.workspace import open_task_workspace


@task(name="store-draws", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def store_draws(game: Game, fetched: FetchReport, validation: ValidationReport) -> IngestSummary:
    """Store accepted draws with their raw payloads in one transaction; quarantine the rest."""
    summary = store_validated_draws(open_task_workspace(game), fetched, validation, str(runtime.flow_run.id))
    logger = get_run_logger()
    if summary.stored:
        logger.info("Stored concursos %s", summary.stored)
    for concurso in summary.stored:
        emit(DRAW_INGESTED, f"draw.{concurso}", f"concurso {concurso}", {"concurso": concurso})
    for note in summary.notes:
        logger.warning(note)
    return summary
