"""Human review of challengers: which versions wait for a person, and applying their decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lotto_models.core.errors import LotoflowError
from lotto_models.modeling.catalog import models_of
from lotto_models.modeling.random_baseline import LOTOFACIL_BASELINE, RandomBaseline
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.versions import CHAMPION, ModelVersion
from lotto_models.training.challengers import swap_champion
from lotto_models.workspace import Workspace

METRICS_SHOWN = ("draws", "bce", "brier", "mean_hits", "hits_ci95_low", "hits_ci95_high", "share_11_plus")


class ReviewError(LotoflowError):
    """A review decision that cannot be applied (malformed, unknown version, not pending, already decided)."""


@dataclass(frozen=True)
class PendingChallenger:
    model: str
    challenger: ModelVersion
    champion: ModelVersion | None
    gate_reason: str | None
    baseline: RandomBaseline = LOTOFACIL_BASELINE  # the game's random guess, beside both for the person deciding

    def markdown(self) -> str:
        """The metrics of both, side by side, for the person deciding."""
        champion = self.champion
        lines = [
            f"### {self.challenger.label} challenges {champion.label if champion else 'no champion'}",
            "",
            f"The automatic gate said: {self.gate_reason or 'no decision yet'}.",
            "",
            f"| metric | {self.challenger.label} | {champion.label if champion else '—'} | random baseline |",
            "|---|---|---|---|",
        ]
        chance = self.baseline
        baseline = {
            "bce": f"{chance.bce:.4f}",
            "brier": f"{chance.brier:.4f}",
            "mean_hits": f"{chance.hits:.2f}",
            "share_11_plus": f"{chance.share_any_prize:.3f}",
        }
        for key in METRICS_SHOWN:
            lines.append(
                f"| {key} | {_fmt(self.challenger.metrics.get(key))} | "
                f"{_fmt(champion.metrics.get(key)) if champion else '—'} | {baseline.get(key, '—')} |"
            )
        lines += [
            "",
            f"Trained through concurso {self.challenger.trained_through}; "
            f"hyperparameters {self.challenger.hyperparameters}.",
        ]
        return "\n".join(lines)


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def pending_challengers(ws: Workspace) -> list[PendingChallenger]:
    """Per model of the workspace's game, the newest version that is not the champion, is newer than it, and
    no person decided on."""
    pending = []
    chance = RandomBaseline.of(ws.game)
    for model in models_of(ws.game):
        champion = ws.versions.alias(model, CHAMPION)
        versions = ws.versions.versions(model)
        if not versions:
            continue
        newest = versions[-1]
        if champion is not None and newest.version <= champion.version:
            continue
        decisions = ws.versions.decisions_about(newest.id)
        if any(d.decided_by == "review" for d in decisions):
            continue
        gate = next((d.reason for d in reversed(decisions) if d.decided_by == "gate"), None)
        pending.append(PendingChallenger(model, newest, champion, gate, chance))
    return pending


def apply_review(ws: Workspace, model: str, version: int, approve: bool, note: str = "") -> str:
    """Promote (approve) or reject a challenger that awaits review, as a person decided; returns what was done.

    Only a pending challenger can be decided on: anything else is refused, naming the pending ones, and
    nothing changes.
    """
    challenger = ws.versions.find(model, version)
    if challenger is None:
        raise ReviewError(f"{model}/v{version} does not exist; {_pending_words(ws)}")
    if any(d.decided_by == "review" for d in ws.versions.decisions_about(challenger.id)):
        raise ReviewError(f"{challenger.label} was already reviewed; {_pending_words(ws)}")
    if all(p.challenger.id != challenger.id for p in pending_challengers(ws)):
        raise ReviewError(f"{challenger.label} does not await review; {_pending_words(ws)}")
    champion = ws.versions.alias(model, CHAMPION)
    reason = f"reviewer {'approved' if approve else 'rejected'}" + (f": {note}" if note else "")
    if approve:
        ws.artifacts.verify(challenger)
        swap_champion(ws, model, challenger, champion)
    ws.versions.record_decision(
        model, challenger.id, champion.id if champion else None, approve, reason, "review", Verdict.REVIEW
    )
    return f"{challenger.label}: {reason}"


def _pending_words(ws: Workspace) -> str:
    pending = [p.challenger.label for p in pending_challengers(ws)]
    return f"awaiting review: {', '.join(pending)}" if pending else "no challenger awaits review"
