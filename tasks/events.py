"""lotoflow's Prefect events: what automations and dashboards can react to."""

from __future__ import annotations

from typing import Any

from prefect.events import emit_event

DRAW_INGESTED = "lotoflow.draw.ingested"
MODEL_PROMOTED = "lotoflow.model.promoted"
FALLBACK_USED = "lotoflow.fallback.used"


def emit(event: str, resource: str, name: str, payload: dict[str, Any] | None = None) -> None:
    """Emit `event` about the lotoflow resource `resource` (e.g. `draw.3701`, `model.ls14`)."""
    emit_event(
        event=event,
        resource={"prefect.resource.id": f"lotoflow.{resource}", "prefect.resource.name": name},
        payload=payload or {},
    )
