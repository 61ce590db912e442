"""`bench/results.md`: each figure against its goal, the feature sets' scaling and the last runs' timelines."""

from __future__ import annotations

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
