from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.modeling.features import DatasetRef
from lotto_models.registry.challengers import promote_challenger
from lotto_models.registry.promotion import PromotionDecision
from lotto_models.workspace import open_workspace
from tasks.events import MODEL_PROMOTED, emit


@task(name="promote-model", task_run_name="promote-model-{model}", cache_policy=NO_CACHE)
def promote_model(model: str, version_id: int, dataset: DatasetRef) -> PromotionDecision:
    """Score challenger and champion on the same holdout; back up and swap if the challenger passes."""
    decision = promote_challenger(open_workspace(), model, version_id, dataset)
    get_run_logger().info("%s: %s", model, decision.summary())
    if decision.promote:
        emit(MODEL_PROMOTED, f"model.{model}", model, {"version_id": version_id, "reason": decision.reason})
    return decision
