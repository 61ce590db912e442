"""Secrets never leave the process (issue 30): a run configured with secret-bearing URLs everywhere — the
official API, two mirrors, two alert destinations, two players' destinations, the Prefect API and UI, the
store — and then every page and API answer of the web service, every log line, every alert and guess
received, the runs' states, logs, artifacts and events in Prefect, and every column of the store are searched
for each secret.

The official API is unreachable, the first mirror answers 404 and the second (on loopback, with a user,
password and token) serves a new draw; an alert reaches a loopback receiver (with a user, password and token)
and another cannot be delivered (with a password). On PostgreSQL (LOTTO_TEST_DATABASE_URL) the store is
reached as a role of the test's own with a password; on SQLite the file's path is what public pages must not
show. Trainings time out at once (the `stat` champion, trained beforehand, serves): the run's secrets are in
its fetching, alerting and reporting, not in its models.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from prefect import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.events.filters import EventFilter, EventNameFilter, EventRelatedFilter
from prefect.logging.handlers import APILogHandler
from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings
from starlette.routing import Route

import tasks.send_alert
from deployments.loopback.caixa_server import API_PREFIX, CaixaTestServer, Fault
from deployments.loopback.synthetic_draws import synthetic_draws
from flows.after_draw import after_draw
from flows.ingest_draws import ingest_draws
from lotto_models.core.settings import Settings, get_settings
from lotto_models.ingest.bundled_history import BUNDLED_SOURCE
from lotto_models.modeling.features import FeatureSet
from lotto_models.storage import schema
from lotto_models.training.challengers import build_feature_dataset, promote_challenger, train_challenger
from lotto_models.workspace import close_workspaces, open_workspace
from tests.alert_receiver import AlertReceiver
from tests.conftest import use_lotto_env
from web.app import create_app
from web.prefect_runs import PrefectLinks

pytestmark = pytest.mark.slow  # two real flow runs (training processes start, and time out)

# (user, password, token) per URL: distinctive, so that any one found anywhere is a leak
CAIXA = ("caixa-usr-J3", "caixa-pw-P0q", "caixa-tok-L5w")
MIRROR1 = ("m1-usr-R2k", "m1-pw-T5x", "m1-tok-Y8b")
MIRROR2 = ("m2-usr-Q4n", "m2-pw-U7c", "m2-tok-E1d")
ALERT = ("al-usr-B3v", "al-pw-N6m", "al-tok-H1z")
DEAD_ALERT = ("dead-usr-C9s", "dead-pw-V2t", "dead-tok-A4r")
PUBLISH = ("pub-usr-K7q", "pub-pw-R5d", "pub-tok-W8e")  # players' destinations (LOTTO_PUBLISH_URLS)
DEAD_PUBLISH = ("dpub-usr-X2m", "dpub-pw-J9v", "dpub-tok-Q6s")
PREFECT_API = ("api-usr-F6g", "api-pw-K8h")
PREFECT_UI = ("ui-usr-G5j", "ui-pw-D3l")
DOWN_STORE = ("pgdown-usr-S1e", "pgdown-pw-Z7y")
# every GET route of the web service is asked, its path parameters and required query filled with these
PATH_VALUES = {"plan": "free", "concurso": "3701", "game": "lotofacil"}
CHECKED = "numbers=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"
QUERIES = {"/api/v1/check": CHECKED, "/api/v1/games/{game}/check": CHECKED}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_credentials(url: str, user: str, password: str, query: str | None = None) -> str:
    """`url` (scheme://host…) with `user:password@` and, if given, `?query` added."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{user}:{password}@{rest}" + (f"?{query}" if query else "")


def basic_auth(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def secret_store() -> Iterator[tuple[str | None, list[str]]]:
    """The store's URL and its secrets: on PostgreSQL a database owned by a role of this test's own, reached
    with its password; on SQLite (None) nothing secret but the file's path, which public pages must not show."""
    if not os.environ.get("LOTTO_TEST_DATABASE_URL"):
        yield None, []
        return
    base = sa.engine.make_url(os.environ["LOTTO_TEST_DATABASE_URL"])
    role, password, database = f"lotto_sec_role_{os.getpid()}", "pg-pw-W2q8", f"lotto_secrets_{os.getpid()}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))

    drop()
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'"))
        connection.execute(sa.text(f'CREATE DATABASE "{database}" OWNER "{role}"'))
    url = base.set(username=role, password=password, database=database).render_as_string(hide_password=False)
    yield url, [role, password, basic_auth(role, password)]
    close_workspaces()
    drop()
    admin.dispose()


def secrets_of(*credentials: tuple[str, ...]) -> list[str]:
    found = [part for parts in credentials for part in parts]
    return found + [basic_auth(parts[0], parts[1]) for parts in credentials]


def leaks(texts: dict[str, str], secrets: list[str]) -> list[str]:
    """Each (where, secret, context) found."""
    found = []
    for where, text in texts.items():
        for secret in secrets:
            at = text.find(secret)
            if at >= 0:
                found.append(f"{where}: {secret!r} in …{text[max(0, at - 120) : at + 60]!r}…")
    return found


def store_text() -> dict[str, str]:
    """Every row of every table of the store, as text."""
    ws = open_workspace()
    texts = {}
    with ws.engine.connect() as connection:
        for table in schema.metadata.sorted_tables:
            rows = connection.execute(sa.select(table)).all()
            texts[f"store table {table.name}"] = "\n".join(str(tuple(row)) for row in rows)
    return texts


def prefect_record(flow_run_ids: list[UUID]) -> dict[str, str]:
    """What Prefect keeps of the runs: states (of the flow runs and their task runs), logs, artifacts, events."""
    APILogHandler().flush()
    texts = {}
    runs = FlowRunFilter(id=FlowRunFilterId(any_=flow_run_ids))
    with get_client(sync_client=True) as client:
        for run_id in flow_run_ids:
            run = client.read_flow_run(run_id)
            texts[f"flow run {run.name} state"] = f"{run.state.name}: {run.state.message}" if run.state else ""
        task_runs = client.read_task_runs(flow_run_filter=runs)
        texts["task run states"] = "\n".join(f"{t.name}: {t.state.message}" for t in task_runs if t.state)
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=flow_run_ids)))
        texts["Prefect run logs"] = "\n".join(log.message for log in logs)
        artifacts = client.read_artifacts(flow_run_filter=runs)
        texts["Prefect artifacts"] = "\n".join(f"{a.key}: {a.description}\n{a.data}" for a in artifacts)
        assert artifacts, "the after-draw run published no artifact"
        deadline = time.monotonic() + 15
        events: list = []
        while time.monotonic() < deadline:  # events arrive asynchronously
            related = EventRelatedFilter(id=[f"prefect.flow-run.{run_id}" for run_id in flow_run_ids])
            lotoflow = EventNameFilter(prefix=["lotoflow."])
            events = client.read_events(EventFilter(event=lotoflow, related=related), limit=50).events
            if any(e.event == "lotoflow.fallback.used" for e in events):
                break
            time.sleep(0.5)
        assert any(e.event == "lotoflow.fallback.used" for e in events), [e.event for e in events]
        texts["Prefect events"] = "\n".join(e.model_dump_json() for e in events)
    return texts


