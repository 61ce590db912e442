"""The web service under load: `api_rps` and `api_p99_ms` of the guess endpoint at 50 concurrent clients
(locust, headless, against `lotto web` as it ships: uvicorn in its own process), and `home_render_ms`.

`api_rps` and `api_p99_ms` come from one run where each client asks again as soon as it has its answer
(the most the service sustains, and the latency at that load); `api_p99_ms_at_goal_rps` is the p99 when the
50 clients together ask the goal's 1,000 requests/s.

`home_render_ms` is the median time to answer the home page when nothing is cached (each request has a
new query string, so the page is built from the store and rendered every time); `home_cached_ms` is the
same page served again while the store is unchanged.

Standalone: `python bench/web_load.py [--home LOTTO_HOME]` (default: a store filled through the library) prints
the figures and merges them into bench/results.json; `bench/run.py` calls `web_figures` on the store its
flow runs built.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOTTO = str(ROOT / ".venv" / "bin" / "lotto")
LOCUST = str(ROOT / ".venv" / "bin" / "locust")
USERS = 50
GOALS = {"api_rps": 1000.0, "api_p99_ms": 50.0, "api_p99_ms_at_goal_rps": 50.0, "home_render_ms": 200.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_web(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    out = log.open("wb")
    proc = subprocess.Popen(
        [LOTTO, "web", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"lotto web exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/v1/plans/gold", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(proc)  # it never answered: nothing of it is left running (one such was found alive an hour later)
    raise RuntimeError(f"lotto web did not answer within 60 s: {log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def locust(url: str, work: Path, seconds: int, total_rps: float | None = None, routes: dict | None = None) -> Path:
    """Run locust's `GuessReader` (or, with `routes`, its `RouteReader`); the path of its per-name figures."""
    prefix = work / f"locust-{total_rps or 'max'}{'-routes' if routes else ''}"
    env = {
        **os.environ,
        "LOTOFLOW_BENCH_USER_RPS": str(total_rps / USERS if total_rps else 0),
        "LOTOFLOW_BENCH_ROUTES": json.dumps(routes or {}),
    }
    proc = subprocess.run(
        [
            LOCUST,
            "-f",
            str(ROOT / "bench" / "locust_web.py"),
            "RouteReader" if routes else "GuessReader",
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no figures:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return Path(f"{prefix}_stats.csv")


def load(url: str, work: Path, seconds: int, total_rps: float | None = None) -> dict:
    with locust(url, work, seconds, total_rps).open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return {
        "api_rps": round(float(row["Requests/s"]), 1),
        "api_p50_ms": float(row["50%"]),
        "api_p99_ms": float(row["99%"]),
        "api_failures": int(row["Failure Count"]),
        "api_requests": int(row["Request Count"]),
    }


def home_times(url: str, repeats: int = 20) -> dict:
    cold, cached = [], []
    with httpx.Client(timeout=10) as client:
        client.get(f"{url}/")  # templates compiled, engine open
        for i in range(repeats):
            started = time.perf_counter()
            answer = client.get(f"{url}/", params={"bench": i})
            cold.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()
            started = time.perf_counter()
            client.get(f"{url}/", params={"bench": i}).raise_for_status()
            cached.append((time.perf_counter() - started) * 1000)
    return {"home_render_ms": round(statistics.median(cold), 2), "home_cached_ms": round(statistics.median(cached), 2)}


def routes_of(game: str, numbers: int, other: str, other_numbers: int) -> dict[str, list[str]]:
    """The newer routes (issue 27) by group: the players' pages and their API, and another game's."""
    ticket, other_ticket = ",".join(map(str, range(1, numbers + 1))), ",".join(map(str, range(1, other_numbers + 1)))
    api = f"/api/v1/games/{other}"
    return {
        "guess (/api/v1/plans/gold)": ["/api/v1/plans/gold"],
        "numbers": ["/numbers", "/api/v1/numbers"],
        "randomness": ["/api/v1/randomness"],  # (no page of its own: the /numbers page shows the same tests)
        "bets": ["/bets", "/api/v1/bets"],
        "check": [f"/check?numbers={ticket}", f"/api/v1/check?numbers={ticket}"],
        f"{other} (/api/v1/games/{other}/...)": [
            f"{api}/plans",
            f"{api}/numbers",
            f"{api}/randomness",
            f"{api}/bets",
            f"{api}/check?numbers={other_ticket}",
            f"{api}/models",
            f"/games/{other}/",
        ],
    }


def route_load(url: str, work: Path, seconds: int, routes: dict[str, list[str]]) -> dict[str, dict]:
    """Every group of `routes` under one load of 50 clients asking as fast as answered, figures per group."""
    with locust(url, work, seconds, routes=routes).open() as handle:
        rows = {r["Name"]: r for r in csv.DictReader(handle)}
    figures = {}
    for group in routes:  # a group none of whose requests was answered in time is kept, with no figures
        row = rows.get(group)
        figures[group] = {
            "rps": round(float(row["Requests/s"]), 1) if row else 0.0,
            "p50_ms": float(row["50%"]) if row and row["50%"] != "N/A" else None,
            "p99_ms": float(row["99%"]) if row and row["99%"] != "N/A" else None,
            "failures": int(row["Failure Count"]) if row else 0,
            "requests": int(row["Request Count"]) if row else 0,
        }
    return figures


def route_figures(home: Path | None, seconds: int = 20, other: str = "megasena") -> dict:
    """The newer routes under load over the SQLite store at `home` (it should hold `other`'s draws and guesses too;
    None: a store filled through the library, Lotofácil's only, so `other`'s group may answer 404s)."""
    from lotto_models.core.games import GAMES, LOTOFACIL

    store = home or filled_home()
    env = {**os.environ, "LOTTO_HOME": str(store.resolve())}
    for key in ("LOTTO_DATABASE_URL", "PREFECT_API_URL"):
        env.pop(key, None)
    work = Path(tempfile.mkdtemp(prefix="lotoflow-web-routes-"))
    proc, url = start_web(env, work / "web.log")
    try:
        routes = routes_of(LOTOFACIL.id, LOTOFACIL.bet.default, other, GAMES[other].bet.default)
        figures = {"web_routes": route_load(url, work, seconds, routes)}
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)
        if home is None:
            shutil.rmtree(store, ignore_errors=True)
    for group, row in figures["web_routes"].items():
        print(f"web route {group}: {row['rps']} requests/s, p99 {row['p99_ms']} ms, {row['failures']} failures")
    return figures


def web_figures(env: dict[str, str], seconds: int = 20) -> dict:
    """Start `lotto web` over the store `env` names, measure, stop it."""
    work = Path(tempfile.mkdtemp(prefix="lotoflow-web-bench-"))
    proc, url = start_web(env, work / "web.log")
    try:
        figures = home_times(url)
        figures.update(load(url, work, seconds))
        paced = load(url, work, seconds, GOALS["api_rps"])
        figures["api_rps_at_goal_rate"] = paced["api_rps"]
        figures["api_p99_ms_at_goal_rps"] = paced["api_p99_ms"]
        from lotto_models.core.settings import Settings

        figures["web_workers"] = int(env.get("LOTTO_WEB_WORKERS", Settings.model_fields["web_workers"].default))
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    return figures


def filled_home() -> Path:
    """A store filled through the library (draws, versions, guesses and scores), as the API tests use."""
    from deployments.loopback.filled_store import fill
    from lotto_models.core.settings import Settings
    from lotto_models.ingest.bundled_history import bundled_history
    from lotto_models.workspace import open_workspace

    home = Path(tempfile.mkdtemp(prefix="lotoflow-web-home-"))
    fill(open_workspace(Settings(home=home)), bundled_history())
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="LOTTO_HOME of an existing SQLite store")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results.json alone")
    args = parser.parse_args()
    home = args.home or filled_home()
    env = {**os.environ, "LOTTO_HOME": str(home.resolve())}
    env.pop("LOTTO_DATABASE_URL", None)
    try:
        figures = web_figures(env, args.seconds)
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    if not args.no_write:
        results_path = ROOT / "bench" / "results.json"
        results = json.loads(results_path.read_text()) if results_path.exists() else {}
        results.update(figures)
        results_path.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
