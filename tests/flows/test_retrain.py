"""Retrain on demand: the `retrain` deployment of prefect.yaml, run by a real worker against a Prefect API."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL

from deployments.cli import main as lotto
from deployments.loopback.checkout import ROOT
from deployments.loopback.process_workers import deploy_on_process_pool, start_worker, stop_worker
from flows.names import RETRAIN
from lotto_models.modeling.catalog import retrain_order
from lotto_models.registry.versions import CHAMPION
from lotto_models.storage import schema

POOL = "lotoflow-retrain-test"


def test_a_retrain_takes_the_models_that_depend_on_the_chosen_ones_along() -> None:
    assert retrain_order(["ls14pp"]) == ["ls14pp", "ls16"]
    assert retrain_order(["ls15pp", "stat"]) == ["stat", "ls15pp", "ls16"]
    assert retrain_order(["ls18"]) == ["ls18"]
    assert retrain_order() == retrain_order(["stat", "ls14", "ls15", "ls14pp", "ls15pp", "ls17", "ls18"])


@pytest.mark.slow  # a flow run on the session's Prefect API: the fast subset starts none
def test_unknown_models_are_rejected_by_name_before_anything_trains(prefect_api, lotto_env, capsys) -> None:
    from flows.retrain import retrain

    state = retrain(models=["ls14pp", "ls99"], return_state=True)
    assert state.is_failed() and "unknown model(s) ['ls99']; known: stat, ls14" in state.message
    with pytest.raises(SystemExit):
        lotto(["retrain", "lstm"])
    assert "unknown model(s) ['lstm']" in capsys.readouterr().err
    assert not (lotto_env / "models").exists()


@pytest.mark.slow
@pytest.mark.parametrize("lotto_env", ["sqlite"], indirect=True)  # a deployment on a worker: a process matter
def test_the_retrain_deployment_retrains_the_chosen_models_and_their_dependents_on_a_worker(
    prefect_api, lotto_env, tmp_path
) -> None:
    from lotto_models.workspace import open_workspace

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "LOTOFLOW_DIR": str(ROOT)}
    deploy_on_process_pool(POOL, RETRAIN, env)
    worker = start_worker(POOL, env, tmp_path / "worker.log")
    try:
        first = run_deployment("retrain/retrain", parameters={"models": ["ls14pp", "ls15pp"]}, timeout=600)
        second = run_deployment("retrain/retrain", parameters={"models": ["ls14pp"]}, timeout=600)
    finally:
        stop_worker(worker)
    worker_log = (tmp_path / "worker.log").read_text()[-3000:]
    assert first.state.is_completed() and second.state.is_completed(), worker_log
    assert first.work_pool_name == POOL and first.infrastructure_pid  # a worker's process ran it

    ws = open_workspace()
    champions = {m: ws.versions.alias(m, CHAMPION) for m in ("stat", "ls14pp", "ls15pp", "ls16")}
    assert champions["stat"] is None  # not asked for, not a dependent
    assert (champions["ls14pp"].version, champions["ls15pp"].version, champions["ls16"].version) == (2, 1, 2)
    assert champions["ls14pp"].flow_run_id == str(second.id) and champions["ls16"].flow_run_id == str(second.id)
    assert champions["ls14pp"].metrics["warm_started"]  # warm by default, from the champion
    assert champions["ls16"].hyperparameters["bases"] == {"ls14pp": "ls14pp/v2", "ls15pp": "ls15pp/v1"}
    with ws.engine.connect() as connection:
        decisions = connection.execute(
            sa.select(schema.promotion_decisions.c.model, schema.promotion_decisions.c.decided_by)
        ).all()
        builds = (
            connection.execute(
                sa.select(schema.ensemble_versions.c.member_versions).order_by(schema.ensemble_versions.c.id)
            )
            .scalars()
            .all()
        )
    assert sorted(decisions) == sorted(
        [(m, "gate") for m in ("ls14pp", "ls15pp", "ls16")] + [("ls14pp", "gate"), ("ls16", "gate")]
    )
    platinum = [b for b in builds if "ls16" in b]
    assert platinum[-1]["ls16"] == "ls16/v2" and platinum[-1]["ls14pp"] == "ls14pp/v2"  # plans rebuilt
    assert {g["concurso"] for g in ws.predictions.latest()} == {3701}
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[second.id]))
        )
    [summary] = [a for a in artifacts if a.key == "after-draw-summary"]
    assert "ls14pp/v2 replaced ls14pp/v1" in summary.data
    assert "its guess for concurso 3701 stays as first published" in summary.data  # one guess per concurso
