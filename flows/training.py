"""Training the stale models in dependency order, in this process: each trained, then promoted.

A training that fails, diverges or times out leaves its champion serving and the model degraded, and
every model that depends on it is degraded with it (named, not trained). The fan-out variant in
`flows.fanout` follows the same rules with one deployment run per model.
"""

from __future__ import annotations

from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.features import DatasetRef, FeatureSet
from lotto_models.reporting.run_summary import RunSummary
from tasks.mark_model_degraded import mark_model_degraded
from tasks.promote_model import promote_model
from tasks.train_model import train_model


def degrade(model: str, kind: FallbackKind, reason: str) -> Fallback:
    """Mark `model` degraded (its champion keeps serving) and return the fallback that says so."""
    mark_model_degraded(model, reason)
    return Fallback(kind, model, f"{model} {reason}; its champion keeps serving")


def failed_dependencies(model: str, failed: set[str]) -> Fallback | None:
    """The fallback for a model not trained because a model it depends on failed, if one did."""
    missing = failed & set(MODELS[model].depends_on)
    if not missing:
        return None
    return degrade(model, FallbackKind.DEPENDENCY_FAILED, f"not trained: {', '.join(sorted(missing))} failed")


def train_models_in_process(
    stale: list[str], datasets: dict[FeatureSet, DatasetRef], from_scratch: bool, summary: RunSummary
) -> None:
    failed: set[str] = set()
    for model in stale:
        dataset = datasets[MODELS[model].feature_set]
        skipped = failed_dependencies(model, failed)
        if skipped is not None:
            failed.add(model)
            summary.fallbacks.append(skipped)
            continue
        # The time limit is enforced inside the training, between batches (LOTTO_TRAINING_TIMEOUT_S).
        state = train_model(model, dataset, from_scratch, return_state=True)
        if not state.is_completed():
            failed.add(model)
            reason = f"training {(state.name or state.type.value).lower()}: {state.message}"
            summary.fallbacks.append(degrade(model, FallbackKind.TRAINING_FAILED, reason))
            continue
        challenger = state.result()
        summary.trained.append(model)
        summary.fallbacks += challenger.fallbacks
        if challenger.version_id is not None:
            decision = promote_model(model, challenger.version_id, dataset)
            summary.decisions[model] = decision.reason
            summary.fallbacks += decision.fallbacks
