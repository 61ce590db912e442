"""The store filled through the library (`deployments.loopback.filled_store`) as a fixture, and the web app over
it via FastAPI's TestClient (asking for English pages); `with_megasena` adds a few Mega-Sena draws to it (the
other games stay empty)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from deployments.loopback.filled_store import Filled, fill
from lotto_models.core.draws import Draw
from lotto_models.core.games import game
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import Workspace, open_workspace
from web.app import create_app
from web.prefect_runs import PrefectLinks

UI = "http://prefect.example:4200"
ENGLISH = {"Accept-Language": "en"}  # the pages' English words, which these tests quote (Portuguese is the default)


@pytest.fixture
def filled(workspace: Workspace, history: list[Draw]) -> Filled:
    return fill(workspace, history)


@pytest.fixture
def client(filled: Filled) -> Iterator[TestClient]:
    with TestClient(create_app(filled.ws.settings, PrefectLinks(ui_url=UI, api_url=None)), headers=ENGLISH) as client:
        yield client


MEGASENA_DRAWS = (
    Draw(2954, dt.date(2025, 12, 9), (2, 11, 27, 34, 46, 58)),
    Draw(2955, dt.date(2025, 12, 11), (7, 19, 23, 38, 44, 60)),
    Draw(2956, dt.date(2025, 12, 13), (4, 5, 30, 33, 41, 52)),
)


@pytest.fixture
def with_megasena(filled: Filled) -> Filled:
    """The filled Lotofácil store with three Mega-Sena draws beside it (no Mega-Sena guess, model or plan)."""
    megasena = open_workspace(filled.ws.settings, game=game("megasena"))
    megasena.draws.add([IncomingDraw(draw, "caixa") for draw in MEGASENA_DRAWS])
    return filled


@pytest.fixture
def games_client(with_megasena: Filled) -> Iterator[TestClient]:
    app = create_app(with_megasena.ws.settings, PrefectLinks(ui_url=UI, api_url=None))
    with TestClient(app, headers=ENGLISH) as client:
        yield client
