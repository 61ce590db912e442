"""Nothing left behind: a `lotto run` killed with SIGKILL while a model trains leaves no process (its temporary
Prefect server, the fork server, the training workers, multiprocessing's resource tracker) and, in the
temporary directory, only its scratch space, which the next run removes with its own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deployments.loopback.run_processes import run_processes, wait_until_gone
from deployments.scratch_space import PREFIX
from lotto_models.core.failpoints import ENVIRONMENT_VARIABLE, TRAINING_AFTER_EPOCH
from tests.conftest import migrated_prefect_database, migrated_sqlite_store
from tests.flows.conftest import network_inside_fit

pytestmark = pytest.mark.slow  # whole runs in their own processes, one killed

GONE_WITHIN_S = 10.0


@pytest.fixture
def run_env(tmp_path: Path, short_tmp: Path, request: pytest.FixtureRequest) -> tuple[Path, Path, dict[str, str]]:
    """(home, system temporary directory, environment) of `lotto` as a user runs it: a home holding the
    bundled history and no model, the source unreachable (the run goes on with the stored draws), no Prefect
    API configured (so `lotto` starts its temporary server, on a copy of a migrated database), and a
    temporary directory of its own in place of the system's."""
    home, system_tmp = tmp_path / "home", short_tmp
    home.mkdir()
    shutil.copy(migrated_sqlite_store(seeded=True), home / "lotoflow.db")
    shutil.copy(migrated_prefect_database(request.config.cache.mkdir("prefect-db")), tmp_path / "prefect.db")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("LOTTO_", "PREFECT_"))}
    env |= {
        "LOTTO_HOME": str(home),
        "LOTTO_PROFILE": "smoke",
        "LOTTO_CAIXA_BASE_URL": "http://127.0.0.1:9/portaldeloterias/api",
        "LOTTO_HTTP_BACKOFF_S": "0.01",
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TMPDIR": str(system_tmp),
    }
    return home, system_tmp, env


def test_a_run_killed_while_a_model_trains_leaves_no_process_and_the_next_run_no_file(run_env) -> None:
    home, system_tmp, env = run_env
    log = home.parent / "killed-run.log"
    # Every training holds still after its first epoch, so the kill lands while models train.
    sleeping = {ENVIRONMENT_VARIABLE: f"{TRAINING_AFTER_EPOCH}=sleep(300)"}
    run = subprocess.Popen(
        [sys.executable, "-m", "deployments.cli", "run", "--from-scratch"],
        env=env | sleeping,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, inside = time.monotonic() + 240, None
        while time.monotonic() < deadline and run.poll() is None and inside is None:
            inside = network_inside_fit(home / "models")
            time.sleep(0.05)
        assert inside is not None, f"no network reached an epoch:\n{log.read_text()[-3000:]}"
        recorded = run_processes(run.pid)
        commands = "\n".join(map(str, recorded))
        assert "uvicorn" in commands and "resource_tracker" in commands, commands
        assert commands.count("multiprocessing.forkserver") >= 2, commands  # the server and a worker

        run.kill()  # the `lotto` process alone, as the OOM killer or `kill -9 <pid>` would
        run.wait()
        seconds, left = wait_until_gone(recorded, run.pid, timeout_s=GONE_WITHIN_S)
        assert not left, f"{GONE_WITHIN_S:.0f} s after the kill: {sorted(map(str, left))}"
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # whatever is left (the group outlives its leader)
        run.wait()
    print(f"every process of the killed run was gone {seconds:.2f} s after the kill")
    # What the killed run left in the temporary directory: its scratch space (multiprocessing's directory in it).
    assert [path.name.startswith(PREFIX) for path in system_tmp.iterdir()] == [True]

    # The next run (one that trains: `retrain` starts the fork server at once) removes it, and its own.
    after = subprocess.run(
        [sys.executable, "-m", "deployments.cli", "retrain", "stat"], env=env, capture_output=True, timeout=300
    )
    assert after.returncode == 0, after.stderr.decode()[-3000:]
    assert list(system_tmp.iterdir()) == []
