"""A real MLflow tracking server for the mirror's tests, started as `make mlflow` starts one: on 127.0.0.1, a
free port, its store and artifacts in a temporary directory removed afterwards (one per test session: a
start costs 10-60 s)."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from deployments.mlflow_server import MlflowServer, start_mlflow_server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RestartableServer:
    """The session's server, which a test may stop (to prove a run goes on without it) and start again on the
    same store."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.server: MlflowServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = start_mlflow_server(self.directory, self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture(scope="session")
def mlflow_server() -> Iterator[RestartableServer]:
    pytest.importorskip("mlflow", reason="the MLflow extra is not installed (`make test` installs it)")
    directory = Path(tempfile.mkdtemp(prefix="lotoflow-mlflow-"))
    server = RestartableServer(directory)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
