"""A real browser on the home page of a store built by the after-draw flow, served by uvicorn on loopback.

Headless Debian chromium (`apt-get install -y chromium`; `make test` installs it) driven by playwright.
The screenshot is saved with the test's files; with LOTTO_UPDATE_SCREENSHOTS=1 it replaces docs/web-home.png,
which the README shows (so a test run leaves the tree as it found it).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.plans import PLANS
from lotto_models.core.settings import Settings
from lotto_models.ingest.bundled_history import bundled_history
from lotto_models.reporting.read_model import ReadModel
from lotto_models.workspace import close_workspaces
from tests.conftest import use_lotto_env
from web.app import create_app
from web.prefect_runs import PrefectLinks

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "web-home.png"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def flow_built_home(prefect_api: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LOTTO_HOME after two after-draw runs against the loopback CAIXA server, the second after one new draw
    (so each plan has a scored guess); built once per session."""
    from flows.after_draw import after_draw

    home = tmp_path_factory.mktemp("web-flow") / "home"
    history = bundled_history()
    server = CaixaTestServer(history).start()
    patch = pytest.MonkeyPatch()
    try:
        use_lotto_env(patch, home, server.base_url, None)  # the smoke profile: the pages are under test
        after_draw()
        server.add_draws(synthetic_draws(history[-1], 1))
        after_draw()
    finally:
        patch.undo()
        close_workspaces()
        server.stop()
    return home


@pytest.fixture
def served(flow_built_home: Path) -> Iterator[tuple[str, Settings]]:
    """The web app over that store, in a real uvicorn server on a free loopback port."""
    settings = Settings(home=flow_built_home, profile="smoke")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, PrefectLinks()), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install -y chromium")
def test_the_home_page_shows_each_public_plans_fifteen_numbers_in_a_real_browser(
    served: tuple[str, Settings], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    url, settings = served
    read_model = ReadModel(settings)
    guesses = {view.plan: view.guess for view in read_model.plans()}
    read_model.close()
    public = [name for name, plan in PLANS.items() if plan.public]
    assert all(guesses[name] is not None for name in public)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{url}/", wait_until="load")
            assert "The draws are random." in page.inner_text("#honest-note")
            for name in public:
                guess = guesses[name]
                assert guess is not None and len(guess.numbers) == 15
                shown = page.locator(f"#plan-{name} .guess li").all_inner_texts()
                assert [int(text) for text in shown] == guess.numbers, name
                assert page.locator(f"#plan-{name} svg.chart circle").count() == 1  # the scored guess
            screenshot = DOCS_SCREENSHOT if os.environ.get("LOTTO_UPDATE_SCREENSHOTS") == "1" else tmp_path / "home.png"
            page.screenshot(path=str(screenshot), full_page=True)
            assert screenshot.stat().st_size > 10_000  # a rendered page, not an empty image
            page.click('nav.games a[data-game="megasena"]')  # the switcher: Mega-Sena's own page and chance
            page.wait_for_url(f"{url}/games/megasena/")
            assert "match 0.6 of them on average" in page.inner_text("#honest-note")
            assert page.locator('nav.games a[aria-current="page"]').inner_text() == "Mega-Sena"
            for path in ("/models", "/draws", "/docs"):
                page.goto(f"{url}{path}", wait_until="networkidle")
            page.wait_for_selector(".swagger-ui .information-container", timeout=20_000)  # rendered offline
            assert "/api/v1/plans/{plan}/record" in page.inner_text(".swagger-ui")
        finally:
            browser.close()
    assert requested and all(u.startswith(url) for u in requested), "a page asked for something off this host"


@pytest.mark.slow
def test_health_and_run_links_of_a_flow_built_store(served: tuple[str, Settings]) -> None:
    """Every figure names the after-draw run that produced it, and health reports that run's state."""
    url, _settings = served
    health = httpx.get(f"{url}/api/v1/health", timeout=10).json()
    prefect = health["prefect"]
    assert health["store"]["reachable"] and health["store"]["last_concurso"] == 3701
    assert not health["ok"] and health["store"]["stale"]  # the bundled history ends in 2026: overdue by now
    assert prefect["reachable"] and prefect["last_after_draw_state"] == "Completed"
    last_run = prefect["last_after_draw_run_id"]
    assert prefect["last_after_draw_url"].endswith(f"/runs/flow-run/{last_run}")
    plans = httpx.get(f"{url}/api/v1/plans", timeout=10).json()
    assert {p["guess"]["flow_run_id"] for p in plans} == {last_run}
    assert httpx.get(f"{url}/api/v1/draws/3701", timeout=10).json()["flow_run_id"] == last_run
    first_run = httpx.get(f"{url}/api/v1/draws/3700", timeout=10).json()["flow_run_id"]
    assert first_run not in (None, last_run)  # seeded by the first run
    models = httpx.get(f"{url}/api/v1/models", timeout=10).json()["models"]
    assert {m["champion"]["flow_run_id"] for m in models if m["champion"]} <= {first_run, last_run}
    record = httpx.get(f"{url}/api/v1/plans/gold/record", timeout=10).json()
    history = httpx.get(f"{url}/api/v1/plans/gold/predictions", timeout=10).json()["items"]
    assert record["scored"] == 1 and history[1]["concurso"] == 3701
    assert record["mean_hits"] == history[1]["hits"] == len(set(history[1]["numbers"]) & set(history[1]["drawn"]))
    assert history[1]["flow_run_id"] == first_run
