"""`lotto web` as it ships: uvicorn in its own process, host and port from LOTTO_WEB_HOST/LOTTO_WEB_PORT or flags;
and `lotto predict` as a reader of the store runs it: a process that loads no numerical library."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from deployments.loopback.filled_store import STORED, fill
from deployments.loopback.run_processes import run_processes, wait_until_gone
from lotto_models.core.settings import Settings
from lotto_models.workspace import open_workspace

pytestmark = pytest.mark.slow  # `lotto web` started and killed as processes

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


def test_lotto_predict_prints_the_stored_guess_without_importing_numpy_pandas_tensorflow_or_prefect(
    tmp_path: Path, history
) -> None:
    home = tmp_path / "home"
    filled = fill(open_workspace(Settings(home=home)), history)
    guess = filled.ws.predictions.published_for("free", STORED + 1)
    assert guess is not None
    probe = (
        "import sys\n"
        "from deployments.cli import main\n"
        "code = main(['predict', '--plan', 'free'])\n"
        "print('loaded:', sorted(m for m in ('numpy', 'pandas', 'tensorflow', 'prefect') if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOTTO_")} | {"LOTTO_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"free: concurso {STORED + 1}: {' '.join(f'{n:02d}' for n in guess.numbers)}" in done.stdout
    assert "loaded: []" in done.stdout


def test_lotto_web_killed_with_sigkill_leaves_none_of_its_worker_processes(tmp_path: Path, history) -> None:
    home = tmp_path / "home"
    fill(open_workspace(Settings(home=home)), history)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOTTO_", "PREFECT_API_URL"))}
    env.update(LOTTO_HOME=str(home), LOTTO_WEB_PORT=str(port), LOTTO_WEB_WORKERS="2")
    web = subprocess.Popen(
        [LOTTO, "web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_answering(f"http://127.0.0.1:{port}/api/v1/health", web)
        recorded = run_processes(web.pid)
        assert sum("spawn_main" in process.command for process in recorded) == 2, sorted(map(str, recorded))
        web.kill()  # `lotto web` alone: its workers must not keep serving on its port
        web.wait()
        seconds, left = wait_until_gone(recorded, web.pid, timeout_s=10)
        assert not left, f"10 s after the kill: {sorted(map(str, left))}"
    finally:
        os.killpg(web.pid, signal.SIGKILL)  # whatever was left (the group outlives its leader)
        web.communicate()
