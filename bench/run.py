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
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.feature_speed import features  # noqa: E402
from bench.figures import SPREAD  # noqa: E402
from bench.floors import floors, ratios  # noqa: E402
from bench.flow_runs import flows_and_predict  # noqa: E402
from bench.games import MissingSharedData, check_shared_data, game_runs, games_summary  # noqa: E402
from bench.provenance import machine, provenance  # noqa: E402
from bench.results_markdown import markdown, misses  # noqa: E402
from bench.web_load import route_figures  # noqa: E402

PARTS = ("features", "flows", "games", "floors", "web")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--only", help=f"comma-separated parts to run, of {','.join(PARTS)} (development)")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out")
    parser.add_argument("--games", help="comma-separated games of the games part (default: all eight)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.json/results.md alone")
    args = parser.parse_args()
    parts = [p for p in (args.only.split(",") if args.only else PARTS) if p not in args.skip.split(",")]
    if "games" in parts:
        try:  # before anything is measured: the games part reads the real histories beside the checkout
            check_shared_data(args.games.split(",") if args.games else None)
        except MissingSharedData as missing:
            sys.exit(f"bench: {missing}")
    work = Path(tempfile.mkdtemp(prefix="lotoflow-bench-"))
    origin = provenance(args.repeats)
    results: dict = {}
    try:
        if "features" in parts:
            results.update(features([int(s) for s in args.sizes.split(",")]))
        if "flows" in parts:
            results.update(flows_and_predict(work, args.repeats, web="web" in parts))
        if "games" in parts or "web" in parts:  # the newer routes are loaded over the store of every game
            games_home = work / "home-games"
            if "games" in parts:
                results.update(game_runs(work, args.repeats, args.games.split(",") if args.games else None))
            if "web" in parts:
                results.update(route_figures(games_home if games_home.exists() else None))
        if "floors" in parts:
            results.update(floors(args.repeats))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scaling = {r["draws"]: r for r in results.get("features_scaling", [])}
    if 10_000 in scaling and 1_000_000 in scaling:
        ratio = scaling[1_000_000]["seconds"] / scaling[10_000]["seconds"]
        results["features_scaling_exponent"] = round(math.log(ratio) / math.log(100), 3)
        results["features_1m_s"] = scaling[1_000_000]["seconds"]
        results["features_1m_peak_mb"] = scaling[1_000_000]["peak_mb"]
    if "full_retrain_s" in results:
        results["incremental_speedup"] = round(results["full_retrain_s"] / results["incremental_run_s"], 2)
        results["bce_gap_incremental_vs_full"] = round(
            abs(results["incremental_holdout_bce"] - results["full_holdout_bce"]), 5
        )
    results.update(ratios(results))
    results["games_summary"] = games_summary(results)
    measured = {k for k, v in results.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    results["spread"] = dict(SPREAD)
    results["single_sample"] = sorted(measured - set(SPREAD))  # figures derived from one sample (or from others)
    results = {**origin, **results, "machine": machine()}
    if not args.no_write:
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (ROOT / "bench" / "results.md").write_text(markdown(results))
    print(json.dumps(results, indent=2))
    missed = misses(results)
    print("\n" + ("Figures that miss their goal:\n" + "\n".join(missed) if missed else "Every figure meets its goal."))


if __name__ == "__main__":
    main()
