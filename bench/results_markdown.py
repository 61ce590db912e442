"""`bench/results.md`: each figure against its goal, the feature sets' scaling and the last runs' timelines."""

from __future__ import annotations

from bench.floors import GOALS as FLOOR_GOALS
from bench.web_load import GOALS as WEB_GOALS

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


AT_LEAST = {"api_rps": WEB_GOALS["api_rps"]}
AT_MOST = {
    **GOALS,
    "bce_gap_incremental_vs_full": 0.002,
    **FLOOR_GOALS,
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
    "games_noop_s",
    "games_incremental_s",
    "games_first_run_s",
    "games_growth",
    "games_pair",
    "games_summary",
    "floor_training_work",
    "web_routes",
)


def goal_of(key: str, value) -> tuple[str, str]:
    """The goal of a figure in words and whether `value` meets it ("" when it has none)."""
    if key in AT_LEAST:
        return f"≥ {AT_LEAST[key]}", "yes" if value >= AT_LEAST[key] else "NO"
    if key in AT_MOST:
        return f"≤ {AT_MOST[key]}", "yes" if value <= AT_MOST[key] else "NO"
    if key == "noop_imports_tensorflow":
        return "false", "yes" if not value else "NO"
    return "", ""


def misses(results: dict) -> list[str]:
    """`figure value (goal)` of each figure that misses its goal, the web routes' groups included."""
    out = [f"{k} {v} (goal {goal_of(k, v)[0]})" for k, v in results.items() if goal_of(k, v)[1] == "NO"]
    for group, row in results.get("web_routes", {}).items():
        if not row["requests"] or row["p99_ms"] > WEB_GOALS["api_p99_ms"] or row["failures"]:
            out.append(f"web route {group}: p99 {row['p99_ms']} ms, {row['failures']} failures (goal p99 ≤ 50 ms, 0)")
    return out


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
        goal, met = goal_of(key, value)
        spread = " / ".join(map(str, results["spread"].get(key, []))) or "one sample"
        lines.append(f"| {key} | {value} | {spread} | {goal} | {met} |")
    lines += ["", "| draws | seconds | peak MB |", "|---|---|---|"]
    lines += [f"| {r['draws']} | {r['seconds']} | {r['peak_mb']} |" for r in results.get("features_scaling", [])]
    lines += games_tables(results) + routes_table(results)
    for name in ("incremental_timeline", "full_retrain_timeline"):
        if name in results:
            run = results[name]
            lines += ["", f"`{name}` (the last repeat): `lotto run` {run['wall_s']} s, its flow {run['flow_s']} s", ""]
            lines += ["| task run | starts at s | seconds |", "|---|---|---|"]
            lines += [f"| {t['task']} | {t['start_s']} | {t['seconds']} |" for t in run["tasks"]]
    return "\n".join(lines) + "\n"


def games_tables(results: dict) -> list[str]:
    if "games_noop_s" not in results:
        return []
    first = results["games_first_run_s"]
    lines = ["", "Every game in one store (`bench/games.py`; no-op = median, incremental = one new draw):", ""]
    lines += ["| game | no-op s | incremental s | import + first run s |", "|---|---|---|---|"]
    lines += [
        f"| {g} | {noop} | {results['games_incremental_s'].get(g, '')} | {first.get(g, '')} |"
        for g, noop in results["games_noop_s"].items()
    ]
    lines += ["", "| games in the store | store rows | models MB |", "|---|---|---|"]
    lines += [f"| {r['games']} | {r['store_rows']} | {r['models_mb']} |" for r in results["games_growth"]]
    return lines + [""] + results.get("games_summary", [])


def routes_table(results: dict) -> list[str]:
    if "web_routes" not in results:
        return []
    lines = ["", "Web routes under load, per group (`bench/web_load.py`; goal p99 ≤ 50 ms, no failure):", ""]
    lines += ["| group | requests/s | p50 ms | p99 ms | failures | requests |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {g} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['failures']} | {r['requests']} |"
        for g, r in results["web_routes"].items()
    ]
    return lines
