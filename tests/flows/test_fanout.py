"""Beyond one machine: after-draw fans each training out as a `train-model` run on real workers that share
no disk — two worker processes with separate `LOTTO_HOME`s (and separate Prefect homes) that share only
the store (PostgreSQL when LOTTO_TEST_DATABASE_URL is set) and an S3 bucket (a real S3 API on loopback).
The Prefect results the parent reads back from its children are in the bucket too."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter
from prefect.filesystems import RemoteFileSystem
from prefect.settings import PREFECT_API_URL

from deployments.loopback.checkout import ROOT
from deployments.loopback.process_workers import deploy_on_process_pool, start_worker, stop_worker, wait_for_workers
from flows.after_draw import after_draw
from flows.names import TRAIN_MODEL
from lotto_models.core.fallbacks import FallbackKind
from lotto_models.core.plans import PLANS
from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.versions import CHAMPION
from lotto_models.serving.publishing import build_plan_datasets, predict_plan
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import PRODUCTION_STORE, postgres_database, use_lotto_env

pytestmark = pytest.mark.slow  # real training, worker processes or kills

POOL = "lotoflow-fanout-test"
RESULTS_BLOCK = "lotoflow-fanout-results"
SUBMITTED = re.compile(r"submitting flow run '([0-9a-f-]{36})'")
ABORTED = re.compile(r"Aborted submission of flow run '([0-9a-f-]{36})'")  # another worker took it first


def bucket_fs() -> Any:
    import s3fs  # a second of botocore: imported when the test runs, not at collection

    return s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)


@pytest.fixture(scope="module")
def fanned_out(prefect_api, s3_server, tmp_path_factory, history):
    """One after-draw run fanned out to two workers; the store's URL, the bucket, the run's state, the homes."""
    from deployments.loopback.caixa_server import CaixaTestServer

    root = tmp_path_factory.mktemp("fanout")
    # PostgreSQL when the tests have one: what machines without a shared disk share
    url = (
        postgres_database(f"lotto_fanout_{os.getpid()}")
        if PRODUCTION_STORE == "postgresql"
        else f"sqlite:///{root}/shared.db"
    )
    bucket = s3_server.new_bucket()
    caixa = CaixaTestServer(history).start()
    with pytest.MonkeyPatch.context() as patch:
        use_lotto_env(patch, root / "parent", caixa.base_url, url)
        for name, value in {
            **s3_server.environment(),
            "LOTTO_ARTIFACTS_URL": f"s3://{bucket}/lotto",
            "LOTTO_PROFILE": "smoke",  # the orchestration is under test here, not the models
            "LOTTO_FANOUT": "true",
        }.items():
            patch.setenv(name, value)
        RemoteFileSystem(basepath=f"s3://{bucket}/prefect-results").save(RESULTS_BLOCK, overwrite=True)
        env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "LOTOFLOW_DIR": str(ROOT)}
        deploy_on_process_pool(POOL, TRAIN_MODEL, env)
        homes = [root / "worker1", root / "worker2"]
        workers = []
        for home in homes:
            home.mkdir()
            worker_env = {
                **env,
                "LOTTO_HOME": str(home),
                "PREFECT_HOME": str(home / "prefect"),  # no Prefect state shared on disk either
                "PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK": f"remote-file-system/{RESULTS_BLOCK}",
            }
            workers.append(start_worker(POOL, worker_env, home / "worker.log", "2"))
        try:
            wait_for_workers(POOL, 2)
            state = after_draw(return_state=True)
        finally:
            for worker in workers:
                stop_worker(worker)
        close_workspaces()
        yield {"url": url, "bucket": bucket, "state": state, "homes": homes, "root": root}
    caixa.stop()


def test_after_draw_trains_every_model_as_a_deployment_run_on_two_workers_sharing_only_the_store_and_a_bucket(
    fanned_out,
) -> None:
    logs = "\n".join((home / "worker.log").read_text()[-2000:] for home in fanned_out["homes"])
    assert fanned_out["state"].is_completed(), logs
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[TRAIN_MODEL])),
            flow_run_filter=FlowRunFilter(),
        )
    by_model = {run.parameters["model"]: run for run in runs}
    assert set(by_model) == set(MODELS)
    assert all(run.state.is_completed() and run.work_pool_name == POOL for run in by_model.values())
    assert all(run.infrastructure_pid for run in by_model.values())  # each ran in a worker's process
    for base in MODELS["ls16"].depends_on:  # the stacked model waited for its bases
        assert by_model["ls16"].start_time >= by_model[base].end_time
    taken = []
    for home in fanned_out["homes"]:
        log = (home / "worker.log").read_text()
        taken.append(set(SUBMITTED.findall(log)) - set(ABORTED.findall(log)))
    assert all(taken) and not taken[0] & taken[1], logs  # both workers took trainings, none twice
    assert taken[0] | taken[1] == {str(run.id) for run in by_model.values()}
    assert not any((home / "models").exists() for home in fanned_out["homes"])  # versions are in the bucket only
    fs = bucket_fs()
    ws = open_workspace()
    for model in MODELS:
        champion = ws.versions.alias(model, CHAMPION)
        assert champion is not None, model
        assert fs.find(ws.artifacts.location(champion).removeprefix("s3://")), f"{champion.label} not in the bucket"
    assert fs.find(f"{fanned_out['bucket']}/prefect-results")  # the children's results the parent read back
    assert {g["concurso"] for g in ws.predictions.latest()} == {3701}


def test_an_empty_home_serves_every_plans_guess_from_the_store_and_the_bucket_restoring_a_corrupted_object(
    fanned_out, monkeypatch
) -> None:
    third = fanned_out["root"] / "third"
    monkeypatch.setenv("LOTTO_HOME", str(third))
    close_workspaces()
    ws = open_workspace()
    published = {g["plan"]: g for g in ws.predictions.latest()}
    damaged = ws.versions.alias("ls14pp", CHAMPION)  # a member of Silver, Gold and Platinum
    fs = bucket_fs()
    victim = sorted(fs.find(ws.artifacts.location(damaged).removeprefix("s3://")))[0]
    fs.pipe_file(victim, b"not the registered bytes")

    datasets = build_plan_datasets(ws)
    guesses = {plan: predict_plan(ws, plan, datasets) for plan in PLANS}

    for plan, guess in guesses.items():
        assert guess.numbers == published[plan]["numbers"], plan
        assert guess.member_versions == published[plan]["member_versions"], plan
    restored = {f.subject for g in guesses.values() for f in g.fallbacks if f.kind is FallbackKind.CHAMPION_RESTORED}
    assert restored == {"ls14pp"}
    assert fs.cat_file(victim) != b"not the registered bytes"
    ws.artifacts.verify(damaged)
    assert not (third / "models").exists() and any((third / "cache" / "artifacts").iterdir())
