"""Failpoints that kill: `kill-with(PGID)` and `kill-leader`, as the soak uses them to stand for lost machines
and the OOM killer."""

import os
import signal
import subprocess
import sys

from lotto_models.core import failpoints


def test_failpoint_kill_with_kills_the_named_process_group_and_its_own() -> None:
    """`kill-with(PGID)`: the run dies together with the worker that started it (the soak's machine loss)."""
    point = failpoints.INGEST_AFTER_FETCH
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    run = subprocess.Popen(
        [sys.executable, "-c", f"from lotto_models.core.failpoints import failpoint; failpoint({point!r})"],
        env={**os.environ, failpoints.ENVIRONMENT_VARIABLE: f"{point}=kill-with({worker.pid})"},
        start_new_session=True,
    )
    assert run.wait(timeout=30) == -signal.SIGKILL
    assert worker.wait(timeout=5) == -signal.SIGKILL


def test_failpoint_kill_leader_kills_the_group_s_leader_alone() -> None:
    """`kill-leader`: from a worker, the run's main process dies (as under the OOM killer), not the worker."""
    point = failpoints.TRAINING_AFTER_EPOCH
    worker = f"from lotto_models.core.failpoints import failpoint; failpoint({point!r}); print('worker lived on')"
    run = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {worker!r}]); time.sleep(60)"
    leader = subprocess.Popen(  # the run's main process, leading a group of its own, and its worker in that group
        [sys.executable, "-c", run],
        env={**os.environ, failpoints.ENVIRONMENT_VARIABLE: f"{point}=kill-leader"},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    output, _ = leader.communicate(timeout=30)  # until the worker, holding the output too, has ended
    assert leader.returncode == -signal.SIGKILL and output == "worker lived on\n"
