"""The stack's Prefect server requires its auth string: a client without it is refused, one with it works."""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

from deployments.local_stack import PREFECT, free_port, stack_auth_string, stack_env, start_background, stop
from deployments.local_stack import wait_healthy as wait_until_healthy
from deployments.zombie_runs import NAME, ensure_zombie_run_automation
from tests.conftest import migrated_prefect_database


@pytest.fixture(scope="module")
def protected_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A real `prefect server start` with the environment `make stack` gives it (one per module, ~5 s)."""
    workdir = tmp_path_factory.mktemp("stack")
    database = workdir / "prefect.db"
    shutil.copy(migrated_prefect_database(request.config.cache.mkdir("prefect-db")), database)
    port = free_port()
    env = stack_env(workdir, "127.0.0.1", port, stack_auth_string({}))
    env.update(
        PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{database}",
        PREFECT_SERVER_DATABASE_MIGRATE_ON_START="false",
        PREFECT_UI_ENABLED="false",
    )
    log = workdir / "server.log"
    server = start_background(["server", "start", "--host", "127.0.0.1", "--port", str(port)], env, log)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, log)
        yield env
    finally:
        stop(server, "server", sigterms=1)


def test_the_stack_generates_a_random_auth_string_unless_the_operator_gives_one() -> None:
    assert stack_auth_string({}) != stack_auth_string({})
    assert stack_auth_string({}).startswith("lotoflow:")
    assert stack_auth_string({"PREFECT_SERVER_API_AUTH_STRING": "ops:s3cret"}) == "ops:s3cret"


@pytest.mark.slow
def test_the_stack_server_refuses_a_client_without_its_auth_string_and_serves_one_with_it(protected_server) -> None:
    env = protected_server
    api = env["PREFECT_API_URL"]
    assert api.startswith("http://127.0.0.1:")  # bound to loopback
    assert httpx.get(f"{api}/health").status_code == 200  # health probes stay open
    assert httpx.post(f"{api}/flows/filter", json={}).status_code == 401
    assert httpx.post(f"{api}/flows/filter", json={}, auth=("lotoflow", "guessed")).status_code == 401
    user, _, password = env["PREFECT_API_AUTH_STRING"].partition(":")
    assert httpx.post(f"{api}/flows/filter", json={}, auth=(user, password)).status_code == 200

    with (
        temporary_settings({PREFECT_API_URL: api, PREFECT_API_AUTH_STRING: "lotoflow:wrong"}),
        get_client(sync_client=True) as client,
        pytest.raises(httpx.HTTPStatusError, match="401"),
    ):
        client.read_work_pools()
    with (
        temporary_settings({PREFECT_API_URL: api, PREFECT_API_AUTH_STRING: env["PREFECT_API_AUTH_STRING"]}),
        get_client(sync_client=True) as client,
    ):
        assert isinstance(client.read_work_pools(), list)


@pytest.mark.slow
def test_the_prefect_cli_works_with_the_stack_environment(protected_server) -> None:
    env = protected_server  # (the CLI's client is the one refused above without the string: one call is enough)
    command = [PREFECT, "work-pool", "create", "lotoflow-auth-test", "--type", "process"]
    created = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert created.returncode == 0, created.stdout + created.stderr


@pytest.mark.slow
def test_the_zombie_run_automation_is_created_once_through_the_protected_api(protected_server) -> None:
    env = protected_server
    with temporary_settings(
        {PREFECT_API_URL: env["PREFECT_API_URL"], PREFECT_API_AUTH_STRING: env["PREFECT_API_AUTH_STRING"]}
    ):
        first = ensure_zombie_run_automation()
        again = ensure_zombie_run_automation(heartbeat_s=30, grace_s=15)
        with get_client(sync_client=True) as client:
            [stored] = client.read_automations_by_name(NAME)
    assert first.id == again.id == stored.id
    assert stored.trigger.within.total_seconds() == 45  # the update took
    [action] = stored.actions
    assert isinstance(action, ChangeFlowRunState) and action.state == StateType.CRASHED
