"""One cycle of the soak: its plan (faults and kill point, from the seed alone), what its run sees, and the run
itself as a whole `lotto run` process in a session of its own."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.checkout import PYTHON, ROOT
from deployments.loopback.prefect_server import PrefectServer
from deployments.soak.faults import ATTEMPTS, FAULT_KINDS, READ_TIMEOUT_S
from lotto_models.core import failpoints

KILL_POINTS = {
    "fetching": failpoints.INGEST_AFTER_FETCH,
    "storing": failpoints.INGEST_BEFORE_COMMIT,
    "training": failpoints.TRAINING_AFTER_EPOCH,
    "promoting": failpoints.PROMOTION_BEFORE_SWAP,
    "publishing": failpoints.PUBLISHING_BEFORE_STORE,
}
# What a kill kills: the run's process group (the run and its workers), or its main process alone.
KILL_ACTIONS = ["kill-group", "kill-leader"]


@dataclass
class Cycle:
    number: int
    concurso: int
    faults: list[str]
    kill: str | None
    kill_action: str = KILL_ACTIONS[0]
    exit_code: int = 0
    seconds: float = 0.0
    log: str = ""
    pid: int = 0  # of the run's main process, which leads its own session


@dataclass
class SoakState:
    store: str
    seed: int
    game: str = "lotofacil"  # the API id of the game the soak replays
    cycles: int = 0
    kills: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    violations: list[dict[str, Any]] = field(default_factory=list)
    wall_s: float = 0.0
    bytes_after_cycle: list[int] = field(default_factory=list)
    file_bytes_after_cycle: list[int] = field(default_factory=list)  # all but the database
    corrupt_quarantined: int = 0  # corrupt answers served, each found in the quarantine and not stored
    seconds_kill_to_no_process: list[float] = field(default_factory=list)  # after each kill that fired


def plan_cycle(seed: int, number: int, concurso: int, kill_rate: float) -> Cycle:
    """The faults and kill point of one cycle, from the seed alone (so a cycle can be replayed)."""
    rng = random.Random(seed * 1_000_003 + number)
    count = rng.choice([0, 0, 1, 1, 2, 3])
    faults = rng.sample(FAULT_KINDS, count)
    kill = rng.choice(sorted(KILL_POINTS)) if rng.random() < kill_rate else None
    return Cycle(number, concurso, faults, kill, rng.choice(KILL_ACTIONS))


def run_cycle(cycle: Cycle, env: dict[str, str], work: Path, game: str = "lotofacil") -> None:
    run_env = dict(env)
    if cycle.kill:
        run_env[failpoints.ENVIRONMENT_VARIABLE] = f"{KILL_POINTS[cycle.kill]}={cycle.kill_action}"
    log = work / "cycle.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PYTHON, "-m", "deployments.cli", "run", "--game", game],
            env=run_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        cycle.pid = process.pid
        try:
            cycle.exit_code = process.wait(timeout=900)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            cycle.exit_code = process.wait()
    cycle.seconds = time.monotonic() - started
    cycle.log = log.read_text(errors="replace")


def soak_database_url(store: str) -> str | None:
    """The soak's own PostgreSQL database (LOTTO_SOAK_DATABASE_URL), or None for SQLite under the home."""
    if store != "postgresql":
        return None
    return os.environ.get("LOTTO_SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/lotto_soak")


def cycle_environment(
    server: PrefectServer, home: Path, primary: CaixaTestServer, mirror: CaixaTestServer, database_url: str | None
) -> dict[str, str]:
    """What every cycle's run sees: the soak's Prefect server, home and store, the two loopback sources, the
    smoke training profile, and HTTP retries short enough for a fault to cost seconds."""
    env = {
        **server.env,
        "LOTTO_HOME": str(home),
        "LOTTO_PROFILE": "smoke",
        "LOTTO_CAIXA_BASE_URL": primary.base_url,
        "LOTTO_MIRROR_URLS": mirror.base_url,
        "LOTTO_HTTP_ATTEMPTS": str(ATTEMPTS),
        "LOTTO_HTTP_BACKOFF_S": "0.01",
        "LOTTO_HTTP_READ_TIMEOUT_S": str(READ_TIMEOUT_S),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    if database_url:
        env["LOTTO_DATABASE_URL"] = database_url
    return env


def fresh_postgres(url: str) -> None:
    base = sa.engine.make_url(url)
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{base.database}"'))
    admin.dispose()
