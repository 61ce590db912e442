"""The `train-model` flow: one model trained and promoted on its own, for fan-out across workers."""

from __future__ import annotations

from prefect import flow

from lotto_models.catalog import MODELS
from tasks.build_dataset import build_dataset
from tasks.promote_model import promote_model
from tasks.train_model import train_model


@flow(name="train-model", description="Train one model on the stored draws and run its promotion gate.")
def train_model_flow(model: str, from_scratch: bool = False) -> dict:
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
    dataset, _ = build_dataset(MODELS[model].feature_set.value)
    challenger = train_model(model, dataset, from_scratch)
    if challenger.version_id is None:
        return {"decision": challenger.skipped_reason or "not trained", "events": []}
    decision = promote_model(model, challenger.version_id, dataset)
    return {"decision": decision.reason, "events": list(decision.events)}
