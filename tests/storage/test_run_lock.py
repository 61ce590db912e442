"""The store's run lock: one holder at a time, the other waits or gives up, and a dead holder frees it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from lotto_models.storage.run_lock import RunLockTimeout, run_lock
from lotto_models.workspace import Workspace


def test_a_second_holder_waits_for_the_first_and_says_how_long(workspace: Workspace) -> None:
    released = threading.Event()

    def hold() -> None:
        with run_lock(workspace.engine, wait_s=5):
            released.wait(1.2)

    first = threading.Thread(target=hold)
    first.start()
    time.sleep(0.3)
    with run_lock(workspace.engine, wait_s=10) as lock:
        assert lock.waited and lock.waited_s >= 0.5
    first.join()


def test_a_holder_that_waits_too_long_gives_up_with_the_reason(workspace: Workspace) -> None:
    with (
        run_lock(workspace.engine, wait_s=5),
        pytest.raises(RunLockTimeout, match="held this store's lock"),
        run_lock(workspace.engine, wait_s=0.6),
    ):
        pass


def test_a_holder_killed_with_sigkill_leaves_the_lock_free(workspace: Workspace) -> None:
    url = workspace.engine.url.render_as_string(hide_password=False)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
                import time, sqlalchemy as sa
                from lotto_models.storage.run_lock import run_lock
                from lotto_models.storage.engine import create_store_engine
                with run_lock(create_store_engine({url!r}), wait_s=5):
                    print("held", flush=True)
                    time.sleep(60)
            """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    with run_lock(workspace.engine, wait_s=10) as lock:  # the server (or the kernel) released it
        assert lock.waited_s < 10
