"""The `train-model` flow: one model trained and promoted on its own, for fan-out across workers."""

from __future__ import annotations

from prefect import flow
from prefect.states import Completed, State

from flows.names import TRAIN_MODEL
from lotto_models.core.fallbacks import Fallback, FallbackKind, fallback_message
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.dataset_cache import CacheOutcome
from lotto_models.training.challengers import TrainOutcome
from tasks.build_datasets import build_datasets
from tasks.mirror_to_mlflow import mirror_to_mlflow
from tasks.promote_model import promote_model
from tasks.train_model import train_model


@flow(
    name=TRAIN_MODEL,
    description="Train one model on the stored draws and run its promotion gate.",
    persist_result=True,
)
def train_one_model(model: str, from_scratch: bool = False, force: bool = False, game: GameId = "lotofacil") -> State:
    """Fallbacks used on the way are in the result, and named in the final state's message for people."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; known: {', '.join(MODELS)}")
    feature_set = MODELS[model].feature_set
    dataset = build_datasets(GAMES[game], [feature_set])[feature_set]
    fallbacks: list[Fallback] = []
    if dataset.outcome is CacheOutcome.REBUILT:
        detail = f"dataset cache {feature_set.value} was unreadable; rebuilt from the database"
        fallbacks.append(Fallback(FallbackKind.DATASET_REBUILT, feature_set.value, detail))
    challenger = train_model(GAMES[game], model, dataset, from_scratch, force)
    fallbacks += challenger.fallbacks
    decision = None
    if challenger.version_id is not None and challenger.skipped_reason is None:
        promotion = promote_model(GAMES[game], model, challenger.version_id, dataset, challenger.scores)
        fallbacks += promotion.fallbacks
        decision = promotion
    fallbacks += mirror_to_mlflow(GAMES[game], [model])  # when LOTTO_MLFLOW_TRACKING_URI is set
    outcome = TrainOutcome(model, challenger.version_id, decision, tuple(fallbacks))
    return Completed(message=fallback_message(fallbacks), data=outcome)
