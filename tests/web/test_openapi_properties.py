"""Property-based run over /openapi.json (schemathesis + hypothesis): no 5xx, every answer fits its schema, on
today's Lotofácil routes and every game's (`{game}` takes each id of the catalog; Mega-Sena has a few draws,
the other games none)."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from deployments.loopback.filled_store import Filled
from tests.web.conftest import UI
from web.app import create_app
from web.prefect_runs import PrefectLinks

pytestmark = pytest.mark.slow  # property-based fuzzing of every route (schemathesis)

EXAMPLES = 60


def test_no_server_error_and_every_answer_matches_the_schema(with_megasena: Filled) -> None:
    app = create_app(with_megasena.ws.settings, PrefectLinks(ui_url=UI, api_url=None))
    with TestClient(app):
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        # 13 routes of today, /api/v1/games, and the 13 of them that read one game again under /api/v1/games/{game}
        # (the health of each game, d34a740, is the 13th)
        assert len(operations) == 27
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def answers_well(case: schemathesis.Case) -> None:
                # a backwards range (from_concurso > to_concurso) fits the schema but is refused with a 400
                # naming it, on purpose, and so is a ticket string that is not a valid bet (422); every other
                # schema-valid request must be accepted
                refusing = {
                    f"/api/v1{of_game}{route}" for of_game in ("", "/games/{game}") for route in ("/draws", "/check")
                }
                excluded = [positive_data_acceptance] if case.operation.path in refusing else []
                case.call_and_validate(excluded_checks=excluded)

            answers_well()
