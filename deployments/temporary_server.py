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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PR_SET_PDEATHSIG = 1
STARTUP_TIMEOUT_S = 120.0


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _drain_logs() -> None:
    if "prefect.logging.handlers" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)


@contextmanager
def prefect_api() -> Iterator[str]:
    """The Prefect API this process should use: `PREFECT_API_URL` when set, else a temporary server."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    # Not `import prefect`: Prefect reads its settings on import, and PREFECT_API_URL is not set yet.
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
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {server.returncode}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the temporary Prefect server did not answer on {url} in {STARTUP_TIMEOUT_S:.0f} s")
            time.sleep(0.1)
        os.environ["PREFECT_API_URL"] = url  # every child (training workers) uses this one server
        yield url
    finally:
        _drain_logs()  # the run's last log lines go to this server: send them before it stops
        os.environ.pop("PREFECT_API_URL", None)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
