"""Deployments of `prefect.yaml` run by real process workers, as production runs them: shared by the flow
tests, the benchmark's fan-out figure and the soak through the deployment. Light to import (no flows)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from deployments.loopback.checkout import PREFECT, ROOT


def deploy_on_process_pool(pool: str, deployment: str, env: dict[str, str], *, pool_may_exist: bool = False) -> None:
    """Create the process work pool `pool` and deploy `deployment` of prefect.yaml on it. A resumed soak
    finds its pool already there (`pool_may_exist`)."""
    subprocess.run(
        [PREFECT, "work-pool", "create", pool, "--type", "process"],
        env=env,
        check=not pool_may_exist,
        capture_output=True,
    )
    subprocess.run(
        [PREFECT, "--no-prompt", "deploy", "--name", deployment, "--pool", pool],
        cwd=ROOT,
        env={**env, "LOTOFLOW_DIR": str(ROOT)},
        check=True,
        capture_output=True,
    )


def start_worker(pool: str, env: dict[str, str], log: Path, *limit: str) -> subprocess.Popen[bytes]:
    """`prefect worker start --pool pool [--limit N]` in its own process group (so `kill-with(PGID)` and a
    kill of the group reach it), polling every second, its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", pool, *(["--limit", *limit] if limit else [])],
            env={"PREFECT_WORKER_QUERY_SECONDS": "1", **env, "LOTOFLOW_DIR": str(ROOT)},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(worker: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    """Stop a worker and its runs: two SIGTERMs (the first only starts a drain), SIGKILL after `timeout_s`."""
    with contextlib.suppress(ProcessLookupError):  # already gone
        for _ in range(2):
            os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def wait_for_workers(pool: str, count: int, timeout_s: float = 60) -> None:
    """Until `count` workers have joined `pool` on the configured Prefect API."""
    from prefect import get_client

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            if len(client.read_workers_for_work_pool(pool)) >= count:
                return
            time.sleep(0.5)
    raise TimeoutError(f"{count} workers did not join pool {pool} within {timeout_s} s")
