from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.fetch_reports import FetchReport
from lotto_models.ingest.service import validate_fetched
from lotto_models.ingest.validation import ValidationReport
from tasks.workspace import open_task_workspace


@task(name="validate-draws", cache_policy=NO_CACHE)
def validate_draws(game: Game, fetched: FetchReport) -> ValidationReport:
    """Run the Great Expectations suite on the new draws and their continuity; publish the result."""
    report = validate_fetched(open_task_workspace(game), fetched)
    if fetched.fetched:
        create_markdown_artifact(key="draw-validation", markdown=report.markdown(), description="New draws validation")
        for check in report.warnings:
            get_run_logger().warning(
                "Unusual but accepted: %s (concursos %s)", check.description, check.failing_concursos
            )
    return report
