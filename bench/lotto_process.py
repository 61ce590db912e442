"""A `lotto` command measured as a whole process: its wall time, peak memory (its own and its workers'), whether
it imported TensorFlow; and the mean holdout BCE its `status` reports."""

from __future__ import annotations

import json
import statistics
import subprocess
import time

from deployments.loopback.checkout import PYTHON

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


def holdout_bce(env: dict[str, str]) -> float:
    proc = subprocess.run(
        [PYTHON, "-m", "deployments.cli", "status", "--json"], env=env, capture_output=True, text=True, check=True
    )
    models = json.loads(proc.stdout)["models"]
    values = [m["holdout"]["bce"] for m in models.values() if m["holdout"]]
    return round(statistics.mean(values), 5)
