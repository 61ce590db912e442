"""The store filled through the library (`deployments.loopback.filled_store`) as a fixture, and the web app over
it via FastAPI's TestClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from deployments.loopback.filled_store import Filled, fill
from lotto_models.core.draws import Draw
from lotto_models.workspace import Workspace
from web.app import create_app
from web.prefect_runs import PrefectLinks

UI = "http://prefect.example:4200"


@pytest.fixture
def filled(workspace: Workspace, history: list[Draw]) -> Filled:
    return fill(workspace, history)


@pytest.fixture
def client(filled: Filled) -> Iterator[TestClient]:
    with TestClient(create_app(filled.ws.settings, PrefectLinks(ui_url=UI, api_url=None))) as client:
        yield client
