"""The flow runs measured as whole `lotto` processes against a running Prefect server, new draws coming from
the loopback CAIXA server: no-op, incremental and full retrain runs (in process and fanned out to two process
workers), `lotto predict` cold and warm, the web service over the store they built, and the no-op run with
a temporary server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bench.figures import figure
from bench.flow_timelines import prefect_overhead, timeline
from bench.lotto_process import holdout_bce, run_lotto
from bench.web_load import web_figures
from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.checkout import PYTHON
from deployments.loopback.prefect_server import PrefectServer
from deployments.loopback.process_workers import deploy_on_process_pool, start_worker, stop_worker, wait_for_workers
from deployments.loopback.synthetic_draws import synthetic_draws
from flows.names import TRAIN_MODEL
from lotto_models.ingest.bundled_history import bundled_history


def flows_and_predict(work: Path, repeats: int, web: bool = True) -> dict:
    history = bundled_history()
    caixa = CaixaTestServer(history).start()
    server = PrefectServer(work / "prefect")
    home = work / "home"
    env = {**server.env, "LOTTO_HOME": str(home), "LOTTO_CAIXA_BASE_URL": caixa.base_url, "TF_CPP_MIN_LOG_LEVEL": "3"}
    results: dict = {}
    try:
        print("first run (seeds the store, trains every model from scratch)...", flush=True)
        run_lotto(["run"], env)
        noop = [run_lotto(["run"], env) for _ in range(repeats)]
        results["noop_run_s"] = figure("noop_run_s", [r["wall_s"] for r in noop])
        results["noop_imports_tensorflow"] = any(r["tensorflow"] for r in noop)
        print(f"no-op: {results['noop_run_s']} s", flush=True)

        incremental, overheads, bces, rss, worker_rss = [], [], [], [], []
        last = history[-1]
        for i in range(repeats):
            new = synthetic_draws(last, 1, seed=100 + i)
            caixa.add_draws(new)
            last = new[-1]
            report = run_lotto(["run"], env)
            incremental.append(report["wall_s"])
            rss.append(report["peak_rss_mb"])
            worker_rss.append(report["children_peak_rss_mb"])
            overheads.append(prefect_overhead(server.url))
            bces.append(holdout_bce(env))
            results["incremental_timeline"] = {"wall_s": report["wall_s"], **timeline(server.url)}  # the last
        results["incremental_run_s"] = figure("incremental_run_s", incremental)
        results["prefect_overhead_ratio"] = figure("prefect_overhead_ratio", overheads)
        results["incremental_peak_rss_mb"] = figure("incremental_peak_rss_mb", rss)
        results["incremental_worker_peak_rss_mb"] = figure("incremental_worker_peak_rss_mb", worker_rss)
        results["incremental_holdout_bce"] = bces[-1]
        print(f"incremental: {results['incremental_run_s']} s", flush=True)

        full = []
        for _ in range(repeats):
            full.append(run_lotto(["run", "--from-scratch"], env)["wall_s"])
            results["full_retrain_timeline"] = {"wall_s": full[-1], **timeline(server.url)}  # the last
        results["full_retrain_s"] = figure("full_retrain_s", full)
        results["full_holdout_bce"] = holdout_bce(env)
        print(f"full retrain: {results['full_retrain_s']} s", flush=True)

        fanout = fanout_retrains(env, work, repeats)
        results["fanout_two_workers_retrain_s"] = figure("fanout_two_workers_retrain_s", fanout)
        print(f"full retrain fanned out to two workers: {results['fanout_two_workers_retrain_s']} s", flush=True)

        cold = [run_lotto(["predict"], env)["wall_s"] for _ in range(repeats)]
        results["predict_cold_s"] = figure("predict_cold_s", cold)
        results["predict_warm_ms_per_plan"] = predict_warm(env)
        print(f"predict: cold {results['predict_cold_s']} s, warm {results['predict_warm_ms_per_plan']} ms/plan")

        if web:
            results.update(web_figures(env))  # `lotto web` over the store these runs built, under locust
            print(
                f"web: {results['api_rps']} requests/s, p99 {results['api_p99_ms']} ms, "
                f"home {results['home_render_ms']} ms"
            )

        no_server = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        temporary = [run_lotto(["run"], no_server)["wall_s"] for _ in range(repeats)]
        results["noop_run_temporary_server_s"] = figure("noop_run_temporary_server_s", temporary)
    finally:
        server.stop()
        caixa.stop()
    return results


FANOUT_POOL = "lotoflow-bench-fanout"


def fanout_retrains(env: dict[str, str], work: Path, repeats: int) -> list[float]:
    """Wall times of `lotto run --from-scratch` with LOTTO_FANOUT: each model a `train-model` run on one of
    two process workers (on this machine, sharing the store and the home), on the same draws as
    `full_retrain_s` — the cost of the fan-out's orchestration beside the single-process run."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deploy_on_process_pool(FANOUT_POOL, TRAIN_MODEL, env)
    workers = [start_worker(FANOUT_POOL, env, work / f"fanout-worker{i + 1}.log", "2") for i in range(2)]
    try:
        with temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}):
            wait_for_workers(FANOUT_POOL, 2, timeout_s=120)
        return [run_lotto(["run", "--from-scratch"], {**env, "LOTTO_FANOUT": "true"})["wall_s"] for _ in range(repeats)]
    finally:
        for worker in workers:
            stop_worker(worker, timeout_s=30)


WARM = """
import json, sys, time
from lotto_models.core.plans import PLANS
from lotto_models.serving.publishing import build_plan_datasets, predict_plan
from lotto_models.workspace import open_workspace
ws = open_workspace()
datasets = build_plan_datasets(ws)
for plan in PLANS:
    predict_plan(ws, plan, datasets)  # loads the models once
times = []
for _ in range(5):
    started = time.perf_counter()
    for plan in PLANS:
        predict_plan(ws, plan, datasets)
    times.append((time.perf_counter() - started) / len(PLANS) * 1000)
print("BENCH " + json.dumps(times))
"""


def predict_warm(env: dict[str, str]) -> float:
    proc = subprocess.run([PYTHON, "-c", WARM], env=env, capture_output=True, text=True, check=True)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH "))
    samples = json.loads(line[6:])
    return figure("predict_warm_ms_per_plan", samples)
