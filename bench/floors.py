"""Each run figure beside its floor measured in the same `make bench` run, and their ratio (issue 29): absolute
seconds say as much about the machine as about the code; the ratio to what the machine cannot do faster does not.

- `noop_floor_s`: a bare `python -c "import prefect, pandas, sqlalchemy"` in the same venv;
- `incremental_floor_s`: the TensorFlow import plus the fine-tunes (`bench/training_floor.py`, in-process) spread
  over the cores: their sum over the cores, never below the longest single one;
- `full_retrain_floor_s`: the TensorFlow import plus each model's from-scratch training on one thread, spread
  over the cores along the dependency graph (`dag_floor`: a stacked model cannot start before its bases end).

Each floor is the median of its repeats; a ratio is the run's median over the floor's, its spread the run's
min over the floor's max to the run's max over the floor's min.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from bench.figures import SPREAD, figure
from deployments.loopback.checkout import PYTHON

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"noop_vs_floor": 1.3, "incremental_vs_floor": 1.5, "full_retrain_vs_floor": 1.25}
RUNS = {  # ratio -> (the run figure, its floor)
    "noop_vs_floor": ("noop_run_s", "noop_floor_s"),
    "incremental_vs_floor": ("incremental_run_s", "incremental_floor_s"),
    "full_retrain_vs_floor": ("full_retrain_s", "full_retrain_floor_s"),
}


def dag_floor(seconds: Mapping[str, float], depends_on: Mapping[str, tuple[str, ...]], cores: int) -> float:
    """The least wall time in which `cores` workers can do every job of `seconds`, a job starting only after the
    jobs it depends on (`depends_on`, restricted to jobs of `seconds`) have ended: the larger of the work spread
    evenly over the cores and the longest chain of dependent jobs (the critical path). A lower bound: no
    schedule beats it, and a real one (`modeling.schedule`) may take longer."""
    if not seconds:
        return 0.0
    finish: dict[str, float] = {}

    def path_to(job: str, visiting: frozenset[str] = frozenset()) -> float:
        if job in visiting:
            raise ValueError(f"dependency cycle through {job}")
        if job not in finish:
            before = [path_to(d, visiting | {job}) for d in depends_on.get(job, ()) if d in seconds]
            finish[job] = seconds[job] + max(before, default=0.0)
        return finish[job]

    critical = max(path_to(job) for job in seconds)
    return max(sum(seconds.values()) / max(cores, 1), critical)


def spread_floor(seconds: Mapping[str, float], cores: int) -> float:
    """Independent jobs over `cores` workers: their sum over the cores, never below the longest one."""
    return dag_floor(seconds, {}, cores)


def noop_floor_samples(repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-c", "import prefect, pandas, sqlalchemy"], check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return samples


def training_work() -> dict:
    """One run of `bench/training_floor.py`: the import's seconds and each model's scratch and fine-tune seconds."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "training_floor.py")], env=env, capture_output=True, text=True, cwd=ROOT
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"bench/training_floor.py failed:\n{proc.stderr[-4000:]}")
    return json.loads(line[6:])


def training_floors(work: dict, cores: int) -> tuple[float, float]:
    """(incremental floor, full-retrain floor) of one `training_work` sample, in seconds."""
    from lotto_models.modeling.catalog import MODELS

    depends_on = {name: MODELS[name].depends_on for name in work["scratch"]}
    incremental = work["import_s"] + spread_floor(work["finetune"], cores)
    full = work["import_s"] + dag_floor(work["scratch"], depends_on, cores)
    return incremental, full


def floors(repeats: int, training_repeats: int = 2) -> dict:
    """The floors, each the median of its samples (the training work, ~1 min a sample, `training_repeats` times)."""
    cores = os.cpu_count() or 1
    results: dict = {"floor_cores": cores}
    results["noop_floor_s"] = figure("noop_floor_s", noop_floor_samples(max(repeats, 3)))
    print(f"floor: no-op {results['noop_floor_s']} s", flush=True)
    samples = [training_work() for _ in range(training_repeats)]
    pairs = [training_floors(w, cores) for w in samples]
    results["incremental_floor_s"] = figure("incremental_floor_s", [p[0] for p in pairs])
    results["full_retrain_floor_s"] = figure("full_retrain_floor_s", [p[1] for p in pairs])
    results["floor_training_work"] = samples[-1]  # the last sample's per-model seconds
    print(f"floor: incremental {results['incremental_floor_s']} s, full retrain {results['full_retrain_floor_s']} s")
    return results


def ratios(results: dict) -> dict:
    """Each run's ratio to its floor, where both were measured, with its spread recorded."""
    out = {}
    for ratio, (run, floor) in RUNS.items():
        if run not in results or floor not in results or not results[floor]:
            continue
        value = round(results[run] / results[floor], 3)
        run_spread = SPREAD.get(run, [results[run]] * 3)
        floor_spread = SPREAD.get(floor, [results[floor]] * 3)
        SPREAD[ratio] = [round(run_spread[0] / floor_spread[2], 3), value, round(run_spread[2] / floor_spread[0], 3)]
        out[ratio] = value
    return out
