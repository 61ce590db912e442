"""`make bench`: what lotoflow costs on this machine. Writes bench/results.json and bench/results.md.

Each figure is the median of several runs. Flow runs are measured as whole processes (`lotto run`,
`lotto predict`) against a running Prefect server, as in production; the temporary-server cost of a
process without `PREFECT_API_URL` is reported on its own. New draws come from the loopback CAIXA test
server, so the figures do not depend on the internet.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lotto_models.ingest.bundled_history import bundled_history  # noqa: E402
from tests.caixa_server import CaixaTestServer  # noqa: E402
from tests.conftest import synthetic_draws  # noqa: E402
from tests.process_workers import deploy_on_process_pool, start_worker, stop_worker, wait_for_workers  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from web_load import GOALS as WEB_GOALS  # noqa: E402
from web_load import web_figures  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PREFECT = str(ROOT / ".venv" / "bin" / "prefect")
GOALS = {
    "noop_run_s": 2.5,
    "incremental_run_s": 15.0,
    "full_retrain_s": 30.0,
    "prefect_overhead_ratio": 0.10,
    "features_real_s": 1.0,
    "predict_cold_s": 1.0,
    "predict_warm_ms_per_plan": 50.0,
    "incremental_peak_rss_mb": 1024.0,
    "incremental_worker_peak_rss_mb": 1024.0,
    "features_1m_s": 5.0,
    "features_1m_peak_mb": 1024.0,
    "features_scaling_exponent": 1.05,
}
# Runs a command in a child as the `lotto` console script does (`main`, then `end_process`) and reports its
# wall time, peak RSS, whether TensorFlow got imported, and the peak RSS of its descendants (the training
# workers, forked from a fork server: not children of this process, so sampled from /proc every 50 ms).
PROBE = """
import json, os, resource, sys, threading, time
started = time.perf_counter()
descendants_peak_kb = 0

def sample():
    global descendants_peak_kb
    me = os.getpid()
    while True:
        stack, seen = [me], []
        while stack:
            pid = stack.pop()
            kids = []
            try:
                for task in os.listdir(f"/proc/{pid}/task"):  # a child belongs to the thread that started it
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        kids += [int(k) for k in f.read().split()]
            except OSError:
                pass
            stack += kids
            seen += kids
        for pid in seen:
            try:
                with open(f"/proc/{pid}/status") as f:
                    hwm = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
            except OSError:
                continue
            descendants_peak_kb = max(descendants_peak_kb, hwm)
        time.sleep(0.05)

threading.Thread(target=sample, daemon=True).start()
from deployments.cli import end_process, main
try:
    code = main(sys.argv[2:])
except SystemExit as exit:
    code = exit.code or 0
print("BENCH " + json.dumps({"seconds": time.perf_counter() - started, "code": code,
      "tensorflow": "tensorflow" in sys.modules,
      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
      "children_peak_rss_mb": descendants_peak_kb / 1024}), flush=True)
