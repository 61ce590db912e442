"""`python -m deployments.mlflow_server` (`make mlflow`): an MLflow tracking server for the mirror, on
127.0.0.1 (port `MLFLOW_PORT`, default 5000), its backend store (SQLite) and artifacts under
`$LOTTO_HOME/mlflow`. Then `LOTTO_MLFLOW_TRACKING_URI=http://127.0.0.1:5000` turns the mirror on.

`make stack` and the tests start one the same way (`running_mlflow_server`) on a free port in their own
directory, and stop it, with its workers, when done. MLflow's telemetry is off for the server and the mirror:
nothing leaves the machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

MLFLOW = str(Path(sys.executable).parent / "mlflow")
DEFAULT_PORT = 5000
NO_TELEMETRY = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
# The mirror logs runs, models and aliases: none of MLflow's server-side jobs (prompt optimization and the like),
# whose job runner and three huey consumers would start four more processes with every server.
NO_JOBS = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}


def server_command(directory: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """`mlflow server` with its runs and registry in `directory/mlflow.db` and its artifacts (served through it,
    `mlflow-artifacts:`) in `directory/artifacts`."""
    return [
        MLFLOW,
        "server",
        "--host",
        host,
        "--port",
        str(port),
        "--backend-store-uri",
        f"sqlite:///{directory / 'mlflow.db'}",
        "--artifacts-destination",
        str(directory / "artifacts"),
        "--workers",
        "1",
    ]


@dataclass
class MlflowServer:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        """SIGTERM to the server's process group (its uvicorn worker too), SIGKILL after 15 s."""
        if self.process.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=15)
                return
            except subprocess.TimeoutExpired:
                continue


def start_mlflow_server(directory: Path, port: int, timeout: float = 180) -> MlflowServer:
    """Start the server in the background and wait until `/health` answers; its log is `directory/server.log`."""
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "server.log"
    scratch = directory / "tmp"  # MLflow leaves its `db_init_lock-<hash>` files in the temporary directory
    scratch.mkdir(exist_ok=True)
    env = dict(os.environ, **NO_TELEMETRY, **NO_JOBS, TMPDIR=str(scratch))
    with log.open("ab") as out:
        process = subprocess.Popen(
            server_command(directory, port), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = MlflowServer(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mlflow server exited {process.returncode}; see {log}")
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                # its first request to the store loads what `/health` does not (seconds on a busy machine)
                httpx.get(
                    f"{server.url}/api/2.0/mlflow/experiments/search?max_results=1", timeout=deadline - time.monotonic()
                )
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"mlflow server did not answer within {timeout:.0f} s; see {log}")


@contextmanager
def running_mlflow_server(directory: Path, port: int) -> Iterator[MlflowServer]:
    server = start_mlflow_server(directory, port)
    try:
        yield server
    finally:
        server.stop()


def screenshot_registered_models(url: str, png: Path, chromium: Path = Path("/usr/bin/chromium")) -> bool:
    """The MLflow UI's registered models, with their aliases, in headless chromium through playwright (a dev
    dependency); False, saying why, when either is missing or the page does not render."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        print("playwright is not installed: no screenshot of the MLflow UI", flush=True)
        return False
    if not chromium.exists():
        print(f"{chromium} not found: no screenshot of the MLflow UI (apt-get install -y chromium)", flush=True)
        return False
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 460})
                page.goto(f"{url}/#/models", wait_until="networkidle", timeout=60_000)
                page.get_by_text("@ champion").first.wait_for(timeout=30_000)
                _dismiss_promotions(page)
                page.get_by_text("@ champion").first.wait_for(timeout=30_000)  # the aliases column drawn
                page.screenshot(path=str(png))
            finally:
                browser.close()
    except Error as error:
        print(f"the MLflow UI screenshot failed: {error}", flush=True)
        return False
    return png.exists()


def _dismiss_promotions(page) -> None:
    """Close what MLflow's UI opens over the page on a first visit (a dialog about its registry UI, the
    assistant's panel), so the screenshot shows the models."""
    from playwright.sync_api import Error

    for button in [page.get_by_role("button", name="Try it now"), *page.get_by_role("button", name="Close").all()]:
        try:
            button.first.click(timeout=3_000)
        except Error:
            continue
    page.keyboard.press("Escape")
    page.wait_for_timeout(1_000)


def main() -> None:
    """`make mlflow`: the server in the foreground, until Ctrl-C."""
    from lotto_models.core.settings import get_settings

    directory = get_settings().home / "mlflow"
    directory.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("MLFLOW_PORT", DEFAULT_PORT))
    print(
        f"MLflow on http://127.0.0.1:{port} (store and artifacts in {directory}); mirror into it with\n"
        f"  LOTTO_MLFLOW_TRACKING_URI=http://127.0.0.1:{port}",
        flush=True,
    )
    os.execve(MLFLOW, server_command(directory, port), dict(os.environ, **NO_TELEMETRY))


if __name__ == "__main__":
    main()
