"""A real browser on the home page of a store built by the after-draw flow, served by uvicorn on loopback.

Headless Debian chromium (`apt-get install -y chromium`; `make test` installs it) driven by playwright.
The screenshot lands in docs/web-home.png, which the README shows.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from lotto_models.core.settings import Settings
from lotto_models.ingest.bundled_history import bundled_history
from lotto_models.reporting.read_model import ReadModel
from lotto_models.serving.ensembles import PLANS
from lotto_models.workspace import close_workspaces
from tests.caixa_server import CaixaTestServer
from web.app import create_app
from web.prefect_runs import PrefectLinks

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "web-home.png"
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
    """LOTTO_HOME after one after-draw run (quick profile) against the loopback CAIXA server; built once."""
    from flows.after_draw import after_draw

    home = tmp_path_factory.mktemp("web-flow") / "home"
    server = CaixaTestServer(bundled_history()).start()
    patch = pytest.MonkeyPatch()
    try:
        for name in [n for n in os.environ if n.startswith("LOTTO_")]:
            patch.delenv(name)
        patch.setenv("LOTTO_HOME", str(home))
        patch.setenv("LOTTO_PROFILE", "quick")
        patch.setenv("LOTTO_CAIXA_BASE_URL", server.base_url)
        patch.setenv("LOTTO_HTTP_BACKOFF_S", "0.01")
        close_workspaces()
        after_draw()
    finally:
        patch.undo()
        close_workspaces()
        server.stop()
    return home


@pytest.fixture
def served(flow_built_home: Path) -> Iterator[tuple[str, Settings]]:
    """The web app over that store, in a real uvicorn server on a free loopback port."""
    settings = Settings(home=flow_built_home, profile="quick")
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
    served: tuple[str, Settings],
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
            page.goto(f"{url}/", wait_until="load")
            assert "The draws are random." in page.inner_text("#honest-note")
            for name in public:
                guess = guesses[name]
                assert guess is not None and len(guess.numbers) == 15
                shown = page.locator(f"#plan-{name} .guess li").all_inner_texts()
                assert [int(text) for text in shown] == guess.numbers, name
                assert page.locator(f"#plan-{name} svg.chart").count() == 1
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