end_process(code)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_lotto(args: list[str], env: dict[str, str]) -> dict:
    """Wall time of the whole process (interpreter start included) and what the child reported."""
    started = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", PROBE, "lotto", *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"lotto {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    report = json.loads(line[6:])
    if report["code"]:
        raise RuntimeError(f"lotto {' '.join(args)} exited {report['code']}:\n{proc.stderr[-4000:]}")
    return {**report, "wall_s": wall}


class PrefectServer:
    """A `prefect server` on a free loopback port; with `auth_string` (`user:password`) it is protected with
    Prefect's basic authentication as `make stack` runs it, and `env` carries the matching client setting."""

    def __init__(self, home: Path, auth_string: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.env = {
            **os.environ,
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": self.url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        auth: tuple[str, str] | None = None
        if auth_string:
            self.env["PREFECT_SERVER_API_AUTH_STRING"] = self.env["PREFECT_API_AUTH_STRING"] = auth_string
            self.env.pop("PREFECT_API_KEY", None)
            user, _, password = auth_string.partition(":")
            auth = (user, password)
        self.log = (home.parent / "server.log").open("w")
        self.proc = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=2, auth=auth).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("Prefect server did not become healthy")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def newest_run(api_url: str) -> tuple[Any, list[Any]]:
    """The newest after-draw flow run and its task runs."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, TaskRunFilter
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["after-draw"])), sort=FlowRunSort.START_TIME_DESC, limit=1
        )
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id={"any_": [run.id]}), task_run_filter=TaskRunFilter()
        )
    return run, [t for t in tasks if t.start_time and t.end_time]


def prefect_overhead(api_url: str) -> float:
    """The share of the newest after-draw run's wall time in which none of its task runs was running
    (orchestration, imports and waiting): tasks that run at the same time count once."""
    run, tasks = newest_run(api_url)
    wall = (run.end_time - run.start_time).total_seconds()
    spans = sorted((t.start_time, t.end_time) for t in tasks)
    busy, reach = 0.0, None
    for start, end in spans:  # the length of the union of the task runs' intervals
        if reach is None or start > reach:
            busy += (end - start).total_seconds()
            reach = end
        elif end > reach:
            busy += (end - reach).total_seconds()
            reach = end
    return (wall - busy) / wall


def _without_run_suffix(name: str) -> str:
    """`validate-draws-a5a` -> `validate-draws`: Prefect's three hex digits off a task run's default name."""
    stem, _, suffix = name.rpartition("-")
    return stem if len(suffix) == 3 and all(c in "0123456789abcdef" for c in suffix) else name


def timeline(api_url: str) -> dict:
    """Where the newest after-draw run's time went: the flow's length and each task run (named after its
    model or plan), when it started after the flow did and how long it took."""
    run, tasks = newest_run(api_url)
    rows = [
        {
            "task": _without_run_suffix(t.name),
            "start_s": round((t.start_time - run.start_time).total_seconds(), 2),
            "seconds": round((t.end_time - t.start_time).total_seconds(), 2),
        }
        for t in sorted(tasks, key=lambda t: t.start_time)
    ]
    return {"flow_s": round((run.end_time - run.start_time).total_seconds(), 2), "tasks": rows}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


SPREAD: dict[str, list[float]] = {}  # figure -> [min, median, max] of its samples


def figure(name: str, samples: list[float]) -> float:
    """The median of `samples`, with their spread recorded under `name`."""
    SPREAD[name] = [round(min(samples), 3), median(samples), round(max(samples), 3)]
    return median(samples)


def provenance(repeats: int) -> dict:
    """Which code the figures measured: the commit, and whether the tree had changes not in it."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    changes = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results.*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {"commit": commit, "clean": not changes, "repeats": repeats}


def holdout_bce(env: dict[str, str]) -> float:
    proc = subprocess.run(
        [PYTHON, "-m", "deployments.cli", "status", "--json"], env=env, capture_output=True, text=True, check=True
    )
    models = json.loads(proc.stdout)["models"]
    values = [m["holdout"]["bce"] for m in models.values() if m["holdout"]]
    return round(statistics.mean(values), 5)


def flows_and_predict(work: Path, repeats: int) -> dict:
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

        results.update(web_figures(env))  # `lotto web` over the store these runs built, under locust
        print(
            f"web: {results['api_rps']} requests/s, p99 {results['api_p99_ms']} ms, home {results['home_render_ms']} ms"
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

    deploy_on_process_pool(FANOUT_POOL, "train-model", env)
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


SCALING = """
import json, sys, time, tracemalloc
import numpy as np, pandas as pd
from lotto_models.modeling.features import FeatureParams, FeatureSet, NUMBER_COLUMNS, build_datasets
n = int(sys.argv[1])
rng = np.random.default_rng(0)
numbers = np.sort(np.argsort(rng.random((n, 25)), axis=1)[:, :15] + 1, axis=1)
frame = pd.DataFrame(numbers, columns=NUMBER_COLUMNS)
frame.insert(0, "date", pd.Timestamp("2003-09-29") + pd.to_timedelta(np.arange(n), unit="D"))
frame.insert(0, "concurso", np.arange(1, n + 1))
tracemalloc.start()
started = time.perf_counter()
for dataset in build_datasets(frame, list(FeatureSet), FeatureParams()):  # as a run builds them
    del dataset  # kept by nobody, as a run saves each and lets it go
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1] / 2**20
print("BENCH " + json.dumps({"draws": n, "seconds": round(seconds, 3), "peak_mb": round(peak, 1)}))
"""


def features(sizes: list[int]) -> dict:
    import pandas as pd

    from lotto_models.modeling.features import FeatureParams, FeatureSet, build_datasets
    from lotto_models.storage.draw_store import DrawStore  # noqa: F401  (same imports as a run)

    history = bundled_history()
    frame = pd.DataFrame(
        {
            "concurso": [d.concurso for d in history],
            "date": [d.date for d in history],
            **{f"d{i + 1}": [d.numbers[i] for d in history] for i in range(15)},
        }
    )
    times = []
    for _ in range(5):
        started = time.perf_counter()
        for dataset in build_datasets(frame, list(FeatureSet), FeatureParams()):
            del dataset
        times.append(time.perf_counter() - started)
    scaling = []
    for n in sizes:
        proc = subprocess.run([PYTHON, "-c", SCALING, str(n)], capture_output=True, text=True, check=True)
        scaling.append(json.loads(next(ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH "))[6:]))
        print(f"features for {n} draws: {scaling[-1]}", flush=True)
    return {"features_real_s": figure("features_real_s", times), "features_scaling": scaling}


def machine() -> dict:
    from importlib.metadata import version

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **{pkg: version(pkg) for pkg in ("prefect", "tensorflow-cpu", "keras", "pandas", "numpy", "sqlalchemy")},
    }


AT_LEAST = {"api_rps": WEB_GOALS["api_rps"]}
AT_MOST = {
    **GOALS,
    "bce_gap_incremental_vs_full": 0.002,
    **{k: v for k, v in WEB_GOALS.items() if k not in AT_LEAST},
}


TABLES_ELSEWHERE = (
    "machine",
    "features_scaling",
    "spread",
    "single_sample",
    "commit",
    "clean",
    "repeats",
    "incremental_timeline",
    "full_retrain_timeline",
)


def markdown(results: dict) -> str:
    lines = [
        f"Measured on commit `{results['commit']}` ({'clean tree' if results['clean'] else 'UNCOMMITTED CHANGES'}), "
        f"{results['repeats']} repeats; value = median, spread = min / median / max.",
        "",
        "| figure | value | spread | goal | met |",
        "|---|---|---|---|---|",
    ]
    for key, value in results.items():
        if key in TABLES_ELSEWHERE:
            continue
        if key in AT_LEAST:
            goal, met = f"≥ {AT_LEAST[key]}", "yes" if value >= AT_LEAST[key] else "NO"
        elif key in AT_MOST:
            goal, met = f"≤ {AT_MOST[key]}", "yes" if value <= AT_MOST[key] else "NO"
        elif key == "noop_imports_tensorflow":
            goal, met = "false", "yes" if not value else "NO"
        else:
            goal, met = "", ""
        spread = " / ".join(map(str, results["spread"].get(key, []))) or "one sample"
        lines.append(f"| {key} | {value} | {spread} | {goal} | {met} |")
    lines += ["", "| draws | seconds | peak MB |", "|---|---|---|"]
    lines += [f"| {r['draws']} | {r['seconds']} | {r['peak_mb']} |" for r in results.get("features_scaling", [])]
    for name in ("incremental_timeline", "full_retrain_timeline"):
        if name in results:
            run = results[name]
            lines += ["", f"`{name}` (the last repeat): `lotto run` {run['wall_s']} s, its flow {run['flow_s']} s", ""]
            lines += ["| task run | starts at s | seconds |", "|---|---|---|"]
            lines += [f"| {t['task']} | {t['start_s']} | {t['seconds']} |" for t in run["tasks"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lotoflow-bench-"))
    origin = provenance(args.repeats)
    try:
        results = {**features([int(s) for s in args.sizes.split(",")]), **flows_and_predict(work, args.repeats)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scaling = {r["draws"]: r for r in results["features_scaling"]}
    if 10_000 in scaling and 1_000_000 in scaling:
        ratio = scaling[1_000_000]["seconds"] / scaling[10_000]["seconds"]
        results["features_scaling_exponent"] = round(math.log(ratio) / math.log(100), 3)
        results["features_1m_s"] = scaling[1_000_000]["seconds"]
        results["features_1m_peak_mb"] = scaling[1_000_000]["peak_mb"]
    results["incremental_speedup"] = round(results["full_retrain_s"] / results["incremental_run_s"], 2)
    results["bce_gap_incremental_vs_full"] = round(
        abs(results["incremental_holdout_bce"] - results["full_holdout_bce"]), 5
    )
    measured = {k for k, v in results.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    results["spread"] = dict(SPREAD)
    results["single_sample"] = sorted(measured - set(SPREAD))  # figures derived from one sample (or from others)
    results = {**origin, **results, "machine": machine()}
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (ROOT / "bench" / "results.md").write_text(markdown(results))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
