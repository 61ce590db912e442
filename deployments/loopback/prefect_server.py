"""A `prefect server` in a process of its own on a free loopback port, as the benchmark and the soak run the
flows against it (as in production), and stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from deployments.local_stack import free_port
from deployments.loopback.checkout import PREFECT


class PrefectServer:
    """A `prefect server` on a free loopback port; with `auth_string` (`user:password`) it is protected with
    Prefect's basic authentication as `make stack` runs it, and `env` carries the matching client setting."""

    def __init__(self, home: Path, auth_string: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.env = {
            **os.environ,
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": self.url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        auth: tuple[str, str] | None = None
        if auth_string:
            self.env["PREFECT_SERVER_API_AUTH_STRING"] = self.env["PREFECT_API_AUTH_STRING"] = auth_string
            self.env.pop("PREFECT_API_KEY", None)
            user, _, password = auth_string.partition(":")
            auth = (user, password)
        self.log = (home.parent / "server.log").open("w")
        self.proc = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/health", timeout=2, auth=auth).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        # Not healthy: the server ended (its log says why) or hangs; either way nothing of it is left running.
        ended = self.proc.poll()
        self.stop()
        log = Path(self.log.name).read_text(errors="replace").strip().splitlines()[-3:]
        state = f"exited with code {ended}" if ended is not None else "did not answer /health within 120 s"
        raise RuntimeError(f"the Prefect server {state}; its log ends: {' | '.join(log) or '(empty)'}")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # already ended
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()
