from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.training.challengers import promote_challenger
from lotto_models.training.holdout_scores import HoldoutScores
from lotto_models.training.promotion import PromotionDecision
from tasks.events import MODEL_PROMOTED, emit
from tasks.workspace import open_task_workspace


@task(name="promote-model", task_run_name="promote-model-{model}", cache_policy=NO_CACHE)
def promote_model(
    game: Game, model: str, version_id: int, dataset: DatasetRef, scores: HoldoutScores | None = None
) -> PromotionDecision:
    """Score challenger and champion on the same holdout (reusing the training's `scores`); back up and swap
    if the challenger passes."""
    decision = promote_challenger(open_task_workspace(game), model, version_id, dataset, scores)
    get_run_logger().info("%s: %s", model, decision.summary())
    if decision.promote:
        emit(MODEL_PROMOTED, f"model.{model}", model, {"version_id": version_id, "reason": decision.reason})
    return decision
