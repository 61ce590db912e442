"""The status object `lotto status --json` prints (its keys are an interface other tools rely on)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.versions import CHAMPION
from lotto_models.serving.ensembles import PLANS
from lotto_models.storage import schema
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
    with ws.engine.connect() as connection:
        count, last, last_date = connection.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(schema.draws.c.concurso),
                sa.func.max(schema.draws.c.draw_date),
            )
        ).one()
    models = {}
    for name in MODELS:
        champion = ws.registry.alias(name, CHAMPION)
        degraded, reason = ws.registry.status(name)
        decision = ws.registry.last_decision(name)
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
            "count": count,
            "last_concurso": last,
            "last_date": last_date.isoformat() if last_date else None,
        },
        "quarantine": ws.draws.quarantine_count(),
        "models": models,
        "predictions": ws.predictions.latest(),
        "live": {plan: ws.predictions.live_record(plan).sentence() for plan in PLANS},
    }
