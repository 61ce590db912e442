"""Today's `/api/v1/...` routes answer for Lotofácil exactly as they did before the web learned other games."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.web.lotofacil_answers import GOLDEN, ROUTES, answers


def test_every_lotofacil_route_answers_byte_for_byte_as_recorded_before_other_games(client: TestClient) -> None:
    recorded = json.loads(GOLDEN.read_text())
    assert list(recorded) == list(ROUTES)
    now = answers(client)
    for route in ROUTES:
        assert now[route] == recorded[route], route
