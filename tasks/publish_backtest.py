import base64

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.reporting.backtest import write_backtest_report
from tasks.workspace import open_task_workspace


@task(name="publish-backtest", cache_policy=NO_CACHE)
def publish_backtest(game: Game) -> str:
    """Write the backtest table and hit-distribution chart; publish both as one artifact."""
    report = write_backtest_report(open_task_workspace(game))
    image = base64.b64encode(report.chart_path.read_bytes()).decode()
    markdown = report.markdown().replace("(hits.png)", f"(data:image/png;base64,{image})")
    create_markdown_artifact(key="backtest", markdown=markdown, description="Champions against the random baseline")
    return str(report.markdown_path)
