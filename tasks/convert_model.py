from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.modeling.fitting import convert_to_saved_model


@task(name="convert-model", cache_policy=NO_CACHE)
def convert_model(keras_file: str, output_dir: str) -> str:
    """Export a `.keras` model file as a TensorFlow SavedModel directory."""
    directory = convert_to_saved_model(Path(keras_file), Path(output_dir))
    get_run_logger().info("Exported %s as a SavedModel in %s", keras_file, directory)
    return str(directory)
