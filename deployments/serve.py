"""`python -m deployments.serve`: serve every deployment from this process, without a worker.

The same deployments are declared in `prefect.yaml` for a `lotoflow` process work pool; a test keeps
the two in agreement.
"""

from __future__ import annotations

import os

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.events import DeploymentEventTrigger
from prefect.schedules import Cron

from flows.after_draw import after_draw
from flows.convert_model import convert_model
from flows.import_history import import_history
from flows.ingest_draws import backfill
from flows.manual_control import review_challengers, rollback_model
from flows.notify import notify_failure
from flows.train_model import train_model_flow

# Draws are held around 20:00 in São Paulo and published within the hour; the weekdays vary over the
# years, so the flow runs every day and does nothing (in seconds) when no draw was held.
AFTER_DRAW_CRON = "30 22 * * *"
TIMEZONE = "America/Sao_Paulo"


def build_deployments() -> list:
    return [
        after_draw.to_deployment(
            name="after-draw",
            schedule=Cron(AFTER_DRAW_CRON, timezone=TIMEZONE),
            concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
            parameters={"from_scratch": False},
            tags=["lotoflow"],
            description="Fetch, validate and store new draws; retrain, promote and publish the next guesses.",
        ),
        backfill.to_deployment(name="backfill", tags=["lotoflow", "manual"]),
        import_history.to_deployment(name="import-history", tags=["lotoflow", "manual"]),
        convert_model.to_deployment(name="convert-model", tags=["lotoflow", "manual"]),
        rollback_model.to_deployment(name="rollback-model", tags=["lotoflow", "manual"]),
        review_challengers.to_deployment(name="review-challengers", tags=["lotoflow", "manual"]),
        train_model_flow.to_deployment(name="train-model", tags=["lotoflow", "training"]),
        notify_failure.to_deployment(
            name="notify-failure",
            tags=["lotoflow", "alerts"],
            triggers=[
                DeploymentEventTrigger(
                    match={"prefect.resource.id": "prefect.flow-run.*"},
                    match_related={"prefect.resource.role": "flow", "prefect.resource.name": "after-draw"},
                    expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                    parameters={"flow_run_id": "{{ event.resource.id }}"},
                )
            ],
        ),
    ]


def main() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    serve(*build_deployments())


if __name__ == "__main__":
    main()
