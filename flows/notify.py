"""The `notify-failure` flow, run by an automation when an after-draw run fails.

It records the failure where operators look (a Prefect artifact and the run log) and in
`LOTTO_HOME/alerts.log`; hooking a mail or chat block here is a one-line change.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from prefect import flow, get_client, get_run_logger
from prefect.artifacts import create_markdown_artifact

from lotto_models.core.settings import get_settings


@flow(name="notify-failure", description="Tell operators that an after-draw run failed, and why.")
def notify_failure(flow_run_id: str) -> str:
    run_id = flow_run_id.rsplit(".", 1)[-1]  # accepts a bare id or an event resource id
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(run_id))
    state = run.state
    ended = f"{state.name}: {state.message}" if state else "in an unknown state"
    message = f"after-draw run {run.name} ({run.id}) ended {ended}"
    get_run_logger().error(message)
    create_markdown_artifact(key="after-draw-failure", markdown=f"**{message}**", description="Failed after-draw")
    alerts = get_settings().home / "alerts.log"
    alerts.parent.mkdir(parents=True, exist_ok=True)
    with alerts.open("a") as log:
        log.write(f"{dt.datetime.now(dt.UTC).isoformat()} {message}\n")
    return message
