"""Beyond one machine: after-draw fans each training out as a `train-model` run on a real worker."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter
from prefect.settings import PREFECT_API_URL

from flows.after_draw import after_draw
from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.versions import CHAMPION
from lotto_models.workspace import open_workspace

pytestmark = pytest.mark.slow  # real training, worker processes or kills

ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(ROOT / ".venv" / "bin" / "prefect")
POOL = "lotoflow-fanout-test"


@pytest.mark.parametrize("lotto_env", ["sqlite"], indirect=True)  # the store is not what this test is about
def test_after_draw_trains_every_model_as_its_own_deployment_run_on_a_worker(
    prefect_api, lotto_env, monkeypatch, tmp_path
) -> None:
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "LOTOFLOW_DIR": str(ROOT),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    subprocess.run(
        [PREFECT, "work-pool", "create", POOL, "--type", "process"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [PREFECT, "--no-prompt", "deploy", "--name", "train-model", "--pool", POOL],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", POOL, "--limit", "3"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        monkeypatch.setenv("LOTTO_FANOUT", "true")
        state = after_draw(return_state=True)
    finally:
        for _ in range(2):
            os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()

    assert state.is_completed(), (tmp_path / "worker.log").read_text()[-3000:]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["train-model"])),
            flow_run_filter=FlowRunFilter(),
        )
    by_model = {run.parameters["model"]: run for run in runs}
    assert set(by_model) == set(MODELS)
    assert all(run.state.is_completed() and run.work_pool_name == POOL for run in by_model.values())
    assert all(run.infrastructure_pid for run in by_model.values())  # each ran in a worker's process
    for base in MODELS["ls16"].depends_on:  # the stacked model waited for its bases
        assert by_model["ls16"].start_time >= by_model[base].end_time
    ws = open_workspace()
    assert all(ws.versions.alias(model, CHAMPION) is not None for model in MODELS)
    assert {g["concurso"] for g in ws.predictions.latest()} == {3701}
