"""The page templates of one language: Jinja2 with gettext (`jinja2.ext.i18n`, the language's catalog from
`web.i18n`), the filters that write figures the language's way (`num`, `pct`, `day`, `when`), and the
globals every page reads (the library's sentences in that language as `words`, the language switch)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from lotto_models.core.games import GAMES, LOTOFACIL
from lotto_models.reporting.paging import MAX_PAGE_SIZE
from lotto_models.reporting.plan_views import baseline
from web.i18n import Figures, Language, translations
from web.page_words import PageWords

TEMPLATES = Path(__file__).parent / "templates"


def switch_url(request: Request, language: Language) -> str:
    """This page in `language`: its path and query, with `lang` set (which also sets the cookie)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", language.value)]
    return f"{request.url.path}?{urlencode(query)}"


def page_templates(language: Language, run_url: Callable[[str | None], str | None]) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), extensions=["jinja2.ext.i18n"]
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    figures, words = Figures(language), PageWords(language)
    env.filters.update(num=figures.num, signed=figures.signed, pct=figures.pct, day=figures.day, when=figures.when)
    # a page's own game overrides these (`Shown.page_context`); an error page outside any game shows Lotofácil's
    env.globals.update(
        run_url=run_url,
        baseline=baseline(),
        max_page_size=MAX_PAGE_SIZE,
        hits_text=words.hits,
        share_text=words.share,
        words=words,
        language=language,
        languages=list(Language),
        switch_url=switch_url,
        game=LOTOFACIL,
        games=list(GAMES.values()),
        prefix="",
        prize_hits=(),
    )
    return Jinja2Templates(env=env)
