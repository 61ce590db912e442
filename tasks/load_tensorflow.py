from prefect import task
from prefect.cache_policies import NO_CACHE

from lotto_models.modeling.training import import_tensorflow


@task(name="load-tensorflow", cache_policy=NO_CACHE)
def load_tensorflow() -> None:
    """Import TensorFlow in a training worker process while the main process still validates new draws."""
    import_tensorflow()
