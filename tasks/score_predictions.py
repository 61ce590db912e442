from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.reporting.baseline import score_line
from lotto_models.storage.prediction_book import Score
from tasks.workspace import open_task_workspace


@task(name="score-predictions", cache_policy=NO_CACHE)
def score_predictions(game: Game) -> list[Score]:
    """Score the published guesses whose draw has arrived."""
    ws = open_task_workspace(game)
    scores = ws.predictions.score_pending(ws.draws)
    for score in scores:
        get_run_logger().info(score_line(score.plan, score.hits, score.concurso))
    return scores
