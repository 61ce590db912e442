"""`lotto run` as a process: what it leaves in Prefect when it ends, and what it sends while it runs."""

from __future__ import annotations

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName, LogFilter, LogFilterFlowRunId
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

from deployments.temporary_server import HEARTBEAT_VARIABLE, heartbeats_only_if_configured
from flows.names import AFTER_DRAW
from tests.flows.conftest import start_run


@pytest.mark.slow  # a real run in its own process
def test_a_lotto_run_process_has_sent_its_last_log_lines_to_prefect_and_imported_no_mlflow_when_it_exits(
    home_copy,
) -> None:
    # Python reports every import of the run's process and of its forked workers (their stderr is the log): with
    # LOTTO_MLFLOW_TRACKING_URI unset, the MLflow mirror is skipped without importing MLflow anywhere.
    process, log = start_run(home_copy, env={"PYTHONPROFILEIMPORTTIME": "1"})  # ended by `end_process`
    assert process.wait(timeout=300) == 0, log.read_text()[-3000:]
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in log.read_text(errors="replace").splitlines()
        if line.startswith("import time:")
    }
    assert "tensorflow" in imported  # the workers that trained are seen too
    assert not {name for name in imported if name == "mlflow" or name.startswith("mlflow.")}
    with get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[AFTER_DRAW])), sort=FlowRunSort.START_TIME_DESC, limit=1
        )
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    assert run.state is not None and run.state.is_completed()
    assert any(line.message.startswith("Run summary") for line in logs), [line.message[:80] for line in logs]


def test_runs_started_by_lotto_send_heartbeats_only_when_the_variable_asks_for_them(monkeypatch) -> None:
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):  # Prefect's default
        monkeypatch.delenv(HEARTBEAT_VARIABLE, raising=False)
        with heartbeats_only_if_configured(lambda: None):
            assert get_current_settings().flows.heartbeat_frequency is None

        monkeypatch.setenv(HEARTBEAT_VARIABLE, "180")  # as if the process was started with it
        with heartbeats_only_if_configured(lambda: None):
            assert get_current_settings().flows.heartbeat_frequency == 180
