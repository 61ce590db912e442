"""`lotto web` as it ships: uvicorn in its own process, host and port from LOTTO_WEB_HOST/LOTTO_WEB_PORT or flags."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from lotto_models.core.settings import Settings
from lotto_models.workspace import open_workspace
from tests.web.conftest import STORED, fill

LOTTO = str(Path(sys.executable).parent / "lotto")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_answering(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else "lotto web exited"
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def test_lotto_web_serves_the_store_on_the_configured_port(tmp_path: Path, history) -> None:
    home = tmp_path / "home"
    fill(open_workspace(Settings(home=home)), history)
    port, flag_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOTTO_", "PREFECT_API_URL"))}
    env.update(LOTTO_HOME=str(home), LOTTO_WEB_PORT=str(port), LOTTO_WEB_WORKERS="1")
    commands = {port: [], flag_port: ["--port", str(flag_port), "--host", "127.0.0.1"]}
    processes = {  # both at once: each spends its first seconds importing
        expected: subprocess.Popen(
            [LOTTO, "web", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        for expected, args in commands.items()
    }
    try:
        for expected, proc in processes.items():
            answer = wait_answering(f"http://127.0.0.1:{expected}/api/v1/plans/free", proc)
            assert answer.status_code == 200 and answer.json()["next_concurso"] == STORED + 1
            health = httpx.get(f"http://127.0.0.1:{expected}/api/v1/health", timeout=5).json()
            assert health["prefect"]["note"] == "PREFECT_API_URL is not set: no Prefect API asked"
    finally:
        for proc in processes.values():
            os.killpg(proc.pid, signal.SIGTERM)
        outputs = {expected: proc.communicate(timeout=30)[0].decode() for expected, proc in processes.items()}
    for expected, output in outputs.items():
        assert f"lotoflow web: http://127.0.0.1:{expected}/" in output
