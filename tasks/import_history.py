from pathlib import Path

from prefect import get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.history_import import ImportReport, import_history_file
from tasks.workspace import open_task_workspace


@task(name="import-history-file", cache_policy=NO_CACHE)
def import_history(game: Game, path: str) -> ImportReport:
    """Merge a history file into the store and publish what became of each row."""
    report = import_history_file(open_task_workspace(game), Path(path), str(runtime.flow_run.id))
    create_markdown_artifact(key="history-import", markdown=report.markdown(), description="History file import")
    get_run_logger().info("Import of %s: %s", report.file, report.summary())
    return report
