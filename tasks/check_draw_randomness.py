from __future__ import annotations

from typing import TYPE_CHECKING

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.storage.draw_rows import number_columns
from tasks.workspace import open_task_workspace

if TYPE_CHECKING:
    from lotto_models.reporting.randomness import RandomnessReport

MIN_DRAWS = 30


@task(name="check-draw-randomness", cache_policy=NO_CACHE)
def check_draw_randomness(game: Game) -> RandomnessReport | None:
    """The stored draws against a fair draw (three tests, Holm-corrected); None with too few draws to test."""
    from lotto_models.reporting.randomness import randomness_report  # scipy: only when new draws arrived

    frame = open_task_workspace(game).draws.frame()
    if len(frame) < MIN_DRAWS:
        return None
    report = randomness_report(game, frame[number_columns(game)].to_numpy().tolist())
    get_run_logger().info("Randomness of the %d stored draws: %s", report.draws, report.summary())
    return report
