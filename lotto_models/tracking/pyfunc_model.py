"""A lotoflow version as an MLflow pyfunc model: `mlflow.pyfunc.load_model(...).predict(inputs)` gives the
probabilities lotoflow's own loader gives (`modeling.fitting.load_predictor`), for a network (its `.keras`
file) and for `stat` (its fitted weights) alike. Loading it needs lotoflow installed (its custom loss and
layers, and the `stat` model's code); the files are the version's own, as the artifact store keeps them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from mlflow.pyfunc import PythonModel

from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.fitting import load_predictor

VERSION_FILES = "lotoflow_version"  # the pyfunc artifact holding the version's directory (model.keras, log, ...)


class LotoflowVersionModel(PythonModel):
    """Inputs: the model's windows of features (`(rows, window, features)` for a network, the `stat` model's
    own columns), as lotoflow builds them; output: one probability per number of the game."""

    def load_context(self, context: Any) -> None:
        spec = MODELS[context.model_config["model"]]
        self._predict = load_predictor(spec, Path(context.artifacts[VERSION_FILES]))

    # No type hints here: MLflow would read them as the model's input schema (a list of rows).
    def predict(self, context, model_input, params=None):
        return self._predict(np.asarray(model_input, dtype=np.float32))
