from datetime import timedelta
from typing import Any

from prefect import get_run_logger, runtime, task
from prefect.context import TaskRunContext

from lotto_models.core.games import Game
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.training.challengers import ChallengerResult, train_challenger
from tasks.workspace import open_task_workspace


def dataset_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """A retried flow run does not train again on the same dataset (identified by its fingerprint)."""
    dataset: DatasetRef = parameters["dataset"]
    modes = f"{parameters.get('from_scratch', False)}-{parameters.get('force', False)}"
    return f"train-{parameters['model']}-{dataset.fingerprint}-{modes}-{context.task_run.flow_run_id}"


@task(
    name="train-model",
    task_run_name="train-model-{model}",  # the model in the UI's run list and the benchmark's timeline
    cache_key_fn=dataset_cache_key,
    cache_expiration=timedelta(days=2),
    persist_result=True,
)
def train_model(
    game: Game, model: str, dataset: DatasetRef, from_scratch: bool = False, force: bool = False
) -> ChallengerResult:
    """Train, score and register a challenger version of `model` (promotion is a separate step).

    `force` trains even when a version exists on these draws (a retrain on demand)."""
    result = train_challenger(
        open_task_workspace(game), model, dataset, from_scratch, str(runtime.flow_run.id), force=force
    )
    logger = get_run_logger()
    for fallback in result.fallbacks:
        logger.warning("Fallback: %s", fallback)
    if result.skipped_reason:
        logger.info("%s: %s", model, result.skipped_reason)
    elif MODELS[model].kind == "stat":  # no network, no epochs: its weights are fit on the validation span
        logger.info("%s: fitted on the validation span in %.1f s", model, result.seconds)
    else:
        start = "warm start" if result.warm_started else "from scratch"
        logger.info("%s: trained %d epoch(s) %s in %.1f s", model, result.epochs, start, result.seconds)
    return result
