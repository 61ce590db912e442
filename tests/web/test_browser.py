"""A real browser on the pages of a store built by the after-draw flow, served by uvicorn on loopback: the home
page's guesses, and every page at a phone's width and a desktop's, in Portuguese and English.

Headless Debian chromium (`apt-get install -y chromium`; `make test` installs it) driven by playwright.
The screenshot is saved with the test's files; with LOTTO_UPDATE_SCREENSHOTS=1 it replaces docs/web-home.png,
which the README shows (so a test run leaves the tree as it found it).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn

from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.synthetic_draws import synthetic_draws
from deployments.screenshots import CHROMIUM, PAGES, WIDTHS, launch, new_tab, overflow, synthetic_megasena
from lotto_models.core.games import game
from lotto_models.core.plans import PLANS
from lotto_models.core.settings import Settings
from lotto_models.ingest.bundled_history import bundled_history
from lotto_models.reporting.read_model import ReadModel
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import use_lotto_env
from web.app import create_app
from web.prefect_runs import PrefectLinks

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "web-home.png"

if TYPE_CHECKING:
    from playwright.sync_api import Browser


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the file's tests (each test opens its own contexts)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


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
    served: tuple[str, Settings], browser: Browser, tmp_path: Path
) -> None:
    url, settings = served
    read_model = ReadModel(settings)
    guesses = {view.plan: view.guess for view in read_model.plans()}
    read_model.close()
    public = [name for name, plan in PLANS.items() if plan.public]
    assert all(guesses[name] is not None for name in public)

    page = new_tab(browser, 1280, "en")
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
    page.context.close()
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


ENGLISH = ("home", "models", "draws", "bets", "megasena-home")


def boxes(page, selector: str) -> list[dict[str, float]]:  # noqa: ANN001 - playwright's Page
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height}; })",
    )


def disjoint(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]


def check_phone_layout(page, name: str) -> None:  # noqa: ANN001 - playwright's Page
    """At 390 px: balls five a row, tables as labelled cards, chart labels of a readable size."""
    if name == "home":
        tops = [round(b["top"]) for b in boxes(page, "section.plan .guess >> nth=0 >> li")]
        assert len(tops) == 15 and [tops.count(t) for t in sorted(set(tops))] == [5, 5, 5], tops
        labels = boxes(page, "section.plan svg.chart text.tick")
        assert labels and min(b["height"] for b in labels) >= 10, "chart labels shrank below a readable size"
    if name in ("draws", "numbers", "bets", "plan", "models", "megasena-draws"):
        table = page.locator("table.cards").first
        assert table.locator("thead").is_hidden()
        cell = table.locator("td[data-label]").first
        label = cell.get_attribute("data-label")
        shown = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert shown == f'"{label}"' and label, (name, shown)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install -y chromium")
def test_every_page_fits_a_phone_and_a_desktop_in_portuguese_and_english(
    served: tuple[str, Settings], browser: Browser
) -> None:
    """Each page (Lotofácil's and Mega-Sena's) at 390 and 1400 px: no sideways scroll; on the phone five balls a
    row, tables as cards, chart labels readable; the models legend never overlaps; the language switch sticks."""
    url, settings = served
    megasena = open_workspace(settings, game=game("megasena"))
    megasena.draws.add([IncomingDraw(draw, "caixa") for draw in synthetic_megasena()])
    close_workspaces()
    # every page in Portuguese at both widths; the pages with the longest English words at the phone's
    for width, language, names in [*((w, "pt-BR", dict(PAGES)) for w in WIDTHS), (390, "en", ENGLISH)]:
        page = new_tab(browser, width, language)
        for name, path in PAGES:
            if name not in names:
                continue
            page.goto(f"{url}{path}", wait_until="load")
            assert page.get_attribute("html", "lang") == language, (name, language)
            assert overflow(page) <= 0, f"{path} scrolls sideways at {width} px ({language})"
            if width == 390:
                check_phone_layout(page, name)
            if name == "models":
                legend = boxes(page, "figure.backtest ul.legend li")
                chart = boxes(page, "figure.backtest svg.chart")[0]
                assert len(legend) >= 2 and all(b["top"] >= chart["bottom"] for b in legend)
                assert all(disjoint(a, b) for i, a in enumerate(legend) for b in legend[i + 1 :])
        page.context.close()

    page = new_tab(browser, 390, "pt-BR")
    page.goto(f"{url}/numbers")
    assert "Os sorteios são justos?" in page.inner_text("main")
    page.click('nav.languages a[data-lang="en"]')
    page.wait_for_url(f"{url}/numbers?lang=en")
    assert page.get_attribute("html", "lang") == "en" and "Are the draws fair?" in page.inner_text("main")
    page.click('nav.pages a[href="/draws"]')  # the cookie keeps English over the browser's Portuguese
    assert page.get_attribute("html", "lang") == "en" and "The draws are random." in page.inner_text("aside")
    page.click('nav.languages a[data-lang="pt-BR"]')
    assert "Os sorteios são aleatórios." in page.inner_text("aside")
    assert re.search(r"\d{2}/\d{2}/\d{4}", page.inner_text("table.draws tbody tr >> nth=0"))
    assert "9,0" in page.inner_text("aside")
    page.context.close()
