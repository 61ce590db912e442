"""Training a challenger for a model, scoring it on the holdout, and the promotion that may follow.

Everything is the workspace's game's (`shared_datasets.game_shape`): the models it trains
(`catalog.models_of`), its features and networks (their widths follow its pool), the holdout's guess of its
default bet and the random baseline it is judged by, and the constant forecast the gate compares with."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lotto_models.core.failpoints import PROMOTION_BEFORE_SWAP, failpoint
from lotto_models.core.fallbacks import Fallback
from lotto_models.modeling.catalog import MODELS, ModelSpec, check_known, dependents_of, training_order
from lotto_models.modeling.comparison import per_draw_log_loss, versus_constant_forecast
from lotto_models.modeling.dataset_cache import DatasetRef
from lotto_models.modeling.evaluation import HoldoutMetrics, evaluate_holdout, invalid_output_reason
from lotto_models.modeling.features import Dataset, FeatureSet, fingerprint
from lotto_models.modeling.fitting import fit_model, hyperparameters_for, load_predictor, warm_startable
from lotto_models.modeling.game_shape import LOTOFACIL_SHAPE, GameShape
from lotto_models.modeling.splits import Splits, time_splits
from lotto_models.registry.recovery import checked_champion
from lotto_models.registry.registration import register_version
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.versions import CHAMPION, ModelVersion
from lotto_models.training.holdout_scores import ChampionLosses, HoldoutScores
from lotto_models.training.promotion import PromotionDecision, decide_promotion
from lotto_models.training.shared_datasets import feature_params, game_shape, shared_datasets
from lotto_models.workspace import Workspace


@dataclass(frozen=True)
class ChallengerResult:
    model: str
    version_id: int | None
    skipped_reason: str | None = None
    warm_started: bool = False
    epochs: int = 0
    seconds: float = 0.0
    fallbacks: tuple[Fallback, ...] = ()  # used on the way (e.g. a damaged champion restored)
    scores: HoldoutScores | None = None  # for the promotion to reuse; None when nothing was trained


@dataclass(frozen=True)
class TrainOutcome:
    """What training and promoting one model did, as one run reports it to another (fan-out)."""

    model: str
    version_id: int | None
    decision: PromotionDecision | None
    fallbacks: tuple[Fallback, ...]


def base_champions(ws: Workspace, spec: ModelSpec) -> dict[str, ModelVersion]:
    """The current champions of the models `spec` stacks on (those that have one)."""
    found = {name: ws.versions.alias(name, CHAMPION) for name in spec.depends_on}  # verified before training
    return {name: version for name, version in found.items() if version is not None}


def hyperparameters(ws: Workspace, spec: ModelSpec) -> dict[str, Any]:
    bases = {name: version.label for name, version in base_champions(ws, spec).items()}
    return hyperparameters_for(spec, feature_params(ws), ws.settings.training, bases)


def dataset_splits(ws: Workspace, dataset: Dataset) -> Splits:
    return time_splits(
        len(dataset.targets), ws.settings.holdout_draws, ws.settings.validation_draws, ws.settings.ensemble_draws
    )


def models_needing_training(ws: Workspace, frame: pd.DataFrame) -> list[str]:
    """Models of the workspace's game without a version trained on today's draws with today's
    hyperparameters, plus every model that depends on one of them (dependency order).

    Left out: a model stacked on a base that has no champion and will not be trained in this run (the gate
    refused its version of today's draws): it cannot be trained until a new draw gives the base another
    chance. Without this, every no-op run of such a game (Lotomania's ls15pp, refused as worse than the
    constant forecast) loaded TensorFlow to fail ls16's training again: 10 s instead of 2.6 s."""
    stale = []
    params = feature_params(ws)
    for name in training_order(game=ws.game):
        spec = MODELS[name]
        print_ = fingerprint(frame, spec.feature_set, params)
        if ws.versions.trained_on(name, print_, hyperparameters(ws, spec)) is None:
            stale.append(name)
    wanted = dependents_of(stale)
    blocked: set[str] = set()
    for name in training_order(wanted, ws.game):  # bases first, so a blocked base blocks what stacks on it
        if name in wanted and any(
            base in blocked or (base not in wanted and ws.versions.alias(base, CHAMPION) is None)
            for base in MODELS[name].depends_on
        ):
            blocked.add(name)
    kept = wanted - blocked
    return training_order(kept, ws.game) if kept else []


def expected_training_seconds(ws: Workspace, models: list[str], from_scratch: bool) -> dict[str, float]:
    """How long each model's training will take, by its newest version trained the same way here (warm
    from a champion, or from scratch); models never trained that way have no estimate."""
    expected = {}
    for model in models:
        warm = not from_scratch and warm_start_version(ws, model, ws.versions.alias(model, CHAMPION)) is not None
        for version in reversed(ws.versions.versions(model)):
            seconds = version.metrics.get("training_seconds")
            if seconds is not None and bool(version.metrics.get("warm_started")) == warm:
                expected[model] = float(seconds)
                break
    return expected


def warm_start_version(
    ws: Workspace, model: str, champion: ModelVersion | None, params: dict[str, Any] | None = None
) -> ModelVersion | None:
    """The version a fine-tune starts from: the champion, or, when the gate refused every version so far
    (worse than the constant forecast beyond noise), the newest one, which saw all but the newest draws
    (training from scratch again with the same seed would land about where it did, at several times the
    cost). None when neither has today's hyperparameters (`params`, default today's) and files."""
    wanted = params if params is not None else hyperparameters(ws, MODELS[model])
    candidates = [champion] if champion is not None else list(reversed(ws.versions.versions(model)))[:1]
    for version in candidates:
        if not version.artifacts_pruned and warm_startable(version.hyperparameters, wanted):
            return version
    return None


def build_feature_datasets(ws: Workspace, feature_sets: Iterable[FeatureSet]) -> dict[FeatureSet, DatasetRef]:
    """The cached datasets of the stored draws, and whether each was reused, built or rebuilt."""
    return shared_datasets(ws, ws.draws.frame(), feature_sets)


def build_feature_dataset(ws: Workspace, feature_set: FeatureSet) -> DatasetRef:
    """The cached dataset of one feature set (`build_feature_datasets`)."""
    return build_feature_datasets(ws, [feature_set])[feature_set]


def train_challenger(
    ws: Workspace,
    model: str,
    dataset_ref: DatasetRef,
    from_scratch: bool = False,
    flow_run_id: str | None = None,
    force: bool = False,
) -> ChallengerResult:
    """Train, score on the holdout and register a new version of `model` (not yet promoted).

    Skipped when a version was already trained on this dataset with these hyperparameters, unless
    `force` (a retrain on demand: warm from the champion, or from scratch). Raises `UnknownModelError` for a
    model the workspace's game does not train.
    """
    check_known([model], ws.game)
    spec = MODELS[model]
    shape = game_shape(ws)
    dataset = dataset_ref.load()
    params = hyperparameters(ws, spec)
    existing = ws.versions.trained_on(model, dataset.fingerprint, params)
    if existing is not None and not (from_scratch or force):
        return ChallengerResult(model, existing.id, skipped_reason=f"{existing.label} already trained on these draws")
    splits = dataset_splits(ws, dataset)
    checked = checked_champion(ws.versions, ws.artifacts, model)
    champion, fallbacks = checked.version, list(checked.fallbacks)
    start = None if from_scratch else warm_start_version(ws, model, champion, params)
    warm_from = None  # the champion's files were just checked; another version's are checked here
    if start is not None:
        warm_from = ws.artifacts.path(start) if start is champion else ws.artifacts.checked_path(start)
    bases = base_champions(ws, spec)
    for base in bases.values():
        ws.artifacts.verify(base)
    staging = ws.artifacts.staging_dir(model)
    from_champion = champion is not None and start is champion  # its outputs on the holdout come with the fit
    try:
        outcome = fit_model(
            spec,
            dataset,
            splits,
            params,
            staging,
            ws.settings.seed,
            warm_from,
            {name: ws.artifacts.path(version) for name, version in bases.items()},
            time_limit_s=ws.settings.training_timeout_s,
            start_inputs=dataset.inputs[splits.holdout] if from_champion else None,
        )
        probabilities = holdout_probabilities(spec, staging, dataset, splits)  # the saved file, read back
        targets = dataset.targets[splits.holdout]
        metrics = evaluate_holdout(probabilities, targets, shape)
        losses = per_draw_log_loss(probabilities, targets)
        invalid_reason = invalid_output_reason(probabilities, shape)
        versus_baseline = versus_constant_forecast(losses, ws.settings.confidence, shape)
        version = register_version(
            ws.versions,
            ws.artifacts,
            model,
            staging,
            dataset_fingerprint=dataset.fingerprint,
            trained_through=dataset.last_concurso,
            hyperparameters=params,
            metrics={
                **metrics.as_dict(),
                "versus_baseline": versus_baseline.as_dict(),
                "spans": data_spans(dataset, splits),
                "invalid_reason": invalid_reason,
                "epochs": outcome.epochs_run,
                "warm_started": outcome.warm_started,
                "training_seconds": round(outcome.seconds, 3),
            },
            flow_run_id=flow_run_id,
        )
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    scored_champion = None
    if champion is not None and outcome.start_outputs is not None:
        scored_champion = ChampionLosses(champion.id, per_draw_log_loss(outcome.start_outputs, targets))
    scores = HoldoutScores(version.id, dataset.fingerprint, metrics, losses, invalid_reason, scored_champion)
    return ChallengerResult(
        model, version.id, None, outcome.warm_started, outcome.epochs_run, outcome.seconds, tuple(fallbacks), scores
    )


def data_spans(dataset: Dataset, splits: Splits) -> dict[str, list[int]]:
    """The first and last concurso each split's targets cover: what the version was fit, stopped, weighed and
    judged on (its model card)."""
    concursos = dataset.target_concursos
    return {
        name: [int(concursos[span][0]), int(concursos[span][-1])]
        for name, span in (
            ("train", splits.train),
            ("validation", splits.validation),
            ("weights", splits.weights),
            ("holdout", splits.holdout),
        )
        if len(concursos[span])
    }


def score_on_holdout(
    spec: ModelSpec, artifact_dir: Path, dataset: Dataset, splits: Splits, game: GameShape = LOTOFACIL_SHAPE
) -> HoldoutMetrics:
    probabilities = holdout_probabilities(spec, artifact_dir, dataset, splits)
    return evaluate_holdout(probabilities, dataset.targets[splits.holdout], game)


def holdout_probabilities(spec: ModelSpec, artifact_dir: Path, dataset: Dataset, splits: Splits) -> np.ndarray:
    return load_predictor(spec, artifact_dir)(dataset.inputs[splits.holdout])


def promote_challenger(
    ws: Workspace, model: str, version_id: int, dataset_ref: DatasetRef, scores: HoldoutScores | None = None
) -> PromotionDecision:
    """Score challenger and champion draw by draw on the same latest holdout; back up and swap when the
    gate passes. A champion that stays is judged against the constant forecast on the same draws, and marked
    `below_baseline` (out of every plan) when it is worse beyond noise. The constant forecast and the random
    guess are the workspace's game's.

    `scores` are the training's (`HoldoutScores`): taken for this version on this dataset, the champion's for
    the champion they name; whatever they lack is scored here from the files."""
    check_known([model], ws.game)
    spec = MODELS[model]
    shape = game_shape(ws)
    challenger = ws.versions.get(version_id)
    if challenger is None:
        raise ValueError(f"model version id {version_id} does not exist")
    checked = checked_champion(ws.versions, ws.artifacts, model)
    champion, fallbacks = checked.version, list(checked.fallbacks)
    if champion is not None and champion.id == challenger.id:
        decision = PromotionDecision(False, f"{challenger.label} is already the champion", Verdict.ALREADY_CHAMPION)
        return decision.between(challenger.label, champion.label).with_fallbacks(fallbacks)
    if scores is None or not scores.fit_for(challenger.id, dataset_ref.fingerprint):
        scores = score_challenger(ws, spec, challenger, dataset_ref)
    else:
        ws.artifacts.verify(challenger)  # its files, as scored at training, are what would serve
    champion_losses = None
    if champion is not None:
        champion_losses = scores.champion_losses(champion.id)
        if champion_losses is None:
            champion_losses = _champion_losses(ws, spec, champion, dataset_ref)
    decision = decide_promotion(
        scores.metrics,
        scores.losses,
        scores.invalid_reason,
        champion_losses,
        ws.settings.promotion_margin_bce,
        ws.settings.confidence,
        shape,
    )
    if decision.promote:
        swap_champion(ws, model, challenger, champion)
        if decision.figures is not None:
            ws.versions.set_versus_baseline(model, decision.figures.versus_baseline)
    elif champion_losses is not None:
        ws.versions.set_versus_baseline(model, versus_constant_forecast(champion_losses, ws.settings.confidence, shape))
    ws.versions.record_decision(
        model,
        challenger.id,
        champion.id if champion else None,
        decision.promote,
        decision.reason,
        verdict=decision.verdict,
        figures=decision.figures,
    )
    return decision.between(challenger.label, champion.label if champion else None, challenger.id).with_fallbacks(
        fallbacks
    )


def swap_champion(ws: Workspace, model: str, incoming: ModelVersion, outgoing: ModelVersion | None) -> None:
    """Back up both versions, then point `champion` at `incoming` (and `previous` at `outgoing`) at once.

    Nothing is deleted: if anything fails before the swap, the old champion still serves unchanged.
    """
    if outgoing is not None:
        ws.artifacts.backup(outgoing)
    ws.artifacts.backup(incoming)  # so the serving version can be restored if its files are damaged
    ws.artifacts.prune_backups(ws.versions.versions(model))
    failpoint(PROMOTION_BEFORE_SWAP)
    ws.versions.set_champion(model, incoming.id)
    ws.versions.set_status(model, degraded=False)


def score_challenger(
    ws: Workspace, spec: ModelSpec, challenger: ModelVersion, dataset_ref: DatasetRef
) -> HoldoutScores:
    """The challenger's holdout scores from its files (checked first), when the training's are not at hand."""
    dataset = dataset_ref.load()
    splits = dataset_splits(ws, dataset)
    targets = dataset.targets[splits.holdout]
    probabilities = holdout_probabilities(spec, ws.artifacts.checked_path(challenger), dataset, splits)
    shape = game_shape(ws)
    return HoldoutScores(
        challenger.id,
        dataset.fingerprint,
        evaluate_holdout(probabilities, targets, shape),
        per_draw_log_loss(probabilities, targets),
        invalid_output_reason(probabilities, shape),
    )


def _champion_losses(
    ws: Workspace, spec: ModelSpec, champion: ModelVersion, dataset_ref: DatasetRef
) -> np.ndarray | None:
    """The champion's per-draw losses on the same holdout; None when it cannot read today's inputs (its
    features changed)."""
    dataset = dataset_ref.load()
    if spec.kind != "stat" and (
        champion.hyperparameters.get("window") != int(dataset.inputs.shape[1])
        or champion.hyperparameters.get("features") != int(dataset.inputs.shape[-1])
    ):
        return None
    splits = dataset_splits(ws, dataset)
    probabilities = holdout_probabilities(spec, ws.artifacts.path(champion), dataset, splits)
    return per_draw_log_loss(probabilities, dataset.targets[splits.holdout])
