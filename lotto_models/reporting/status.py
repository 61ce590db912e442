"""The status object `lotto status --json` prints (its keys are an interface other tools rely on)."""

from __future__ import annotations

from typing import Any

from lotto_models.core.plans import plans_of
from lotto_models.registry.model_status import model_statuses
from lotto_models.registry.versions import PromotionRecord
from lotto_models.reporting.baseline import LOTOFACIL_WORDS, ChanceWords, chance_words
from lotto_models.storage.engine import shown_url
from lotto_models.storage.live_record import LiveRecord
from lotto_models.workspace import Workspace

HOLDOUT_KEYS = (
    "draws",
    "bce",
    "baseline_bce",
    "brier",
    "mean_hits",
    "hits_ci95_low",
    "hits_ci95_high",
    "share_11_plus",
    "leakage_suspected",
)


def decision_figures(decision: PromotionRecord) -> dict[str, Any]:
    """A decision with the gate's figures as numbers: the mean per-draw loss difference with the champion
    (challenger − champion), its interval [low, high] and the margin (all null where no gate compared, e.g. a
    first version, a review or a rollback), and the challenger's comparison with the constant forecast."""
    figures = decision.figures
    versus = figures.versus_champion.as_dict() if figures and figures.versus_champion else None
    return {
        "promoted": decision.promoted,
        "verdict": decision.verdict.value if decision.verdict else None,
        "reason": decision.reason,
        "decided_by": decision.decided_by,
        "at": decision.decided_at.isoformat(),
        "mean_difference": versus["mean_difference"] if versus else None,
        "interval": versus["interval"] if versus else None,
        "margin": figures.margin if figures else None,
        "versus_baseline": figures.versus_baseline.as_dict() if figures else None,
    }


def live_sentence(record: LiveRecord, words: ChanceWords = LOTOFACIL_WORDS) -> str:
    """The live record in one sentence, as `lotto status` prints it, against `words`' game's random guess."""
    if record.mean_hits is None or record.chance_ci95 is None:
        return f"{record.plan}: no published guess has been scored yet"
    if record.ci95 is None:
        low, high = words.baseline.central_hits_range()  # one random guess's range: the figure the web shows
        return (
            f"{record.plan}: one scored guess, {record.mean_hits:.0f} hits; one guess is one guess: a random guess "
            f"averages {words.hits} and lands anywhere from {low:.0f} to {high:.0f} hits 95% of the time"
        )
    return (
        f"{record.plan}: mean hits {record.mean_hits:.2f} over {record.scored} scored guess(es) "
        f"(95% CI {record.ci95[0]:.2f}–{record.ci95[1]:.2f}); a random guess averages {words.hits}"
    )


def status_report(ws: Workspace) -> dict[str, Any]:
    last = ws.draws.last_draw()
    words = chance_words(ws.game)
    models = {}
    for status in model_statuses(ws.versions):
        champion, health, decision = status.champion, status.health, status.last_decision
        models[status.model] = {
            "champion": champion.label if champion else None,
            "trained_through": champion.trained_through if champion else None,
            "degraded": health.degraded,
            "degraded_reason": health.reason,
            # the champion is worse than the constant forecast beyond noise: it serves no plan
            "below_baseline": status.below_baseline,
            "versus_baseline": health.versus_baseline.as_dict() if champion and health.versus_baseline else None,
            "holdout": {k: status.holdout[k] for k in HOLDOUT_KEYS if k in status.holdout},
            "last_decision": decision_figures(decision.record) if decision else None,
        }
    return {
        # which store this is: LOTTO_HOME and the database, its password hidden
        "store": {"home": str(ws.settings.home), "database": shown_url(ws.settings.sqlalchemy_url)},
        "draws": {
            "count": ws.draws.count(),
            "last_concurso": last.concurso if last else None,
            "last_date": last.date.isoformat() if last else None,
        },
        "quarantine": ws.draws.quarantine_count(),  # entries held, awaiting a decision
        "models": models,
        "predictions": ws.predictions.latest(),
        "live": {plan: live_sentence(ws.predictions.live_record(plan), words) for plan in plans_of(ws.game)},
    }