def every_get_path(app: FastAPI) -> list[str]:
    """Every page and API answer the app serves, as a path to ask (parameters filled in)."""
    paths = []
    for template in _get_paths(app.routes):
        path = template.format(**PATH_VALUES)
        paths.append(path + (f"?{QUERIES[template]}" if template in QUERIES else ""))
    return sorted(paths)


def _get_paths(routes: list, prefix: str = "") -> list[str]:
    """The GET paths of `routes`, the routers they include (FastAPI keeps those as one route each) too."""
    found = []
    for route in routes:
        included = getattr(route, "include_context", None)
        if included is not None:
            found += _get_paths(included.included_router.routes, prefix + included.prefix)
        elif isinstance(route, APIRoute | Route) and "GET" in (route.methods or set()):
            found.append(prefix + route.path)
    return found


def web_answers(settings: Settings, links: PrefectLinks) -> dict[str, str]:
    app = create_app(settings, links)
    paths = every_get_path(app)
    assert {"/", "/draws", "/api/v1/health", "/api/v1/draws", "/api/v1/quarantine", "/api/v1/models"} <= set(paths)
    with TestClient(app) as client:
        answers = {path: client.get(path) for path in paths}
    for path, answer in answers.items():
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
    return {f"web {path}": answer.text for path, answer in answers.items()}


