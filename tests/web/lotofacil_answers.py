"""Today's `/api/v1/...` answers for Lotofácil on the filled store, with what differs between two fills (run
ids, timestamps, the newest draw's age) masked, so a change to any other byte of them is seen.

`python -m tests.web.lotofacil_answers` records them in `golden/lotofacil_api.json`; it was run before the web
learned other games, and is not to be run again to make a failing comparison pass.

One deliberate change since (issue 27): `/api/v1/bets` gained `guesses` and `guesses_words` (each plan's guess
at every bet size) after its other keys; only that entry was re-recorded, after checking that every other
answer was unchanged and that the bets answer's old bytes were the new one's prefix.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

GOLDEN = Path(__file__).parent / "golden" / "lotofacil_api.json"

ROUTES = (
    "/api/v1/plans",
    "/api/v1/plans/free",
    "/api/v1/plans/gold",
    "/api/v1/plans/free/predictions",
    "/api/v1/plans/gold/predictions?page=2&page_size=3",
    "/api/v1/plans/free/record",
    "/api/v1/plans/silver/record",
    "/api/v1/plans/nope",
    "/api/v1/draws",
    "/api/v1/draws?page=3&page_size=7&from_concurso=3000&to_concurso=3100",
    "/api/v1/draws?from_concurso=9&to_concurso=3",
    "/api/v1/draws/3690",
    "/api/v1/draws/9999",
    "/api/v1/draws/0",
    "/api/v1/models",
    "/api/v1/quarantine",
    "/api/v1/numbers",
    "/api/v1/randomness",
    "/api/v1/bets",
    "/api/v1/check?numbers=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
    "/api/v1/check?numbers=1,1",
)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def masked(body: str) -> str:
    return TIMESTAMP.sub("<time>", UUID.sub("<uuid>", body))


def answers(client: TestClient) -> dict[str, dict[str, object]]:
    """Each route's status, media type and masked body."""
    found: dict[str, dict[str, object]] = {}
    for route in ROUTES:
        response = client.get(route)
        found[route] = {
            "status": response.status_code,
            "media_type": response.headers["content-type"],
            "body": masked(response.text),
        }
    return found


def record() -> None:
    from deployments.loopback.filled_store import fill
    from lotto_models.core.settings import Settings
    from lotto_models.ingest.bundled_history import bundled_history
    from lotto_models.workspace import open_workspace
    from web.app import create_app
    from web.prefect_runs import PrefectLinks

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), profile="quick", http_backoff_s=0.01)
        filled = fill(open_workspace(settings), bundled_history())
        app = create_app(filled.ws.settings, PrefectLinks(ui_url="http://prefect.example:4200", api_url=None))
        with TestClient(app) as client:
            GOLDEN.write_text(json.dumps(answers(client), indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    record()
    sys.exit(0)
