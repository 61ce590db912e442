"""The models as the web service shows them: each model's champion and previous version with its holdout
against chance, its health and its last decision, mapped from `registry.model_status.ModelStatus`."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.evaluation import HoldoutMetrics, hypergeometric_hits_pmf
from lotto_models.modeling.game_shape import GameShape
from lotto_models.registry.model_status import DecisionStatus, ModelStatus
from lotto_models.registry.versions import ModelVersion
from lotto_models.reporting.model_card import ModelCard
from lotto_models.reporting.plan_views import Baseline, baseline
from lotto_models.reporting.status import decision_figures
from lotto_models.storage.rows import as_utc


class Holdout(BaseModel):
    draws: int
    bce: float
    baseline_bce: float
    brier: float
    baseline_brier: float
    mean_hits: float
    hits_ci95_low: float
    hits_ci95_high: float
    baseline_hits: float
    share_11_plus: float
    baseline_share_11_plus: float
    leakage_suspected: bool
    hits_histogram: list[int] = Field(
        description="holdout draws with k hits, k = 0..15 (another game: 0..its numbers drawn)"
    )
    verdict: str


class VersionView(BaseModel):
    label: str
    version: int
    trained_through: int
    created_at: dt.datetime
    code_version: str
    dataset_fingerprint: str
    flow_run_id: str | None = Field(description="the Prefect flow run that trained this version")
    holdout: Holdout | None


class Decision(BaseModel):
    promoted: bool
    verdict: str | None
    reason: str
    mean_difference: float | None = Field(description="challenger − champion, mean per-draw holdout loss")
    interval: list[float | None] | None = Field(description="the mean difference's interval [low, high]")
    margin: float | None = Field(description="the non-inferiority margin the interval's upper end is held to")
    decided_by: str
    decided_at: dt.datetime
    challenger: str | None
    champion: str | None
    flow_run_id: str | None = Field(description="the flow run that trained the challenger")


class ModelView(BaseModel):
    model: str
    kind: str
    research: bool
    depends_on: list[str]
    champion: VersionView | None
    previous: VersionView | None
    degraded: bool
    degraded_reason: str | None
    below_baseline: bool = Field(
        description="the champion is worse than the constant forecast beyond noise: it serves no plan"
    )
    last_decision: Decision | None
    champion_card: ModelCard | None
    newest_card: ModelCard | None = Field(description="the newest version's card, when it is not the champion")


class ModelsView(BaseModel):
    models: list[ModelView]
    baseline: Baseline
    random_hits_pmf: list[float] = Field(
        description="P(hits = k) of a random guess, k = 0..15 (another game: 0..its numbers drawn)"
    )


def models_view(models: list[ModelView], game: Game = LOTOFACIL) -> ModelsView:
    pmf = hypergeometric_hits_pmf(GameShape.of(game))
    return ModelsView(models=models, baseline=baseline(game), random_hits_pmf=[float(p) for p in pmf])


def model_view(status: ModelStatus, champion_card: ModelCard | None, newest_card: ModelCard | None) -> ModelView:
    spec = MODELS[status.model]
    return ModelView(
        model=status.model,
        kind=spec.kind,
        research=spec.research,
        depends_on=list(spec.depends_on),
        champion=version_view(status.champion),
        previous=version_view(status.previous),
        degraded=status.health.degraded,
        degraded_reason=status.health.reason,
        below_baseline=status.below_baseline,
        last_decision=decision_view(status.last_decision) if status.last_decision else None,
        champion_card=champion_card,
        newest_card=newest_card,
    )


def decision_view(decision: DecisionStatus) -> Decision:
    figures = decision_figures(decision.record)
    challenger = decision.challenger
    return Decision(
        promoted=bool(decision.record.promoted),
        verdict=figures["verdict"],
        reason=decision.record.reason,
        mean_difference=figures["mean_difference"],
        interval=figures["interval"],
        margin=figures["margin"],
        decided_by=decision.record.decided_by,
        decided_at=as_utc(decision.record.decided_at),
        challenger=challenger.label if challenger else None,
        champion=decision.champion.label if decision.champion else None,
        flow_run_id=challenger.flow_run_id if challenger else None,
    )


def version_view(version: ModelVersion | None) -> VersionView | None:
    if version is None:
        return None
    holdout = None
    if "mean_hits" in version.metrics:
        metrics = HoldoutMetrics.from_dict(version.metrics)
        holdout = Holdout(
            draws=metrics.draws,
            bce=metrics.bce,
            baseline_bce=metrics.baseline_bce,
            brier=metrics.brier,
            baseline_brier=metrics.baseline_brier,
            mean_hits=metrics.mean_hits,
            hits_ci95_low=metrics.hits_ci95_low,
            hits_ci95_high=metrics.hits_ci95_high,
            baseline_hits=metrics.baseline_hits,
            share_11_plus=metrics.share_11_plus,
            baseline_share_11_plus=metrics.baseline_share_11_plus,
            leakage_suspected=metrics.leakage_suspected,
            hits_histogram=list(metrics.hits_histogram),
            verdict=metrics.verdict(),
        )
    return VersionView(
        label=version.label,
        version=version.version,
        trained_through=version.trained_through,
        created_at=as_utc(version.created_at),
        code_version=version.code_version,
        dataset_fingerprint=version.dataset_fingerprint,
        flow_run_id=version.flow_run_id,
        holdout=holdout,
    )
