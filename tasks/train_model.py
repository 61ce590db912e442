from pathlib import Path

from prefect import get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE

from lotto_models.challengers import ChallengerResult, train_challenger
from lotto_models.workspace import open_workspace


@task(name="train-model", cache_policy=NO_CACHE, tags=["training"])
def train_model(model: str, dataset_path: str, from_scratch: bool = False) -> ChallengerResult:
    """Train, score and register a challenger version of `model` (promotion is a separate step)."""
    result = train_challenger(open_workspace(), model, Path(dataset_path), from_scratch, str(runtime.flow_run.id))
    logger = get_run_logger()
    if result.skipped_reason:
        logger.info("%s: %s", model, result.skipped_reason)
    else:
        start = "warm start" if result.warm_started else "from scratch"
        logger.info("%s: trained %d epoch(s) %s in %.1f s", model, result.epochs, start, result.seconds)
    return result
