"""Importing a history file of invalid rows: how fast, how far the quarantine grows, how soon it stops.

    .venv/bin/python bench/import_speed.py [--rows 99999] [--budget-s 600] [--skip-cli]

The file has `--rows` rows after the bundled history (concursos 3701...), each with a 26 among its numbers,
so each is rejected by the validation suite ("numbers in 1..25"): the case of issue 30, where 99,999 such
rows took 540 s for the first 60,641 (one transaction and an unindexed full-scan UPDATE per row).

Figures (one JSON object on stdout):
- `library`: `import_history_file` on a seeded SQLite store, in a process of its own: wall time, rows
  accounted per second, and the quarantine entries it added. A run past `--budget-s` is stopped there and
  reported with the entries written by then (`completed`: false), so the rate of a slow import is still
  measured without waiting for it;
- `library_uncapped`: the same with the per-file quarantine cap lifted to the whole file, so every row gets
  an entry of its own: the speed of the batched, indexed quarantine writes alone;
- `cli` (unless `--skip-cli`): `lotto import-history` as a person runs it (its temporary Prefect server
  included), wall time to its end;
- `interrupt`: the same command sent SIGINT to its process group (as Ctrl-C in a terminal does) once the
  first quarantine entries are there: seconds until the process ended, its exit code, the processes of its
  session left 1 s later, and the entries it had committed (whole batches: each batch is one transaction).

Run it on a quiet machine: these are wall-clock times on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOTTO = str(ROOT / ".venv" / "bin" / "lotto")
HEADER = "concurso,data," + ",".join(f"d{i}" for i in range(1, 16))

# Runs in a process of its own: `import_history_file` on the store of LOTTO_HOME, its report as JSON.
IMPORT_SCRIPT = """
import json, sys, time
from pathlib import Path
import lotto_models.ingest.history_import as history_import
from lotto_models.workspace import open_workspace
if len(sys.argv) > 2:
    history_import.MAX_QUARANTINED_ROWS_PER_FILE = int(sys.argv[2])
ws = open_workspace()
started = time.perf_counter()
report = history_import.import_history_file(ws, Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - started, "counts": report.counts()}))
"""


def write_invalid_rows(path: Path, rows: int) -> None:
    rng = random.Random(30)
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            numbers = [*rng.sample(range(1, 26), 14), 26]
            out.write(f"{3701 + i},2026-06-02," + ",".join(map(str, numbers)) + "\n")


def seeded_home(directory: Path) -> Path:
    """A LOTTO_HOME whose SQLite store holds the bundled history."""
    from lotto_models.core.settings import Settings
    from lotto_models.ingest.bundled_history import BUNDLED_SOURCE, bundled_history
    from lotto_models.workspace import close_workspaces, open_workspace

    ws = open_workspace(Settings(home=directory))
    ws.draws.seed(bundled_history(), BUNDLED_SOURCE)
    close_workspaces()
    return directory


def quarantine_entries(home: Path) -> int:
    with sqlite3.connect(f"file:{home / 'lotoflow.db'}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute("SELECT count(*) FROM quarantine").fetchone()[0])


def environment(home: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOTTO_", "PREFECT_API_URL"))}
    # Nothing should be fetched by an import; a closed port makes sure nothing is.
    return clean | {"LOTTO_HOME": str(home), "LOTTO_CAIXA_BASE_URL": "http://127.0.0.1:9/api"}


def library_import(template: Path, work: Path, csv_file: Path, rows: int, budget_s: float, cap: int | None) -> dict:
    home = work / ("library-uncapped" if cap else "library")
    shutil.copytree(template, home)
    args = [sys.executable, "-c", IMPORT_SCRIPT, str(csv_file), *([str(cap)] if cap else [])]
    started = time.monotonic()
    process = subprocess.Popen(args, env=environment(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=budget_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        elapsed, entries = time.monotonic() - started, quarantine_entries(home)
        return {
            "completed": False,
            "stopped_after_s": round(elapsed, 1),
            "quarantine_entries": entries,
            "rows_per_s": round(entries / elapsed, 1),
        }
    if process.returncode != 0:
        raise RuntimeError(f"the import failed:\n{err[-3000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    return {
        "completed": True,
        "import_s": round(report["seconds"], 2),
        "process_s": round(time.monotonic() - started, 2),
        "rows_per_s": round(rows / report["seconds"], 1),
        "counts": report["counts"],
        "quarantine_entries": quarantine_entries(home),
    }


def lotto_import(home: Path, csv_file: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [LOTTO, "import-history", str(csv_file)],
        env=environment(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def session_processes(session: int) -> list[str]:
    found = subprocess.run(["ps", "-o", "pid=,sess=,args=", "-e"], capture_output=True, text=True).stdout
    return [line.strip() for line in found.splitlines() if line.split()[1:2] == [str(session)]]


def cli_import(template: Path, work: Path, csv_file: Path, rows: int, budget_s: float) -> dict:
    home = work / "cli"
    shutil.copytree(template, home)
    started = time.monotonic()
    process = lotto_import(home, csv_file)
    try:
        _, err = process.communicate(timeout=budget_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"completed": False, "stopped_after_s": round(time.monotonic() - started, 1)}
    elapsed = time.monotonic() - started
    return {"completed": process.returncode == 0, "exit_code": process.returncode, "wall_s": round(elapsed, 2)}


def interrupted_import(template: Path, work: Path, csv_file: Path, budget_s: float) -> dict:
    """SIGINT to the process group of `lotto import-history` once it has written quarantine entries."""
    home = work / "interrupt"
    shutil.copytree(template, home)
    process = lotto_import(home, csv_file)
    started = time.monotonic()
    try:
        while quarantine_entries(home) == 0:
            if process.poll() is not None or time.monotonic() - started > budget_s:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                return {"sent": False, "note": "the import ended (or ran out of budget) before any entry was written"}
            time.sleep(0.05)
        sent = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=600)
        stopped = time.monotonic() - sent
        time.sleep(1)
        left = session_processes(process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    for line in left:
        os.kill(int(line.split()[0]), signal.SIGKILL)
    return {
        "sent": True,
        "sent_after_s": round(sent - started, 1),
        "stop_s": round(stopped, 2),
        "exit_code": process.returncode,
        "stderr_last_line": err.decode(errors="replace").strip().splitlines()[-1:],
        "left_running_after_1s": left,
        "quarantine_entries": quarantine_entries(home),
    }


def commit() -> dict:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changes = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    )
    return {"commit": head.stdout.strip(), "clean": not changes.stdout.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=99_999)
    parser.add_argument("--budget-s", type=float, default=600.0, help="stop an import running longer")
    parser.add_argument("--skip-cli", action="store_true", help="only the library figures")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lotoflow-import-bench-"))
    try:
        csv_file = work / "invalid.csv"
        write_invalid_rows(csv_file, args.rows)
        template = seeded_home(work / "template")
        figures: dict = {"rows": args.rows, **commit()}
        figures["library"] = library_import(template, work, csv_file, args.rows, args.budget_s, None)
        figures["library_uncapped"] = library_import(template, work, csv_file, args.rows, args.budget_s, args.rows)
        if not args.skip_cli:
            figures["cli"] = cli_import(template, work, csv_file, args.rows, args.budget_s)
            figures["interrupt"] = interrupted_import(template, work, csv_file, args.budget_s)
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
