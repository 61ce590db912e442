from prefect import task
from prefect.cache_policies import NO_CACHE

from lotto_models.modeling.fitting import import_tensorflow


@task(name="load-tensorflow", cache_policy=NO_CACHE)
def load_tensorflow() -> None:
    """Have TensorFlow imported in a worker process (a no-op in a worker forked from the preloaded fork server
    of `runtime.worker_pool`): submitted to start the workers while the main process validates new draws."""
    import_tensorflow()
