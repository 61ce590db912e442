"""A temporary Prefect API for `lotto` commands run without `PREFECT_API_URL`, that dies with its parent.

Prefect's own ephemeral mode starts a server in every process that needs one (each training worker
would start its own) and leaves it running when its parent is killed with SIGKILL. This one is started
once by the `lotto` process, announced to every child through `PREFECT_API_URL`, and asked by the kernel
(`PR_SET_PDEATHSIG`) to stop when the process that started it dies, however it dies.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx

PR_SET_PDEATHSIG = 1
T = TypeVar("T")
STARTUP_TIMEOUT_S = 120.0
HEARTBEAT_VARIABLE = "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"
NO_RUN_LINK = (
    "lotto: no Prefect API is configured (PREFECT_API_URL), so this run uses a temporary Prefect server that stops "
    "with it: no link to the run is shown.\nTo follow runs in the Prefect UI, point PREFECT_API_URL at a running "
    "server (`prefect server start`); its UI address is taken from PREFECT_UI_URL when set."
)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    # A process group of its own (same session): Ctrl-C in a terminal signals the foreground group, and must
    # reach `lotto` alone, which then reports its interrupted run to this server before stopping it. (Stopped
    # with it, the server left `lotto` retrying its last reports for a minute.)
    os.setpgid(0, 0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def drain_logs() -> None:
    """Send the log lines Prefect still holds to its API."""
    if "prefect.logging.handlers" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)


def _wait_until_healthy(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with httpx.Client(timeout=2) as probe:  # one client: each new one loads the CA certificates again
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {server.returncode}")
            try:
                if probe.get(f"{url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the temporary Prefect server did not answer on {url} in {STARTUP_TIMEOUT_S:.0f} s")
            time.sleep(0.1)


@contextmanager
def prefect_api(while_starting: Callable[[], T]) -> Iterator[T]:
    """Run `while_starting` with this process pointed at a Prefect API, and yield what it returned.

    The API is the one Prefect is configured with (`PREFECT_API_URL` in the environment, a profile or a
    test harness); when none is, a temporary server is started and `while_starting` (importing the flows,
    say) runs while it boots. Its UI would be gone once the run ends, so then no link to a run is given
    (Prefect's "View at" line, the alerts' links) and a line on stderr says why.
    """
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

        if not PREFECT_API_URL.value():
            print(NO_RUN_LINK, file=sys.stderr, flush=True)
            with temporary_server(while_starting) as prepared, temporary_settings({PREFECT_UI_URL: ""}):
                yield prepared
            return
    with heartbeats_only_if_configured(while_starting) as prepared:
        yield prepared


@contextmanager
def heartbeats_only_if_configured(while_starting: Callable[[], T]) -> Iterator[T]:
    """Run `while_starting` and yield what it returned, with no flow-run heartbeats unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set in the environment.

    Prefect sends them by default (every 180 s), and each run pays up to 1 s for them at its end (Prefect
    joins a thread sleeping in 1 s steps). Only the deployments' runs are watched for missing heartbeats
    (`deployments.zombie_runs`: their work pool sets the variable); a run started here is not, unless the
    operator asks for heartbeats by setting the variable."""
    prepared = while_starting()
    if HEARTBEAT_VARIABLE in os.environ:
        yield prepared
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield prepared


@contextmanager
def temporary_server(while_starting: Callable[[], T]) -> Iterator[T]:
    """A Prefect server for this process and its children (its settings, such as the database, come from
    the environment); `while_starting` runs while it boots, and what it returned is yielded."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        raise RuntimeError("prefect is not installed")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(Path(spec.origin).parent.parent),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
        preexec_fn=_die_with_parent,
    )
    try:
        prepared = while_starting()
        _wait_until_healthy(server, url)
        os.environ["PREFECT_API_URL"] = url  # every child (training workers) uses this one server,
        refresh_global_settings_context()  # and so does every thread of this process
        # No flow-run heartbeats: nothing can watch for a crashed run on a server that dies with it.
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            try:
                yield prepared
            finally:
                drain_logs()  # the run's last log lines go to this server: send them before it stops
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        refresh_global_settings_context()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
