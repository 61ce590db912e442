"""A model card for every version: what the model is, the data it saw, how it trained, how it did on the
holdout against the constant forecast, and what the gate decided about it (the web's models page,
`/api/v1/models` and the after-draw run's `model-cards` artifact all show this one card)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.intervals import PairedInterval
from lotto_models.modeling.random_baseline import BASELINE_BCE, BASELINE_HITS
from lotto_models.registry.versions import ModelVersion, PromotionRecord
from lotto_models.reporting.status import decision_figures

SPANS = ("train", "validation", "weights", "holdout")


class CardDecision(BaseModel):
    promoted: bool
    verdict: str | None
    reason: str
    decided_by: str
    mean_difference: float | None = Field(description="challenger − champion, mean per-draw loss (BCE)")
    interval: list[float | None] | None = Field(description="its interval [low, high]")
    margin: float | None = Field(description="the non-inferiority margin the interval's upper end is held to")


class ModelCard(BaseModel):
    version: str
    architecture: str
    inputs: str = Field(description="the feature set each time step reads")
    window: int | None = Field(description="past draws per sample (None: per-number statistics, no window)")
    spans: dict[str, list[int]] = Field(
        description="first and last concurso of each split: train, validation, weights, holdout"
    )
    epochs: int | None
    training_seconds: float | None
    warm_started: bool | None
    holdout_draws: int | None
    holdout_bce: float | None
    baseline_bce: float = BASELINE_BCE
    versus_baseline: dict | None = Field(
        description="holdout loss minus the constant forecast's, per draw: mean_difference and interval"
    )
    below_baseline: bool = Field(description="worse than the constant forecast beyond noise on its holdout")
    mean_hits: float | None
    hits_ci95: list[float] | None
    baseline_hits: float = BASELINE_HITS
    decision: CardDecision | None = Field(description="the newest decision about this version")

    def markdown(self) -> str:
        """The card as the Prefect artifact shows it."""
        spans = ", ".join(f"{name} {first}–{last}" for name, (first, last) in self.spans.items()) or "not recorded"
        versus = PairedInterval.from_dict(self.versus_baseline).words() if self.versus_baseline else "not recorded"
        lines = [
            f"### {self.version}",
            f"- **What it is:** {self.architecture}; inputs: {self.inputs}"
            + (f", window of {self.window} draws" if self.window else ""),
            f"- **Data (concursos):** {spans}",
            f"- **Training:** {self.epochs if self.epochs is not None else '?'} epoch(s)"
            + (f" in {self.training_seconds:.1f} s" if self.training_seconds is not None else "")
            + (", warm from its champion" if self.warm_started else ""),
            f"- **Holdout ({self.holdout_draws} draws):** BCE "
            + (f"{self.holdout_bce:.4f}" if self.holdout_bce is not None else "?")
            + f" vs {self.baseline_bce:.4f} for the constant forecast, difference {versus}"
            + (" — **below the baseline beyond noise**" if self.below_baseline else ""),
        ]
        if self.mean_hits is not None and self.hits_ci95:
            lines.append(
                f"- **Hits:** mean {self.mean_hits:.2f} (95% CI {self.hits_ci95[0]:.2f}–{self.hits_ci95[1]:.2f}) "
                f"vs {self.baseline_hits:.1f} for a random guess"
            )
        if self.decision is not None:
            lines.append(f"- **Decision ({self.decision.decided_by}):** {self.decision.reason}")
        return "\n".join(lines)


def model_card(version: ModelVersion, decisions: list[PromotionRecord]) -> ModelCard:
    """The card of `version`, with the newest of `decisions` (those about it, oldest first)."""
    spec = MODELS[version.model]
    m, h = version.metrics, version.hyperparameters
    versus = m.get("versus_baseline")
    decision = decisions[-1] if decisions else None
    figures = decision_figures(decision) if decision else None
    return ModelCard(
        version=version.label,
        architecture=spec.architecture + (f", {h['units']} units" if "units" in h else ""),
        inputs=spec.feature_set.value,
        window=h.get("window"),
        spans={name: list(m["spans"][name]) for name in SPANS if name in m.get("spans", {})},
        epochs=m.get("epochs"),
        training_seconds=m.get("training_seconds"),
        warm_started=m.get("warm_started"),
        holdout_draws=m.get("draws"),
        holdout_bce=m.get("bce"),
        versus_baseline=versus,
        below_baseline=bool(versus and PairedInterval.from_dict(versus).worse_beyond_noise),
        mean_hits=m.get("mean_hits"),
        hits_ci95=[m["hits_ci95_low"], m["hits_ci95_high"]] if "hits_ci95_low" in m else None,
        decision=CardDecision(
            promoted=decision.promoted,
            verdict=figures["verdict"],
            reason=decision.reason,
            decided_by=decision.decided_by,
            mean_difference=figures["mean_difference"],
            interval=figures["interval"],
            margin=figures["margin"],
        )
        if decision and figures
        else None,
    )
