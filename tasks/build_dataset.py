from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.challengers import build_feature_dataset
from lotto_models.workspace import open_workspace


@task(name="build-dataset", cache_policy=NO_CACHE)
def build_dataset(feature_set: str) -> str:
    """Path of the feature set's dataset for the stored draws, reused when its fingerprint is unchanged."""
    path, rebuilt = build_feature_dataset(open_workspace(), feature_set)
    get_run_logger().info("Dataset %s %s: %s", feature_set, "built" if rebuilt else "reused", path.name)
    return str(path)
