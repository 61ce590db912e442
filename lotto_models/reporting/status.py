"""The status object `lotto status --json` prints (its keys are an interface other tools rely on)."""

from __future__ import annotations

from typing import Any

from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.versions import CHAMPION
from lotto_models.serving.plans import PLANS
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


def status_report(ws: Workspace) -> dict[str, Any]:
    last = ws.draws.last_draw()
    models = {}
    for name in MODELS:
        champion = ws.versions.alias(name, CHAMPION)
        degraded, reason = ws.versions.status(name)
        decision = ws.versions.last_decision(name)
        models[name] = {
            "champion": champion.label if champion else None,
            "trained_through": champion.trained_through if champion else None,
            "degraded": degraded,
            "degraded_reason": reason,
            "holdout": {k: champion.metrics[k] for k in HOLDOUT_KEYS if k in champion.metrics} if champion else {},
            "last_decision": {
                "promoted": decision.promoted,
                "reason": decision.reason,
                "decided_by": decision.decided_by,
                "at": decision.decided_at.isoformat(),
            }
            if decision
            else None,
        }
    return {
        "draws": {
            "count": ws.draws.count(),
            "last_concurso": last.concurso if last else None,
            "last_date": last.date.isoformat() if last else None,
        },
        "quarantine": ws.draws.quarantine_count(),
        "models": models,
        "predictions": ws.predictions.latest(),
        "live": {plan: ws.predictions.live_record(plan).sentence() for plan in PLANS},
    }
