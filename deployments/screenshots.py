"""Every page at a phone's width and a desktop's, in a real browser: `python -m deployments.screenshots`.

Fills a store in a temporary home through the library (`deployments.loopback.filled_store`: Lotofácil's
bundled history, model versions, guesses, a quarantined answer; and 40 synthetic Mega-Sena draws), starts
`lotto web` over it on a loopback port, opens each page of `PAGES` in headless Chromium (Debian's `/usr/bin/chromium`,
driven by playwright) at 390 and 1400 px and writes `docs/screenshots/<page>-<width>.png` (the top of the
page, at most `MAX_HEIGHT` px, palette-reduced). The browser test (`tests/web/test_browser.py`) opens the same
pages in `new_tab` and holds each to `fits_its_width`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from deployments.chromium import CHROMIUM, CHROMIUM_FLAGS
from lotto_models.core.draws import Draw
from lotto_models.core.games import game
from lotto_models.core.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WIDTHS = (390, 1400)
HEIGHTS = {390: 844, 1400: 900}
MAX_HEIGHT = 2400
DOCS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TICKET = "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"

# (name, path): every page of Lotofácil at today's URLs, an error page, and Mega-Sena's under /games/megasena
PAGES = (
    ("home", "/"),
    ("plan", "/plans/gold"),
    ("models", "/models"),
    ("draws", "/draws"),
    ("numbers", "/numbers"),
    ("bets", "/bets"),
    ("check", f"/check?numbers={TICKET}"),
    ("not-found", "/plans/nope"),
    ("megasena-home", "/games/megasena/"),
    ("megasena-draws", "/games/megasena/draws"),
    ("megasena-numbers", "/games/megasena/numbers"),
    ("megasena-bets", "/games/megasena/bets"),
    ("megasena-check", "/games/megasena/check?numbers=4,8,15,16,23,42"),
    ("megasena-models", "/games/megasena/models"),
)


def synthetic_megasena(count: int = 40, seed: int = 11) -> list[Draw]:
    """`count` random Mega-Sena draws (stand-ins: enough for the randomness tests' 30)."""
    rng = random.Random(seed)
    start = dt.date(2025, 6, 3)
    return [
        Draw(2870 + i, start + dt.timedelta(days=3 * i), tuple(sorted(rng.sample(range(1, 61), 6))))
        for i in range(count)
    ]


def fill_home(home: Path) -> Settings:
    """A store in `home` with every page's figures (the web tests' filled store, and Mega-Sena draws)."""
    from deployments.loopback.filled_store import fill
    from lotto_models.ingest.bundled_history import bundled_history
    from lotto_models.storage.draw_store import IncomingDraw
    from lotto_models.workspace import close_workspaces, open_workspace

    settings = Settings(home=home, profile="quick", http_backoff_s=0.01)
    fill(open_workspace(settings), bundled_history())
    megasena = open_workspace(settings, game=game("megasena"))
    megasena.draws.add([IncomingDraw(draw, "caixa") for draw in synthetic_megasena()])
    close_workspaces()
    return settings


@contextlib.contextmanager
def lotto_web(home: Path) -> Iterator[str]:
    """`lotto web` as it ships (its own process, on a free loopback port) over the store in `home`; its URL.
    Ended, with its workers, when the block ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    lotto = Path(sys.executable).with_name("lotto")
    env = {**os.environ, "LOTTO_HOME": str(home), "LOTTO_PROFILE": "quick", "LOTTO_WEB_WORKERS": "1"}
    proc = subprocess.Popen(
        [str(lotto), "web", "--host", "127.0.0.1", "--port", str(port)], env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not answers(f"{url}/api/v1/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"lotto web did not answer on {url} within 60 s (exit code {proc.poll()})")
            time.sleep(0.2)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code in (200, 503)
    except httpx.HTTPError:
        return False


def launch(playwright) -> Browser:  # noqa: ANN001 - playwright's Playwright, imported lazily
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


def new_tab(browser: Browser, width: int, language: str = "pt-BR") -> Page:
    """A tab in a fresh context (no cookies), `width` px wide, whose browser asks for `language`."""
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS.get(width, 900)}, locale=language, device_scale_factor=1
    )
    return context.new_page()


def overflow(page: Page) -> int:
    """How many px the document is wider than the viewport (0 when nothing scrolls sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def save(page: Page, path: Path) -> None:
    """The top of the page (at most `MAX_HEIGHT` px) as a palette PNG: small enough to keep in git."""
    from PIL import Image

    height = min(int(page.evaluate("document.documentElement.scrollHeight")), MAX_HEIGHT)
    width = int(page.evaluate("window.innerWidth"))
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    with Image.open(path) as shot:
        reduced = shot.convert("RGB").quantize(colors=128)
    reduced.save(path, optimize=True)


def shoot(base_url: str, out: Path) -> list[tuple[str, int, int]]:
    """Every page at every width to `out`; (name, width, overflow px) of each."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    found = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for width in WIDTHS:
                page = new_tab(browser, width)
                for name, path in PAGES:
                    page.goto(f"{base_url}{path}", wait_until="load")
                    found.append((name, width, overflow(page)))
                    save(page, out / f"{name}-{width}.png")
                page.context.close()
        finally:
            browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help=f"where the PNGs go (default {DOCS})")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        fill_home(Path(home))
        with lotto_web(Path(home)) as url:
            for name, width, extra in shoot(url, args.out):
                print(f"{name:18} {width:5} px  {'fits' if extra <= 0 else f'{extra} px too wide'}")


if __name__ == "__main__":
    main()
