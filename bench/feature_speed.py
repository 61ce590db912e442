"""The feature sets built for the real history, and for 10k to 1M synthetic draws (time and peak memory), each
size in a new process."""

from __future__ import annotations

import json
import subprocess
import time

from bench.figures import figure
from deployments.loopback.checkout import PYTHON
from lotto_models.ingest.bundled_history import bundled_history

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