def unreachable_store_answers(settings: Settings) -> dict[str, str]:
    """The 503 answers of a store that cannot be read: a missing SQLite file, a PostgreSQL nobody serves."""
    down = with_credentials(f"postgresql+psycopg://127.0.0.1:{closed_port()}/lotto_down", *DOWN_STORE)
    return {
        **_answers_503("SQLite", Settings(home=settings.home / "nowhere", database_url=None)),
        **_answers_503("PostgreSQL", Settings(home=settings.home, database_url=down)),
    }


def _answers_503(kind: str, settings: Settings) -> dict[str, str]:
    with TestClient(create_app(settings, PrefectLinks(ui_url=None, api_url=None))) as client:
        answers = {path: client.get(path) for path in ["/", "/draws", "/api/v1/draws", "/api/v1/health"]}
    for path, answer in answers.items():
        assert answer.status_code == 503, f"{kind} {path}: {answer.status_code}"
        assert kind in answer.text, f"the 503 answer of {path} does not say the store is {kind}: {answer.text[:300]}"
    return {f"503 of the {kind} store {path}": answer.text for path, answer in answers.items()}


def test_no_secret_of_any_configured_url_reaches_a_page_log_alert_run_record_or_the_store(
    prefect_api, secret_store, tmp_path: Path, history, monkeypatch, caplog, capfd
) -> None:
    store_url, store_secrets = secret_store
    new = synthetic_draws(history[-1], 1)[0]
    mirror1, mirror2 = CaixaTestServer(history).start(), CaixaTestServer([*history, new]).start()
    receiver = AlertReceiver().start()
    try:
        home = use_lotto_env(
            monkeypatch,
            tmp_path / "home",
            with_credentials(f"http://127.0.0.1:{closed_port()}{API_PREFIX}", *CAIXA[:2], f"token={CAIXA[2]}"),
            store_url,
        )
        ws = open_workspace()  # seeded, with a `stat` champion: the plans serve when the trainings time out
        ws.draws.seed(history, BUNDLED_SOURCE)
        stat_dataset = build_feature_dataset(ws, FeatureSet.STAT)
        assert promote_challenger(ws, "stat", train_challenger(ws, "stat", stat_dataset).version_id, stat_dataset)
        close_workspaces()
        mirrors = [
            with_credentials(mirror1.base_url, *MIRROR1[:2], f"token={MIRROR1[2]}"),
            with_credentials(mirror2.base_url, *MIRROR2[:2], f"token={MIRROR2[2]}"),
        ]
        alerts = [
            with_credentials(receiver.apprise_url("ops"), *ALERT[:2], f"-token={ALERT[2]}"),
            with_credentials(f"json://127.0.0.1:{closed_port()}/ops", *DEAD_ALERT[:2], f"-token={DEAD_ALERT[2]}"),
        ]
        monkeypatch.setenv("LOTTO_MIRROR_URLS", ",".join(mirrors))
        monkeypatch.setenv("LOTTO_ALERT_URLS", ",".join(alerts))
        players = [  # the guesses reach one; the other is down (its failure is in the ledger and the run's state)
            with_credentials(receiver.apprise_url("players"), *PUBLISH[:2], f"-token={PUBLISH[2]}"),
            with_credentials(
                f"json://127.0.0.1:{closed_port()}/players", *DEAD_PUBLISH[:2], f"-token={DEAD_PUBLISH[2]}"
            ),
        ]
        monkeypatch.setenv("LOTTO_PUBLISH_URLS", ",".join(players))
        monkeypatch.setenv("LOTTO_PUBLISH_PAUSE_S", "0")
        monkeypatch.setenv("LOTTO_TRAINING_TIMEOUT_S", "0.01")
        monkeypatch.setattr(tasks.send_alert.send_alert, "retry_delay_seconds", 0)  # the dead one fails 3 times
        mirror1.inject("latest", Fault(status=404, body='{"message": "no"}'))
        api_url = PREFECT_API_URL.value()
        secret_api = with_credentials(api_url, *PREFECT_API)
        secret_ui = with_credentials("https://prefect-ui.example:4200/", *PREFECT_UI)
        caplog.set_level(logging.INFO)
        for library in ("httpx", "apprise", "urllib3.connectionpool"):
            caplog.set_level(logging.DEBUG, logger=library)

        with temporary_settings({PREFECT_UI_URL: secret_ui}):
            first = after_draw(return_state=True)
            assert first.is_completed(), first.message
            # then every source fails: what each said goes into the ingest log and the run's state
            mirror1.inject("latest", Fault(status=404, body='{"message": "no"}'))
            body = "<html>Em manutenção</html>"
            mirror2.inject("latest", *[Fault(body=body, content_type="text/html")] * 3)
            second = ingest_draws(return_state=True)
            assert second.is_completed() and "source unreachable" in (second.message or ""), second.message

        # what the run did with the secret-bearing configuration
        close_workspaces()
        ws = open_workspace()
        assert ws.draws.last_concurso() == 3701
        assert any(MIRROR2[2] in path for path in mirror2.requests), "the mirror was not asked with its token"
        received = receiver.wait_for(1, timeout=10)
        assert received and any("no new draw since concurso" in alert.get("message", "") for alert in received)
        assert any("https://prefect-ui.example:4200/runs/flow-run/" in alert["message"] for alert in received)
        assert any(alert["path"].startswith("/players?") and "delivery_key" in alert for alert in received)  # guesses

        settings = get_settings()
        links = PrefectLinks(ui_url=secret_ui, api_url=secret_api)
        web = web_answers(settings, links)
        health = json.loads(web["web /api/v1/health"])
        kind = "PostgreSQL" if store_url else "SQLite"
        assert health["store"]["database"] == kind and health["prefect"]["reachable"], health
        assert health["prefect"]["last_after_draw_url"].startswith("https://prefect-ui.example:4200/runs/flow-run/")
        assert "https://prefect-ui.example:4200/runs/flow-run/" in web["web /draws"]  # the run links still work
        failing = unreachable_store_answers(settings)

        texts = {
            **web,
            **failing,
            "log records": caplog.text,
            "captured output": "".join(capfd.readouterr()),
            "alerts received": json.dumps([{k: v for k, v in a.items() if k != "path"} for a in received]),
            **prefect_record([first.state_details.flow_run_id, second.state_details.flow_run_id]),
            **store_text(),
        }
        assert "no source answered" in texts["store table ingest_runs"]  # each source's failure, in words
        assert "mirror2 answered" in texts["log records"]
        assert "failed" in texts["store table deliveries"] and "127.0.0.1" in texts["store table deliveries"]
        secrets = secrets_of(
            CAIXA, MIRROR1, MIRROR2, ALERT, DEAD_ALERT, PUBLISH, DEAD_PUBLISH, PREFECT_API, PREFECT_UI, DOWN_STORE
        )
        assert not leaks(texts, secrets + store_secrets), "\n".join(leaks(texts, secrets + store_secrets))
        public = {where: text for where, text in texts.items() if where.startswith(("web", "503"))}
        assert not leaks(public, [str(home)]), "\n".join(leaks(public, [str(home)]))
    finally:
        receiver.stop()
        mirror1.stop()
        mirror2.stop()
        close_workspaces()
