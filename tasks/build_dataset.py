from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.modeling.features import CacheOutcome, DatasetRef, FeatureSet
from lotto_models.registry.challengers import build_feature_dataset
from lotto_models.workspace import open_workspace


@task(name="build-dataset", cache_policy=NO_CACHE, retries=1)
def build_dataset(feature_set: FeatureSet) -> DatasetRef:
    """The feature set's dataset, reused when its fingerprint is unchanged. Its `outcome` says whether an
    unreadable cache file had to be rebuilt from the database (a fallback the run reports)."""
    ref = build_feature_dataset(open_workspace(), feature_set)
    logger = get_run_logger()
    if ref.outcome is CacheOutcome.REBUILT:
        logger.warning("Fallback: dataset cache %s was unreadable; rebuilt from the database", ref.path.name)
    else:
        logger.info("Dataset %s %s: %s", feature_set.value, ref.outcome.value, ref.path.name)
    return ref
