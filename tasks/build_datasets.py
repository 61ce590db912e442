from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.modeling.dataset_cache import CacheOutcome, DatasetRef
from lotto_models.modeling.features import FeatureSet
from lotto_models.training.challengers import build_feature_datasets
from tasks.workspace import open_task_workspace


@task(name="build-datasets", cache_policy=NO_CACHE, retries=1)
def build_datasets(game: Game, feature_sets: list[FeatureSet]) -> dict[FeatureSet, DatasetRef]:
    """The feature sets' datasets, each reused when its fingerprint is unchanged, the others built together.
    Each `outcome` says whether an unreadable cache file had to be rebuilt from the database (a fallback the
    run reports)."""
    refs = build_feature_datasets(open_task_workspace(game), feature_sets)
    logger = get_run_logger()
    for feature_set, ref in sorted(refs.items()):
        if ref.outcome is CacheOutcome.REBUILT:
            logger.warning("Fallback: dataset cache %s was unreadable; rebuilt from the database", ref.path.name)
        else:
            logger.info("Dataset %s %s: %s", feature_set.value, ref.outcome.value, ref.path.name)
    return refs
