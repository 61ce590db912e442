"""The `train-model` flow: one model trained and promoted on its own, for fan-out across workers."""

from __future__ import annotations

from prefect import flow
from prefect.states import Completed, State

from lotto_models.modeling.catalog import MODELS
from tasks.build_dataset import build_dataset
from tasks.promote_model import promote_model
from tasks.train_model import train_model


@flow(name="train-model", description="Train one model on the stored draws and run its promotion gate.")
def train_model_flow(model: str, from_scratch: bool = False, force: bool = False) -> State:
    """Fallbacks used on the way are named in the final state's message, which the fan-out parent reads."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
    dataset, rebuilt = build_dataset(MODELS[model].feature_set.value)
    events = [f"dataset cache {MODELS[model].feature_set.value} was unreadable; rebuilt from the database"] * rebuilt
    challenger = train_model(model, dataset, from_scratch, force)
    events += challenger.events
    if challenger.version_id is not None and challenger.skipped_reason is None:
        events += promote_model(model, challenger.version_id, dataset).events
    message = ("Completed with fallback: " + " | ".join(events)) if events else None
    return Completed(message=message)
