"""The Prefect server turns a deployment's cron schedule into scheduled runs (what `sqlalchemy<2.1` guarded).

With Prefect 3.8.8 on SQLAlchemy 2.1 the server's scheduler failed on its bulk insert ("Can't evaluate bulk DML
statement") and a cron schedule never created a run, while manual runs still worked: nothing else in the suite
would notice. Prefect 3.9.1 inserts the runs without their `state` hybrid property, which mends it; this test
keeps watching the scheduler whatever SQLAlchemy the lock brings.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentScheduleCreate
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.client.schemas.schedules import CronSchedule
from prefect.settings import PREFECT_API_URL


@flow
def scheduled_probe() -> None:
    """A flow that only exists to be scheduled (it is never run)."""


@pytest.mark.slow  # on the session's Prefect server
def test_a_cron_schedule_gives_the_deployment_scheduled_runs_on_the_server(prefect_api) -> None:
    # The session's server is ephemeral (no background services): its `/deployments/{id}/schedule` route runs
    # the scheduler's own code (`schedule_runs`, then the bulk insert that failed on SQLAlchemy 2.1).
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow(scheduled_probe)
        deployment_id = client.create_deployment(
            flow_id=flow_id,
            name=f"cron-{uuid.uuid4().hex[:8]}",
            schedules=[DeploymentScheduleCreate(schedule=CronSchedule(cron="*/15 * * * *"), active=True)],
        )
        try:
            route = f"{PREFECT_API_URL.value()}/deployments/{deployment_id}/schedule"
            scheduled = httpx.post(route, json={}, timeout=60)
            of_deployment = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            runs = client.read_flow_runs(deployment_filter=of_deployment)
        finally:
            client.delete_deployment(deployment_id)
    assert scheduled.status_code < 300, scheduled.text
    assert runs, "the server's scheduler created no run of a cron deployment"
    assert {r.state_name for r in runs} == {"Scheduled"}
    starts = sorted(r.expected_start_time for r in runs if r.expected_start_time is not None)
    assert len(starts) == len(runs) >= 3  # the scheduler's minimum of runs ahead
    assert all(s.minute % 15 == 0 and s.second == 0 for s in starts)  # on the cron's quarter hours
