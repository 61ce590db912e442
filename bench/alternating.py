"""Is this code slower than another commit's, on this machine today? Runs of both, in turn.

Two `make bench` files of different days compare machines as much as code: the same commit gave a 15.7 s
incremental run one day and 12 s another. This puts two checkouts side by side on one machine: for each
round, and for each checkout in turn, a new store (a loopback CAIXA server and a Prefect server, as
`bench/flow_runs.py` does), a first run, `--noops` no-op runs and `--incrementals` runs after one new
(synthetic) draw each, every one a whole `lotto` process of that checkout's own venv. It prints one JSON
object: each checkout's commit, its samples and their medians, and the incremental runs' last timeline.

    git worktree add ../old <commit> && make -C ../old install
    .venv/bin/python bench/alternating.py ../old --rounds 3

The other checkout needs the modules the driver below imports (any commit since the loopback stack and
`bench/lotto_process.py`, e.g. 3896ddf); the machine should be quiet, as for `make bench`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run by each checkout's interpreter, in that checkout: its own servers, stores and `lotto`.
DRIVER = """
import json, shutil, sys, tempfile
from pathlib import Path
sys.path.insert(0, ".")
from bench.flow_timelines import timeline
from bench.lotto_process import run_lotto
from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.prefect_server import PrefectServer
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.ingest.bundled_history import bundled_history

noops, incrementals = int(sys.argv[1]), int(sys.argv[2])
work = Path(tempfile.mkdtemp(prefix="lotoflow-alternating-"))
history = bundled_history()
caixa = CaixaTestServer(history).start()
server = PrefectServer(work / "prefect")
env = {**server.env, "LOTTO_HOME": str(work / "home"), "LOTTO_CAIXA_BASE_URL": caixa.base_url,
       "TF_CPP_MIN_LOG_LEVEL": "3"}
try:
    run_lotto(["run"], env)
    noop = [run_lotto(["run"], env)["wall_s"] for _ in range(noops)]
    incremental, last = [], history[-1]
    for i in range(incrementals):
        new = synthetic_draws(last, 1, seed=100 + i)
        caixa.add_draws(new)
        last = new[-1]
        incremental.append(run_lotto(["run"], env)["wall_s"])
    print("BENCH " + json.dumps({"noop": noop, "incremental": incremental, "timeline": timeline(server.url)}))
finally:
    server.stop()
    caixa.stop()
    shutil.rmtree(work, ignore_errors=True)
"""


def commit_of(checkout: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True
    ).stdout.strip()


def one_round(checkout: Path, noops: int, incrementals: int) -> dict:
    python = checkout / ".venv" / "bin" / "python"
    proc = subprocess.run(
        [str(python), "-c", DRIVER, str(noops), str(incrementals)], cwd=checkout, capture_output=True, text=True
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"round in {checkout} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(line[6:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout, with its venv (`make install` there)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--noops", type=int, default=2)
    parser.add_argument("--incrementals", type=int, default=3)
    args = parser.parse_args()
    checkouts = [ROOT, args.other.resolve()]
    if not (checkouts[1] / ".venv" / "bin" / "python").exists():
        sys.exit(f"alternating: {checkouts[1]} has no .venv: run `make install` there first")
    samples: dict[Path, dict] = {c: {"noop": [], "incremental": []} for c in checkouts}
    for round_number in range(args.rounds):
        for checkout in checkouts:  # in turn, so that a change of the machine's speed falls on both
            result = one_round(checkout, args.noops, args.incrementals)
            for kind in ("noop", "incremental"):
                samples[checkout][kind] += [round(s, 3) for s in result[kind]]
            samples[checkout]["timeline"] = result["timeline"]
            print(f"round {round_number + 1}, {checkout}: {result['noop']} / {result['incremental']}", flush=True)
    report = {
        commit_of(c): {
            "checkout": str(c),
            "noop_s": samples[c]["noop"],
            "incremental_s": samples[c]["incremental"],
            "noop_median_s": round(statistics.median(samples[c]["noop"]), 3),
            "incremental_median_s": round(statistics.median(samples[c]["incremental"]), 3),
            "last_incremental_timeline": samples[c]["timeline"],
        }
        for c in checkouts
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
