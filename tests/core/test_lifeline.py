"""A process killed with SIGKILL leaves none of its multiprocessing children behind once they hold a lifeline:
forked from a fork server (the training workers) or spawned (the web's workers), with multiprocessing's own
helpers (the fork server, the resource tracker) gone after them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deployments.loopback.run_processes import run_processes, wait_until_gone

# A pool of one worker, as the flows and the web start theirs; it prints the worker's pid, then waits.
PARENT = """
import concurrent.futures, multiprocessing, os, sys, time
from lotto_models.core.lifeline import end_with_parent

method, watched = sys.argv[1], sys.argv[2] == "watched"
context = multiprocessing.get_context(method)
pool = concurrent.futures.ProcessPoolExecutor(1, context, initializer=end_with_parent if watched else None)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 120)
time.sleep(120)
"""


def start_parent(method: str, watched: bool, scratch: Path) -> tuple[subprocess.Popen[str], int]:
    """The parent, its temporary files (multiprocessing's directory, which its death leaves) in `scratch`."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, method, "watched" if watched else "unwatched"],
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert parent.stdout is not None
    return parent, int(parent.stdout.readline())


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_a_worker_with_a_lifeline_ends_with_its_parent_and_multiprocessing_s_helpers_after_it(
    method: str, short_tmp: Path
) -> None:
    parent, worker = start_parent(method, watched=True, scratch=short_tmp)
    try:
        recorded = run_processes(parent.pid)
        commands = " ".join(process.command for process in recorded)
        assert worker in {process.pid for process in recorded} and "resource_tracker" in commands, commands
        parent.kill()
        parent.wait()
        seconds, left = wait_until_gone(recorded, parent.pid, timeout_s=10)
        assert not left, f"left {seconds:.1f} s after the kill: {sorted(map(str, left))}"
    finally:
        os.killpg(parent.pid, signal.SIGKILL)  # whatever was left (the group outlives its leader)
        parent.wait()


def test_without_a_lifeline_a_forked_worker_outlives_its_killed_parent(short_tmp: Path) -> None:
    """What `end_with_parent` is for (and that the test above can see a process left behind)."""
    parent, worker = start_parent("forkserver", watched=False, scratch=short_tmp)
    try:
        recorded = run_processes(parent.pid)
        parent.kill()
        parent.wait()
        time.sleep(1)
        _, left = wait_until_gone(recorded, parent.pid, timeout_s=1)
        assert worker in {process.pid for process in left}
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
