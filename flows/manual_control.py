"""Manual model control: `rollback-model`, and `review-challengers`, which pauses for a person in the UI."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput

from flows.names import REVIEW_CHALLENGERS, ROLLBACK_MODEL
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from lotto_models.training.rollback import Rollback
from tasks.mirror_to_mlflow import mirror_to_mlflow
from tasks.review_challenger import apply_review_decision, find_pending_challengers
from tasks.rollback_model import rollback_model as rollback_model_task


class ReviewDecision(RunInput):
    """What the reviewer answers in the Prefect UI for one challenger."""

    approve: bool = False
    note: str = ""


@flow(name=ROLLBACK_MODEL, description="Make the previous (or a named) version of a model the champion again.")
def rollback_model(model: str, version: int | None = None, game: GameId = "lotofacil") -> Rollback:
    done = rollback_model_task(GAMES[game], model, version)
    mirror_to_mlflow(GAMES[game], [model])  # MLflow's aliases follow (a fallback is logged, the rollback stands)
    return done


@flow(name=REVIEW_CHALLENGERS, description="Pause for a person to approve or reject each pending challenger.")
def review_challengers(timeout_s: int = 3600, poll_interval_s: int = 10, game: GameId = "lotofacil") -> list[str]:
    """For each pending challenger, show both versions' metrics and wait for the reviewer's decision.

    A challenger left without an answer when the pause times out stays undecided (the run fails, so the
    missed review is visible) and the champion keeps serving.
    """
    logger = get_run_logger()
    outcomes = []
    reviewed = []
    for pending in find_pending_challengers(GAMES[game]):
        logger.info("Waiting for a reviewer: %s", pending.challenger.label)
        decision = pause_flow_run(
            wait_for_input=ReviewDecision.with_initial_data(description=pending.markdown(), approve=False),
            timeout=timeout_s,
            poll_interval=poll_interval_s,
            key=f"review-{pending.model}-v{pending.challenger.version}",
        )
        reviewed.append(pending.model)
        outcomes.append(
            apply_review_decision(
                GAMES[game], pending.model, pending.challenger.version, decision.approve, decision.note
            )
        )
    if not outcomes:
        logger.info("No challenger is waiting for review")
    else:  # MLflow's aliases follow the reviewer (a fallback is logged, the decisions stand)
        mirror_to_mlflow(GAMES[game], reviewed)
    return outcomes
