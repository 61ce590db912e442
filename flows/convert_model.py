"""The manual `convert-model` flow: a `.keras` file to a TensorFlow SavedModel directory."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.names import CONVERT_MODEL
from tasks.convert_model import convert_model as convert_model_task


@flow(name=CONVERT_MODEL, description="Export a .keras model file as a TensorFlow SavedModel.")
def convert_model(keras_file: str, output_dir: str | None = None) -> str:
    target = output_dir or str(Path(keras_file).with_suffix("")) + "_saved_model"
    return convert_model_task(keras_file, target)
