from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.delivery.deliveries import DeliveryReport, deliver_owed
from tasks.workspace import open_task_workspace


@task(name="deliver-guesses", cache_policy=NO_CACHE)
def deliver_guesses(game: Game) -> DeliveryReport:
    """Send LOTTO_PUBLISH_URLS what they are owed: each public plan's guess, and its hits once drawn."""
    report = deliver_owed(open_task_workspace(game))
    logger = get_run_logger()
    for destination in report.destinations:
        if destination.sent:
            again = (
                f" ({len(destination.resent)} tried before: {', '.join(destination.resent)})"
                if destination.resent
                else ""
            )
            logger.info("Delivered to %s: %s%s", destination.destination, ", ".join(destination.sent), again)
        if destination.failed:
            logger.warning(
                "Not delivered to %s: %s; %d owed, for the next run",
                destination.destination,
                destination.failed,
                destination.left,
            )
        elif destination.left:
            logger.info(
                "%d more owed to %s: the next run sends them (LOTTO_PUBLISH_MAX_PER_RUN)",
                destination.left,
                destination.destination,
            )
        if not destination.sent and not destination.left:
            logger.info("Nothing owed to %s", destination.destination)
    return report
