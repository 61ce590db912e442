"""End to end: a failed after-draw run reaches a person through the automation of prefect.yaml.

A real `prefect server` (with basic authentication, as `make stack` starts it) and a process worker on
loopback; after-draw and notify-failure deployed with `prefect deploy` (the trigger included); an
after-draw run that fails (its database is unreachable); and a loopback webhook receiving the alert
through Apprise (`json://` in LOTTO_ALERT_URLS).
"""

from __future__ import annotations

import pytest
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

from deployments.local_stack import (
    free_port,
    run_cli,
    stack_auth_string,
    stack_env,
    start_background,
    stop,
    wait_healthy,
)
from flows.names import AFTER_DRAW, NOTIFY_FAILURE, deployment_path
from tests.alert_receiver import AlertReceiver

POOL = "lotoflow"


def run_deployment_of(env: dict[str, str], name: str) -> FlowRun:
    """Schedule a run of the deployment `name` on the server that `env` points at, without waiting for it."""
    with temporary_settings(
        {PREFECT_API_URL: env["PREFECT_API_URL"], PREFECT_API_AUTH_STRING: env["PREFECT_API_AUTH_STRING"]}
    ):
        run = run_deployment(name, timeout=0)
    assert isinstance(run, FlowRun)
    return run


@pytest.mark.slow
def test_a_failed_after_draw_run_alerts_a_webhook_through_the_notify_failure_automation(tmp_path) -> None:
    receiver = AlertReceiver().start()
    port = free_port()
    (tmp_path / "prefect-home").mkdir()
    env = stack_env(tmp_path, "127.0.0.1", port, stack_auth_string({}))  # protected, as `make stack` runs it
    env.update(
        LOTTO_DATABASE_URL="postgresql+psycopg://lotoflow@127.0.0.1:1/unreachable",  # nothing listens on port 1
        LOTTO_ALERT_URLS=receiver.apprise_url("ops"),
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",  # only the run this test starts
    )
    server = worker = None
    try:
        server = start_background(
            ["server", "start", "--host", "127.0.0.1", "--port", str(port)], env, tmp_path / "server.log"
        )
        wait_healthy(f"http://127.0.0.1:{port}", server, tmp_path / "server.log", timeout=120)
        run_cli(["work-pool", "create", POOL, "--type", "process"], env)
        deployed = run_cli(["--no-prompt", "deploy", "--name", AFTER_DRAW, "--name", NOTIFY_FAILURE], env)
        assert NOTIFY_FAILURE in deployed
        worker = start_background(["worker", "start", "--pool", POOL], env, tmp_path / "worker.log")
        run_id = str(run_deployment_of(env, deployment_path(AFTER_DRAW)).id)
        deadline_s = 240
        alerts = []
        for _ in range(deadline_s // 5):
            alerts = [a for a in receiver.wait_for(1, timeout=5) if run_id in a.get("message", "")]
            if alerts:
                break
    finally:
        stop(worker, "worker", sigterms=2)
        stop(server, "server", sigterms=1)
        receiver.stop()
    logs = (tmp_path / "worker.log").read_text()[-4000:] if (tmp_path / "worker.log").exists() else ""
    assert alerts, f"no alert for run {run_id} within {deadline_s} s; worker log:\n{logs}"
    [alert] = alerts
    assert alert["path"] == "/ops" and alert["type"] == "failure"
    assert alert["title"].startswith("lotoflow: after-draw run ") and alert["title"].endswith(" Failed")
    assert f"({run_id}) ended Failed: " in alert["message"]
    assert "OperationalError" in alert["message"] or "connection" in alert["message"].lower()
    assert f"http://127.0.0.1:{port}/runs/flow-run/{run_id}" in alert["message"]
    assert run_id in (tmp_path / "lotto-home" / "alerts" / "failures.log").read_text()
